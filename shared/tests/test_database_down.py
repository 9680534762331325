"""A database that cannot be reached answers 503 problem+json with Retry-After, never 500; a relay and a
looping tick wait it out. (The fault drill in tests/faults does it for real, with a PostgreSQL crash.)"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from linli.cases.app import create_app
from linli.shared.db import transient_database_error
from linli.shared.events.relay import run_relay
from linli.shared.testing.live import free_port

NOWHERE = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/linli_gone"  # nothing listens there


@pytest.fixture
def gone(linli_base_config):
    app = create_app({**linli_base_config, "SQLALCHEMY_DATABASE_URI": NOWHERE,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}})
    yield app
    with app.app_context():
        app.extensions["linli"].db.engine.dispose()


def test_requests_get_503_with_retry_after_while_the_database_is_unreachable(gone, auth):
    client = gone.test_client()
    for response in (client.get("/api/cases?community_id=north-bund", headers=auth("staff")),
                     client.post("/api/cases", headers={**auth("staff"), "Idempotency-Key": "k-1"},
                                 json={"community_id": "north-bund", "title": "Lift", "category": "facilities"}),
                     client.get("/readyz")):
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        assert response.headers["Retry-After"].isdigit()
    assert client.get("/api/cases?community_id=north-bund", headers=auth("staff")).json["code"] == "database_unavailable"
    assert client.get("/healthz").status_code == 200  # alive, not ready: the orchestrator keeps the pod


def test_the_relay_keeps_waiting_for_its_database(gone):
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(run_relay(gone, interval=0.1, max_seconds=1.5)))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and result and result[0].delivered == 0  # returned at max_seconds, never raised


def test_what_counts_as_transient():
    def wrapped(orig: Exception, kind: type[sa_exc.DBAPIError] = sa_exc.OperationalError) -> sa_exc.DBAPIError:
        return kind("SELECT 1", {}, orig)

    import sqlite3

    import psycopg

    assert transient_database_error(wrapped(sqlite3.OperationalError("database is locked"))) == "busy"
    assert transient_database_error(wrapped(sqlite3.OperationalError("no such table: x"))) is None
    assert transient_database_error(wrapped(psycopg.OperationalError("connection refused"))) == "unavailable"
    assert transient_database_error(wrapped(psycopg.errors.AdminShutdown("terminating"))) == "unavailable"
    assert transient_database_error(wrapped(psycopg.errors.CannotConnectNow("starting up"))) == "unavailable"
    assert transient_database_error(wrapped(psycopg.errors.SerializationFailure("x"))) == "busy"
    assert transient_database_error(wrapped(psycopg.errors.LockNotAvailable("x"))) == "busy"
    assert transient_database_error(wrapped(psycopg.errors.UndefinedTable("x"), sa_exc.ProgrammingError)) is None
    assert transient_database_error(sa_exc.TimeoutError("QueuePool limit")) == "unavailable"
    assert transient_database_error(ValueError("x")) is None
    with pytest.raises(sa_exc.OperationalError):  # nothing listens: what the handlers above turn into 503
        sa.create_engine(NOWHERE, connect_args={"connect_timeout": 2}).connect()
