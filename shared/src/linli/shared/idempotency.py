"""``Idempotency-Key`` on POST: a replay returns the first response.

- same key, same body, first request finished → the stored response, ``Idempotent-Replayed: true``;
- same key while the first is still running → 409;
- same key, different body → 422.

Keys are scoped by caller: a signed-in caller's keys are theirs (the token's subject). Anonymous
callers (kiosks) share one key space, so a key is used at most once among them whatever the client
keeps, but a stored response is replayed only to the anonymous caller that made it, known by a
random id in its session cookie (set on its first keyed request): a second kiosk that reuses a key
gets 409 ``idempotency_key_used``, never the first one's order and its pickup reference. A client
that keeps no cookies gets no replays (409), and never a duplicate.

The key is claimed in its own short transaction before the view runs, so concurrent requests
see each other's claim; the response is stored after the view. A 5xx frees the key for a retry.

On PostgreSQL the claim and the store are each one prepared statement on a pooled connection in
autocommit (one round trip, no statement compiled per request: SQLAlchemy cannot cache an
``ON CONFLICT`` insert, and compiling it cost more than the rest of the claim); the rare paths (a key
already taken, a 5xx) and SQLite go through SQLAlchemy Core.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import sqlalchemy as sa
import structlog
from flask import Flask, Response, g, request, session
from psycopg.types.json import Json
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from linli.shared.auth import current_identity
from linli.shared.db import transient_database_error, utcnow
from linli.shared.errors import Conflict, Problem, Unprocessable, handle_problem
from linli.shared.state import service_state

HEADER = "Idempotency-Key"
STALE_AFTER = dt.timedelta(minutes=5)  # a claim this old belongs to a crashed worker
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")
log = structlog.get_logger("linli.idempotency")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


CALLER_SESSION_KEY = "linli_caller"


def _scope_and_caller() -> tuple[str, str | None]:
    """The key space (the token's subject, or the one anonymous space) and, for an anonymous
    caller, its session id (made now when it has none yet)."""
    try:
        identity = current_identity()
    except Problem:
        identity = None
    caller = None
    if identity is None:
        caller = session.get(CALLER_SESSION_KEY)
        if not isinstance(caller, str) or not caller:
            caller = session[CALLER_SESSION_KEY] = secrets.token_urlsafe(24)
    return f"{identity.subject if identity else 'anonymous'}:{request.path}"[:255], caller


@contextmanager
def _connect(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection of its own for the claim and the store: each is one statement (the claim's
    fallback reads and updates only a key already taken). On PostgreSQL in autocommit, so a statement
    is its own transaction and one round trip (no BEGIN, no COMMIT); SQLite keeps its BEGIN IMMEDIATE."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection.execution_options(linli_write=True)


@contextmanager
def _autocommit_driver(engine: sa.Engine) -> Iterator[psycopg.Connection[Any]]:
    """PostgreSQL: a pooled connection's own psycopg connection, in autocommit while it is lent."""
    pooled = engine.raw_connection()
    try:
        driver: psycopg.Connection[Any] = pooled.driver_connection  # type: ignore[assignment]
        driver.autocommit = True
        yield driver
        driver.autocommit = False
    except psycopg.Error:
        pooled.invalidate()  # broken or mid-error: the pool opens a fresh one
        raise
    finally:
        pooled.close()


def _claim_sql(table: sa.Table) -> str:
    return (f"INSERT INTO {table.name} (scope, key, fingerprint, caller, state, created_at) "
            "VALUES (%s, %s, %s, %s, 'processing', %s) ON CONFLICT (scope, key) DO NOTHING RETURNING id")


def _store_sql(table: sa.Table) -> str:
    return (f"UPDATE {table.name} SET state = 'done', response_status = %s, response_headers = %s, "
            "response_body = %s WHERE scope = %s AND key = %s")


def _claim_on_postgresql(engine: sa.Engine, table: sa.Table, scope: str, key: str, fingerprint: str,
                         caller: str | None) -> bool:
    with _autocommit_driver(engine) as driver:
        row = driver.execute(_claim_sql(table), (scope, key, fingerprint, caller, utcnow()), prepare=True).fetchone()
    return row is not None


def _insert(connection: sa.Connection, table: sa.Table) -> Any:
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)


def _claim() -> Response | None:
    key = request.headers.get(HEADER)
    if request.method != "POST" or not key:
        return None
    if len(key) > 255 or not key.strip():
        return handle_problem(Unprocessable("The Idempotency-Key must be 1 to 255 characters.", code="bad_idempotency_key"))
    state = service_state()
    model = state.models.IdempotencyRecord
    table = model.__table__
    (scope, caller), fingerprint = _scope_and_caller(), _fingerprint()
    engine = state.db.engine
    if engine.dialect.name == "postgresql" and _claim_on_postgresql(engine, table, scope, key, fingerprint, caller):
        g.linli_idempotency = (scope, key)
        return None
    with _connect(engine) as connection, connection.begin():
        # one statement (on PostgreSQL in autocommit: one round trip); a key already claimed inserts nothing
        claimed = connection.execute(_insert(connection, table).values(
            scope=scope, key=key, fingerprint=fingerprint, caller=caller, state="processing",
            created_at=utcnow()).on_conflict_do_nothing(index_elements=["scope", "key"])
            .returning(table.c.id)).first()
        if claimed is not None:
            g.linli_idempotency = (scope, key)
            return None
        row = connection.execute(sa.select(table).where(table.c.scope == scope, table.c.key == key)).one()
        if row.caller != caller:  # another kiosk's key: its response may hold a secret (pickup_ref)
            return handle_problem(Conflict(
                "This Idempotency-Key was used by another caller; send a new key.", code="idempotency_key_used"))
        if row.fingerprint != fingerprint:
            return handle_problem(Unprocessable(
                "This Idempotency-Key was used with a different request body.", code="idempotency_key_reused"))
        if row.state == "processing":
            created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
            if utcnow() - created < STALE_AFTER:
                return handle_problem(Conflict(
                    "A request with this Idempotency-Key is still being processed; retry shortly.",
                    code="idempotency_in_progress"))
            # a crashed worker's claim: taken over by exactly one retry (the one whose UPDATE still sees it)
            taken = connection.execute(table.update().where(
                table.c.id == row.id, table.c.state == "processing", table.c.created_at == row.created_at)
                .values(created_at=utcnow())).rowcount
            if taken != 1:
                return handle_problem(Conflict(
                    "A request with this Idempotency-Key is still being processed; retry shortly.",
                    code="idempotency_in_progress"))
            g.linli_idempotency = (scope, key)
            return None
    response = Response(row.response_body, status=row.response_status)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(response: Response) -> Response:
    claim = g.pop("linli_idempotency", None)
    if claim is None:
        return response
    scope, key = claim
    state = service_state()
    table = state.models.IdempotencyRecord.__table__
    engine = state.db.engine
    headers = {h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}
    try:
        if response.status_code < 500 and engine.dialect.name == "postgresql":
            with _autocommit_driver(engine) as driver:
                driver.execute(_store_sql(table), (response.status_code, Json(headers), response.get_data(), scope, key),
                               prepare=True)
            return response
        where = (table.c.scope == scope) & (table.c.key == key)
        with _connect(engine) as connection, connection.begin():
            if response.status_code >= 500:
                connection.execute(table.delete().where(where))
            else:
                connection.execute(table.update().where(where).values(
                    state="done", response_status=response.status_code,
                    response_headers=headers, response_body=response.get_data()))
    except (DBAPIError, PoolTimeoutError, psycopg.Error) as error:
        if transient_database_error(error) is None:
            raise
        # the database went away after the view: its answer stands (what it did is committed or
        # rolled back already); the claim stays "processing" and is taken over after STALE_AFTER
        log.warning("idempotency.store_failed", key=key, status=response.status_code, error=str(error.orig)[:200]
                    if isinstance(error, DBAPIError) else str(error)[:200])
    return response


def purge_expired(app: Flask) -> int:
    state = service_state(app)
    table = state.models.IdempotencyRecord.__table__
    cutoff = utcnow() - dt.timedelta(hours=app.config["LINLI_IDEMPOTENCY_TTL_HOURS"])
    with state.db.engine.connect() as connection, connection.begin():
        return connection.execute(table.delete().where(table.c.created_at < cutoff)).rowcount


def init_idempotency(app: Flask) -> None:
    app.before_request(_claim)
    app.after_request(_store)
