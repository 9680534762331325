"""Database: one Flask-SQLAlchemy instance per service, SQLite (embedded) or PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Writers are serialised:
every transaction that may write starts with ``BEGIN IMMEDIATE`` (one writer at a time,
the others wait on the busy timeout) so a read-then-write never fails half way. Only
transactions inside a safe HTTP request (GET, HEAD, OPTIONS) begin deferred, as readers.

PostgreSQL goes through psycopg 3 with a small pool per process; engines are disposed in a
forked child so that no connection is ever shared across a gunicorn fork.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.orm import registry as orm_registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Pool settings for PostgreSQL, per process (a gunicorn worker): size + overflow must stay
# below max_connections / (workers * replicas). Override with LINLI_DB_POOL_SIZE etc.
POSTGRES_POOL_DEFAULTS = {"pool_size": 5, "max_overflow": 10, "pool_timeout": 10, "pool_recycle": 1800}
# a pooled connection unused this long is pinged before use (a restarted server closed it meanwhile);
# one in steady use is not: pool_pre_ping would cost a round trip on every checkout (three per keyed order)
PING_AFTER_IDLE_SECONDS = 10


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both engines (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime in UTC")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_db() -> SQLAlchemy:
    """A fresh SQLAlchemy extension with its own metadata, for one service."""

    class Base(DeclarativeBase):
        registry = orm_registry(
            metadata=MetaData(naming_convention=NAMING_CONVENTION),
            type_annotation_map={dt.datetime: UTCDateTime()},
        )

    return SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


def engine_options(url: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ if env is None else env)
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    options: dict[str, Any] = {}
    for key, default in POSTGRES_POOL_DEFAULTS.items():
        options[key] = int(env.get(f"LINLI_DB_{key.upper()}", default))
    return options


def ping_after_idle_seconds(env: dict[str, str] | None = None) -> float:
    env = dict(os.environ if env is None else env)
    return float(env.get("LINLI_DB_PING_AFTER_IDLE", PING_AFTER_IDLE_SECONDS))


def _install_idle_ping(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only when it sat idle longer than ``idle_seconds``; a dead
    one is replaced (DisconnectionError makes the pool connect afresh). A connection that dies while in
    steady use fails that request, and SQLAlchemy then invalidates the pool's older connections."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["linli_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("linli_idle_since")
        if since is None or time.monotonic() - since <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure of the ping means a dead connection
            raise sa.exc.DisconnectionError() from error
        if not alive:
            raise sa.exc.DisconnectionError()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _install_sqlite_behaviour(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reader = has_request_context() and request.method in SAFE_METHODS
        if connection.get_execution_options().get("linli_write"):
            reader = False
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")


def init_db(app: Flask, db: SQLAlchemy) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(os.path.abspath(url.removeprefix("sqlite:///"))), exist_ok=True)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))
    db.init_app(app)

    @app.teardown_appcontext  # runs before Flask-SQLAlchemy's own (teardowns run in reverse order)
    def _close_session(_exc: BaseException | None) -> None:
        """Close the request's session also when the database went away under it (PostgreSQL
        restarting): the rollback on the dead connection fails once, the connection is invalidated,
        and a second close succeeds. Otherwise that failure would escape as a bare 500."""
        try:
            db.session.remove()
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
            if transient_database_error(error) is None:
                raise
            db.session.remove()
    with app.app_context():
        engine = db.engine
        if is_sqlite(engine):
            _install_sqlite_behaviour(engine)
        elif engine.pool.__class__.__name__ != "NullPool":
            _install_idle_ping(engine, ping_after_idle_seconds())
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


# SQLSTATEs of PostgreSQL that say "not now" rather than "never": lock and serialisation failures
# (busy), and the server being unreachable, shutting down, starting up or out of connections
_BUSY_SQLSTATES = ("40001", "40P01", "55P03", "57014")
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")
# SQLite has no SQLSTATE; its transient failures are a held write lock
_SQLITE_BUSY_MARKERS = ("database is locked", "database table is locked")


def transient_database_error(error: BaseException) -> Literal["busy", "unavailable"] | None:
    """Whether a database error is worth retrying, and why; None for a real fault (a bug, bad SQL).

    ``busy``: a lock or a serialisation conflict (retry at once); ``unavailable``: the database is
    gone for now (PostgreSQL restarting or unreachable, a dropped connection, the pool exhausted)."""
    if isinstance(error, sa_exc.TimeoutError):  # QueuePool: no connection free within pool_timeout
        return "unavailable"
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    if error.connection_invalidated:  # the dialect saw a disconnect; the pool was emptied
        return "unavailable"
    orig = error.orig
    if hasattr(orig, "sqlstate"):  # psycopg
        state = getattr(orig, "sqlstate", None)
        if state is None:  # raised by libpq itself: refused, reset, closed
            return "unavailable" if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)) else None
        if state in _BUSY_SQLSTATES:
            return "busy"
        return "unavailable" if state.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES) else None
    message = str(orig) if orig is not None else str(error)
    return "busy" if any(marker in message for marker in _SQLITE_BUSY_MARKERS) else None


def lock_for_update(statement: sa.Select[Any]) -> sa.Select[Any]:
    """Row locks on PostgreSQL; SQLite already holds the single write lock (BEGIN IMMEDIATE)."""
    return statement.with_for_update()


def changed_rows(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through ``session.execute`` matched.

    The session answers such statements with a ``CursorResult`` (which has ``rowcount``), though
    its signature promises only a ``Result``."""
    if not isinstance(result, sa.CursorResult):
        raise TypeError(f"{type(result).__name__} is not the result of an UPDATE or DELETE")
    return result.rowcount


@contextmanager
def transaction(session: Session | None = None) -> Iterator[Session]:
    """``with transaction():`` commits what the block did, or rolls all of it back and re-raises.

    The session is the current service's (``app.extensions['linli'].db``) unless one is given.
    """
    session = session if session is not None else current_app.extensions["linli"].db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
