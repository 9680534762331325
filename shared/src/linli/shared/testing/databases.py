"""A database per service per engine for the test run.

SQLite: migrations run once into a template file, copied for each test (fast, isolated).
PostgreSQL: one database per service for the run, created and migrated once, truncated after
each test and dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from flask import Flask

PG_ADMIN_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip()


def _sqlalchemy_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{dbname}"


def prepare_schema(app: Flask, migrate: bool) -> None:
    with app.app_context():
        db = app.extensions["linli"].db
        if migrate:
            from flask_migrate import upgrade

            upgrade()
        else:
            db.create_all()
        db.engine.dispose()


class TestDatabases:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self._sqlite_templates: dict[str, Path] = {}
        self._pg_databases: dict[str, str] = {}

    def url(self, service: str, engine: str, create_app: Callable[[dict[str, Any]], Flask],
            base_config: dict[str, Any], tmp_path: Path, migrate: bool = True) -> str:
        if engine == "sqlite":
            key = f"{service}-{'migrated' if migrate else 'created'}"
            template = self._sqlite_templates.get(key)
            if template is None:
                template = self.workdir / f"template-{key}.db"
                app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"})
                prepare_schema(app, migrate)
                self._sqlite_templates[key] = template
            target = tmp_path / f"{service}.db"
            shutil.copyfile(template, target)
            return f"sqlite:///{target}"
        if engine == "postgresql":
            key = f"{service}_{'m' if migrate else 'c'}"
            url = self._pg_databases.get(key)
            if url is None:
                dbname = f"linli_test_{self.run_id}_{key}"
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
                    conn.execute(f'CREATE DATABASE "{dbname}"')
                url = _sqlalchemy_url(dbname)
                app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": url})
                prepare_schema(app, migrate)
                self._pg_databases[key] = url
            return url
        raise ValueError(f"unknown engine {engine!r}")

    def reset(self, url: str) -> None:
        """Empty every table of a PostgreSQL test database (SQLite files are thrown away)."""
        if not url.startswith("postgresql"):
            return
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            tables = [row[0] for row in conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            if tables:
                conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        engine.dispose()

    def drop_all(self) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            for url in self._pg_databases.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
