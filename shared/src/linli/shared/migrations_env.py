"""The Alembic environment every service's ``migrations/env.py`` runs.

Runs inside the Flask app (Flask-Migrate); batch mode on SQLite so that ALTERs work; type
comparison on; an autogenerate that finds nothing writes no empty revision.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")


def _skip_empty(ctx: Any, revision: Any, directives: list[Any]) -> None:
    if getattr(context.config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run() -> None:
    migrate = current_app.extensions["migrate"]
    engine = migrate.db.engine
    metadata = migrate.db.metadata
    options: dict[str, Any] = dict(migrate.configure_args)
    options.setdefault("process_revision_directives", _skip_empty)
    options.setdefault("compare_type", True)
    options.setdefault("render_as_batch", engine.dialect.name == "sqlite")
    if context.is_offline_mode():
        context.configure(url=engine.url.render_as_string(hide_password=False), target_metadata=metadata,
                          literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, **options)
        with context.begin_transaction():
            context.run_migrations()
