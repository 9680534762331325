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

_JOINED = "linli_seeding"


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


@contextmanager
def seeding(app: Flask) -> Iterator[None]:
    """The app's context (pushed unless it is current) and one transaction of its database around the
    block; a seed nested inside another joins the outer transaction."""
    with ExitStack() as stack:
        if not has_app_context() or current_app._get_current_object() is not app:  # type: ignore[attr-defined]
            stack.enter_context(app.app_context())
        db = app.extensions["linli"].db
        if db.session.registry.has() and db.session().info.get(_JOINED):
            yield
            return
        connection = stack.enter_context(db.engine.connect().execution_options(linli_write=True))
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                          info={_JOINED: True})
        previous = db.session() if db.session.registry.has() else None
        db.session.registry.set(session)
        try:
            yield
            session.commit()
            outer.commit()
        except BaseException:
            outer.rollback()
            raise
        finally:
            session.close()
            if previous is not None:
                db.session.registry.set(previous)
            else:
                db.session.registry.clear()


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
