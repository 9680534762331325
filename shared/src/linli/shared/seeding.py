"""Demo data is written all or nothing: one database transaction per service.

The domain functions a seed calls commit as they go (``create_account`` commits, so does
``create_round``). Inside :func:`seeding` the session is joined to one connection whose outer
transaction those commits cannot end: each ``commit()`` releases a savepoint, and only the end of the
block commits the lot. When the seed raises, everything it wrote is rolled back, so a rerun starts
from the same empty database instead of finding half a demo that it takes for "already seeded".
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session


class SeedFailed(Exception):
    """A service's demo seed failed; nothing of it was written. ``str()`` says what failed and where."""

    def __init__(self, service: str, error: BaseException) -> None:
        self.service = service
        self.error = error
        super().__init__(f"{service}: demo data could not be seeded: {type(error).__name__}: {error}"
                         f"{_where(error)}. Nothing of the {service} demo was written.")


def _where(error: BaseException) -> str:
    """`` (in linli/hub/demo.py:141 _rounds → rounds/service.py:84 create_round)``: the seed's own frame
    and the frame that raised."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/linli/" in f.filename]
    if not frames:
        return ""

    def short(frame: traceback.FrameSummary) -> str:
        path = Path(frame.filename)
        return f"{'/'.join(path.parts[-3:])}:{frame.lineno} {frame.name}"

    seed_frames = [f for f in frames if "demo" in Path(f.filename).name]
    own = seed_frames[-1] if seed_frames else frames[0]
    return f" (in {short(own)}" + (f" → {short(frames[-1])})" if frames[-1] is not own else ")")


class _SeedSession:
    """Stands in for ``db.session``'s registry while a seed runs: every app context of the process gets
    the seed's session, so that a seed that pushes its own context (``with app.app_context():``) writes
    into the same transaction instead of waiting on its write lock (SQLite) or committing apart
    (PostgreSQL). Its contexts' teardown (``remove()``) leaves the session open: ``has()`` says no."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __call__(self) -> Session:
        return self.session

    def has(self) -> bool:
        return False

    def set(self, _obj: Session) -> None:
        raise RuntimeError("db.session cannot be replaced while a demo seed runs")

    def clear(self) -> None:
        pass


@contextmanager
def seeding(app: Flask) -> Iterator[None]:
    """The app's context (pushed unless it is current) and one transaction of its database around the
    block; a seed nested inside another joins the outer transaction. Seeding is a one-thread step (the
    CLI, a test's setup) begun with no write transaction open: while it runs, the app's ``db.session``
    is the seed's in every context."""
    with ExitStack() as stack:
        if not has_app_context() or current_app._get_current_object() is not app:  # type: ignore[attr-defined]
            stack.enter_context(app.app_context())
        db = app.extensions["linli"].db
        if isinstance(db.session.registry, _SeedSession):
            yield
            return
        connection = stack.enter_context(db.engine.connect().execution_options(linli_write=True))
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        registry, db.session.registry = db.session.registry, _SeedSession(session)
        try:
            yield
            session.commit()
            outer.commit()
        except BaseException:
            outer.rollback()
            raise
        finally:
            db.session.registry = registry
            session.close()


def seed_demo(app: Flask, seed: Callable[[Flask], None] | None = None) -> None:
    """Run the service's demo seed (or ``seed``) in one transaction; raise :class:`SeedFailed` naming
    what failed, with nothing written."""
    spec = app.extensions["linli_spec"]
    seed = seed or spec.seed_demo
    if seed is None:
        return
    try:
        with seeding(app):
            seed(app)
    except Exception as error:
        raise SeedFailed(spec.name, error) from error
