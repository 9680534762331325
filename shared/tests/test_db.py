"""The database layer: SQLite pragmas and single writer, UTC datetimes, no pool shared across fork."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest
import sqlalchemy as sa

from linli.shared.db import UTCDateTime, engine_options


@pytest.mark.engines("sqlite")
def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(app):
    with app.app_context():
        connection = app.extensions["linli"].db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


@pytest.mark.engines("sqlite")
def test_sqlite_writers_queue_instead_of_failing(app):
    """Two read-then-write transactions: the second waits for the first (BEGIN IMMEDIATE)."""
    db = app.extensions["linli"].db
    order: list[str] = []

    def writer(name: str, hold: float) -> None:
        with app.app_context():
            session = db.session
            session.execute(sa.text("SELECT count(*) FROM linli_inbox_event")).scalar()
            order.append(f"{name}-read")
            time.sleep(hold)
            session.execute(sa.text("INSERT INTO linli_inbox_event (id, source, event_type, received_at) "
                                    "VALUES (:id, 't', 't', '2026-01-01 00:00:00')"), {"id": name})
            session.commit()
            order.append(f"{name}-done")

    first = threading.Thread(target=writer, args=("a", 0.3))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=writer, args=("b", 0))
    second.start()
    first.join()
    second.join()
    assert order == ["a-read", "a-done", "b-read", "b-done"]


def test_datetimes_come_back_aware_in_utc(app):
    shanghai = dt.timezone(dt.timedelta(hours=8))
    with app.app_context():
        db = app.extensions["linli"].db
        models = app.extensions["linli"].models
        db.session.add(models.InboxEvent(id="x", source="t", event_type="t",
                                         received_at=dt.datetime(2026, 11, 23, 12, 0, tzinfo=shanghai)))
        db.session.commit()
        db.session.expunge_all()
        stored = db.session.get(models.InboxEvent, "x").received_at
    assert stored == dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC) and stored.tzinfo is not None


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 1), sa.create_engine("sqlite://").dialect)


def test_postgres_pool_settings_are_configurable():
    options = engine_options("postgresql+psycopg://x/y", {"LINLI_DB_POOL_SIZE": "3"})
    assert options["pool_size"] == 3 and options["max_overflow"] == 10 and "pool_pre_ping" not in options


def test_no_connection_is_inherited_across_fork(app):
    with app.app_context():
        db = app.extensions["linli"].db
        db.session.execute(sa.text("SELECT 1"))
        db.session.commit()
        parent_pool_id = id(db.engine.pool)
        checked_in = db.engine.pool.checkedin()
    assert checked_in >= 1
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the pool it inherited has been replaced by a fresh, empty one
        try:
            with app.app_context():
                fresh = app.extensions["linli"].db.engine.pool
                ok = id(fresh) != parent_pool_id and fresh.checkedin() == 0
        except Exception:
            ok = False
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"


def test_transaction_commits_the_block_or_rolls_all_of_it_back(app):
    from linli.shared.db import transaction

    with app.app_context():
        models = app.extensions["linli"].models
        session = app.extensions["linli"].db.session
        at = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
        with transaction():
            session.add(models.InboxEvent(id="kept", source="t", event_type="t", received_at=at))
        with pytest.raises(RuntimeError), transaction():
            session.add(models.InboxEvent(id="dropped", source="t", event_type="t", received_at=at))
            session.flush()
            raise RuntimeError("half way")
        session.expunge_all()
        assert sorted(session.scalars(sa.select(models.InboxEvent.id))) == ["kept"]


@pytest.mark.engines("postgresql")
def test_a_connection_idle_past_the_threshold_is_pinged_and_a_dead_one_replaced(app, monkeypatch):
    """No pool_pre_ping (a round trip per checkout): a connection that sat idle is pinged on checkout,
    and one the server closed meanwhile is swapped for a fresh one; the request does not see it."""
    import linli.shared.db as shared_db

    with app.app_context():
        engine = app.extensions["linli"].db.engine
        with engine.connect() as connection, engine.connect() as other:
            first_pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            connection.commit()
            connection.close()  # back in the pool, then its server process is ended under it
            other.exec_driver_sql(f"SELECT pg_terminate_backend({first_pid})")
            other.commit()
        time.sleep(0.2)
        clock = time.monotonic()
        monkeypatch.setattr(shared_db.time, "monotonic", lambda: clock + shared_db.PING_AFTER_IDLE_SECONDS + 1)
        with engine.connect() as one, engine.connect() as two:  # both pooled ones: the dead one is replaced
            pids = {c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in (one, two)}
        assert first_pid not in pids and len(pids) == 2


@pytest.mark.engines("postgresql")
def test_a_connection_in_steady_use_is_not_pinged(app):
    with app.app_context():
        engine = app.extensions["linli"].db.engine
        statements: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        pinged: list[bool] = []
        original = engine.dialect.do_ping
        engine.dialect.do_ping = lambda c: pinged.append(True) or original(c)
        try:
            for _ in range(3):
                with engine.connect() as connection:
                    connection.exec_driver_sql("SELECT 1")
        finally:
            engine.dialect.do_ping = original
        assert pinged == [] and len(statements) == 3
