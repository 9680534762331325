"""Backups of the services' databases into a dated folder, and restoring from one.

``make backup`` / ``make restore`` (or ``python -m linli.shared.backup backup|restore|list``) work on
every service at once, from the same settings the services read (``LINLI_<SERVICE>_DATABASE_URL``,
else the SQLite file under ``LINLI_VAR_DIR``); ``flask --app linli.<service>.app linli backup`` and
``... linli restore`` do the same for one service.

A backup is a folder ``<LINLI_BACKUP_DIR or var/backups>/<UTC stamp>/`` holding, per service:

- PostgreSQL: ``<service>.dump``, ``pg_dump --format=custom`` taken in a snapshot that the check
  figures are read in too, so they describe exactly what was dumped;
- SQLite: ``<service>.db``, a copy made with SQLite's online backup API (consistent while the
  services keep writing), checked with ``PRAGMA integrity_check``;

the cases service's uploaded documents (files, not in the database) under ``uploads/cases/``, and
``manifest.json``: for every file its SHA-256, and for every table its row count and a checksum of
its rows. The folder is written as ``<stamp>.partial`` and renamed when complete, so a listed backup
is a whole one.

Restoring checks each file against the manifest before touching anything, first backs up the
current state (``<stamp>-before-restore``), then replaces each database's content: PostgreSQL by
dropping and recreating the ``public`` schema and loading the dump, all in one transaction (an error
leaves the database as it was); SQLite through the backup API into the live file. Afterwards the row
counts and checksums of every table are compared with the manifest. Stop the services, relays and
ticks first (PostgreSQL waits at most ``lock_timeout`` for their locks, then changes nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from linli.shared.config import database_url

SERVICES = ("canteen", "hub", "cases")
MANIFEST = "manifest.json"
FORMAT = 1
LOCK_TIMEOUT = "15s"


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed by the failing step."""


@dataclass(frozen=True)
class Target:
    """One service's database, as the service itself would open it."""

    service: str
    url: str

    @property
    def engine(self) -> str:
        backend = make_url(self.url).get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise BackupError(f"{self.service}: cannot back up a {backend} database")
        return backend

    @property
    def sqlite_path(self) -> Path:
        database = make_url(self.url).database
        if not database or database == ":memory:":
            raise BackupError(f"{self.service}: an in-memory SQLite database has nothing to back up")
        return Path(database)

    def libpq(self) -> tuple[str, dict[str, str]]:
        """The URL for pg_dump/psql/psycopg (password moved to PGPASSWORD, out of the process list)."""
        url = make_url(self.url)
        env = {**os.environ}
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        plain = url.set(drivername="postgresql", password=None)
        return plain.render_as_string(hide_password=False), env


def targets_from_env(services: Iterable[str] = SERVICES, env: Mapping[str, str] | None = None) -> list[Target]:
    env = os.environ if env is None else env
    var_dir = Path(env.get("LINLI_VAR_DIR", "var")).resolve()
    return [Target(service, database_url(service, var_dir, env)) for service in services]


def backup_root(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("LINLI_BACKUP_DIR")
    return Path(configured) if configured else Path(env.get("LINLI_VAR_DIR", "var")).resolve() / "backups"


def uploads_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the cases service keeps uploaded documents (``LINLI_CASES_UPLOAD_DIR``)."""
    env = os.environ if env is None else env
    configured = env.get("LINLI_CASES_UPLOAD_DIR")
    return Path(configured) if configured else Path(env.get("LINLI_VAR_DIR", "var")).resolve() / "uploads" / "cases"


# --- check figures: row counts and checksums -----------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | dt.timedelta):
        return str(value)
    if isinstance(value, dict | list | tuple | str | int | float | bool) or value is None:
        return value
    return str(value)  # e.g. a PostgreSQL range


def _table_figures(rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """Row count and a checksum that does not depend on the order the rows come in."""
    digests = sorted(hashlib.sha256(json.dumps([_plain(v) for v in row], sort_keys=True, default=str,
                                                ensure_ascii=False).encode()).digest() for row in rows)
    total = hashlib.sha256()
    for digest in digests:
        total.update(digest)
    return {"rows": len(digests), "checksum": total.hexdigest()}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_figures(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {table: _table_figures(connection.execute(f"SELECT * FROM {_quote(table)}")) for table in tables}


def postgres_figures(connection: Any) -> dict[str, dict[str, Any]]:
    """``connection``: a psycopg connection (inside the caller's snapshot when there is one)."""
    tables = [row[0] for row in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    return {table: _table_figures(connection.execute(f"SELECT * FROM public.{_quote(table)}").fetchall())
            for table in tables}


def figures_of(target: Target) -> dict[str, dict[str, Any]]:
    """Row counts and checksums of every table of a service's database as it is now."""
    if target.engine == "sqlite":
        if not target.sqlite_path.exists():
            raise BackupError(f"{target.service}: no database at {target.sqlite_path}")
        with _sqlite(target.sqlite_path) as connection:
            return sqlite_figures(connection)
    import psycopg

    url, _env = target.libpq()
    with psycopg.connect(url, password=make_url(target.url).password or None) as connection:
        return postgres_figures(connection)


class _sqlite:
    """A plain sqlite3 connection that is closed on exit (sqlite3's own context manager only commits)."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _revision(figures_source: Any, query: str) -> str | None:
    try:
        row = figures_source.execute(query).fetchone()
    except Exception:  # no alembic_version table: a database made without migrations
        return None
    return row[0] if row else None


# --- backing up ----------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _backup_sqlite(target: Target, out: Path) -> dict[str, Any]:
    source_path = target.sqlite_path
    if not source_path.exists():
        raise BackupError(f"{target.service}: no database at {source_path}")
    with _sqlite(source_path) as source, _sqlite(out) as copy:
        source.backup(copy)  # a consistent copy, page by page, while others may write
        copy.execute("PRAGMA journal_mode=DELETE")  # the backup is one self-contained file
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{target.service}: the copy fails SQLite's integrity check: {check}")
        return {"tables": sqlite_figures(copy),
                "revision": _revision(copy, "SELECT version_num FROM alembic_version")}


def _backup_postgres(target: Target, out: Path) -> dict[str, Any]:
    import psycopg

    url, env = target.libpq()
    pg_dump = _tool("pg_dump")
    with psycopg.connect(url, password=env.get("PGPASSWORD")) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction():
            snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            done = subprocess.run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                                   "--no-privileges", f"--file={out}", f"--dbname={url}"],
                                  env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(f"{target.service}: pg_dump failed: {done.stderr.strip()}")
            return {"tables": postgres_figures(connection),
                    "revision": _revision(connection, "SELECT version_num FROM alembic_version")}


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")


def _new_folder(root: Path, label: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    base = _stamp() + (f"-{label}" if label else "")
    name, n = base, 1
    while (root / name).exists() or (root / f"{name}.partial").exists():
        n += 1
        name = f"{base}-{n}"
    return root / name


def backup(targets: Sequence[Target], root: Path, *, label: str = "", uploads: Path | None = None,
           keep: int | None = None) -> Path:
    """Back up every target into a new dated folder under ``root``; returns the folder."""
    if not targets:
        raise BackupError("nothing to back up")
    folder = _new_folder(root, label)
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir()
    try:
        manifest: dict[str, Any] = {"format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                    "services": {}}
        for target in targets:
            engine = target.engine
            file_name = f"{target.service}.{'db' if engine == 'sqlite' else 'dump'}"
            out = partial / file_name
            taken_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            taken = _backup_sqlite(target, out) if engine == "sqlite" else _backup_postgres(target, out)
            manifest["services"][target.service] = {
                "engine": engine, "file": file_name, "taken_at": taken_at, "bytes": out.stat().st_size,
                "sha256": _sha256(out), **taken}
        if uploads is not None and uploads.is_dir() and any(t.service == "cases" for t in targets):
            shutil.copytree(uploads, partial / "uploads" / "cases")
            files = [p for p in (partial / "uploads" / "cases").rglob("*") if p.is_file()]
            manifest["uploads"] = {"cases": {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep is not None:
        prune(root, keep)
    return folder


def backups(root: Path) -> list[Path]:
    """The complete backups under ``root``, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.endswith(".partial")
                  and (p / MANIFEST).is_file())


def prune(root: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    doomed = backups(root)[:-keep]
    for folder in doomed:
        shutil.rmtree(folder)
    return doomed


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a Linli backup (no readable {MANIFEST}): {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: unknown backup format {manifest.get('format')!r}")
    return manifest


def resolve(root: Path, which: str) -> Path:
    """``latest``, a folder name under ``root``, or a path."""
    if which == "latest":
        found = [p for p in backups(root) if not p.name.endswith("-before-restore")] or backups(root)
        if not found:
            raise BackupError(f"no backups in {root}")
        return found[-1]
    path = Path(which)
    return path if path.is_dir() else root / which


# --- restoring -----------------------------------------------------------------------------------


def _restore_sqlite(target: Target, file: Path) -> None:
    path = target.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite(file) as source, _sqlite(path) as live:
        source.backup(live)  # replaces the live file's pages under SQLite's own locks
        live.execute("PRAGMA journal_mode=WAL")  # as the services run it


def _restore_postgres(target: Target, file: Path) -> None:
    url, env = target.libpq()
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    # one transaction: the schema is emptied and loaded again, or, on any error, left as it was
    preamble = (f"SET lock_timeout = '{LOCK_TIMEOUT}';\n"
                "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
                "DO $$ BEGIN EXECUTE format('ALTER SCHEMA public OWNER TO %I', (SELECT pg_get_userbyid(datdba) "
                "FROM pg_database WHERE datname = current_database())); END $$;\n"
                "GRANT USAGE ON SCHEMA public TO PUBLIC;\n").encode()
    script = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", str(file)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    loader = subprocess.Popen([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                               f"--dbname={url}", "--file=-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env)
    assert script.stdout is not None and loader.stdin is not None
    try:
        loader.stdin.write(preamble)
        shutil.copyfileobj(script.stdout, loader.stdin)
        loader.stdin.close()
    except BrokenPipeError:  # psql stopped at an error; its message follows
        pass
    script_errors = script.stderr.read().decode(errors="replace") if script.stderr else ""
    script.wait()
    loader_errors = loader.stderr.read().decode(errors="replace") if loader.stderr else ""
    loader.wait()
    if script.returncode != 0 or loader.returncode != 0:
        raise BackupError(f"{target.service}: restore failed, the database is unchanged: "
                          f"{(loader_errors or script_errors).strip()[:2000]}")


@dataclass
class Restored:
    service: str
    folder: Path
    tables: int
    rows: int
    safety_backup: Path | None


def restore(folder: Path, targets: Sequence[Target], *, root: Path | None = None, safety_backup: bool = True,
            uploads: Path | None = None) -> list[Restored]:
    """Restore the targets' databases from ``folder``; verifies files before and figures after."""
    manifest = read_manifest(folder)
    chosen = [t for t in targets if t.service in manifest["services"]]
    if not chosen:
        raise BackupError(f"{folder} holds none of {', '.join(t.service for t in targets)}")
    for target in chosen:  # every check first: a bad backup changes nothing
        entry = manifest["services"][target.service]
        if entry["engine"] != target.engine:
            raise BackupError(f"{target.service}: the backup is of a {entry['engine']} database, "
                              f"the service now uses {target.engine}")
        file = folder / entry["file"]
        if not file.is_file() or _sha256(file) != entry["sha256"]:
            raise BackupError(f"{target.service}: {file} is missing or damaged (SHA-256 differs from the manifest)")
    safety = None
    if safety_backup:
        present = [t for t in chosen if t.engine == "postgresql" or t.sqlite_path.exists()]
        if present:
            safety = backup(present, root or folder.parent, label="before-restore", uploads=uploads)
    results = []
    for target in chosen:
        entry = manifest["services"][target.service]
        file = folder / entry["file"]
        if target.engine == "sqlite":
            _restore_sqlite(target, file)
        else:
            _restore_postgres(target, file)
        now = figures_of(target)
        if now != entry["tables"]:
            differ = sorted(set(now) ^ set(entry["tables"]) | {t for t in now if now[t] != entry["tables"].get(t)})
            raise BackupError(f"{target.service}: restored, but these tables differ from the backup: {differ}")
        results.append(Restored(target.service, folder, len(now), sum(t["rows"] for t in now.values()), safety))
    if uploads is not None and "cases" in manifest.get("uploads", {}) and any(t.service == "cases" for t in chosen):
        if uploads.exists():
            shutil.rmtree(uploads)
        shutil.copytree(folder / "uploads" / "cases", uploads)
    return results


# --- command line --------------------------------------------------------------------------------


def describe(folder: Path) -> str:
    manifest = read_manifest(folder)
    parts = [f"{name} ({entry['engine']}, {sum(t['rows'] for t in entry['tables'].values())} rows, "
             f"{entry['bytes'] // 1024} KiB)" for name, entry in manifest["services"].items()]
    return f"{folder.name}: " + ", ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m linli.shared.backup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="back up the services' databases into a new dated folder")
    take.add_argument("--keep", type=int, default=None, help="then delete all but the newest KEEP backups")
    back = commands.add_parser("restore", help="restore the services' databases from a backup")
    back.add_argument("which", nargs="?", default="latest", help="'latest' (default), a folder name or a path")
    back.add_argument("--no-safety-backup", action="store_true",
                      help="do not back up the current state before restoring")
    commands.add_parser("list", help="list the backups")
    for sub in (take, back):
        sub.add_argument("--service", dest="services", action="append", choices=SERVICES,
                         help="only this service (repeatable); default: all three")
    args = parser.parse_args(argv)
    root = backup_root()
    try:
        if args.command == "list":
            for folder in backups(root):
                print(describe(folder))
            return 0
        targets = targets_from_env(args.services or SERVICES)
        if args.command == "backup":
            folder = backup(targets, root, uploads=uploads_dir(), keep=args.keep)
            print(f"backed up to {folder}")
            print(describe(folder))
            return 0
        folder = resolve(root, args.which)
        results = restore(folder, targets, root=root, safety_backup=not args.no_safety_backup, uploads=uploads_dir())
        if results[0].safety_backup:
            print(f"the state before the restore is kept in {results[0].safety_backup}")
        for result in results:
            print(f"restored {result.service} from {folder.name}: {result.tables} tables, {result.rows} rows, "
                  f"row counts and checksums as in the backup")
        return 0
    except BackupError as error:
        print(f"linli backup: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
