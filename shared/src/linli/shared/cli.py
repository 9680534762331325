"""``flask --app linli.<service>.app linli ...``: tokens, relay, tick, demo data, plugins."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import click
import structlog
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import exc as sa_exc

from linli.shared.auth import ROLES, mint_token
from linli.shared.db import transient_database_error
from linli.shared.events.relay import run_relay
from linli.shared.idempotency import purge_expired
from linli.shared.keys import ensure_signing_key
from linli.shared.seeding import SeedFailed, seed_demo

log = structlog.get_logger("linli.cli")


@click.group("linli", help="Linli operator commands.")
def linli_cli() -> None:
    pass


@linli_cli.command("token")
@click.option("--sub", "subject", required=True, help="Subject: an account id or an operator name.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), required=True)
@click.option("--community", "communities", multiple=True, help="Community id; '*' for all.")
@click.option("--name", default=None)
@click.option("--hours", default=8, show_default=True, type=int)
@with_appcontext
def token_command(subject: str, roles: tuple[str, ...], communities: tuple[str, ...], name: str | None, hours: int) -> None:
    """Mint a token with the embedded signing key (operators and tests)."""
    app = current_app
    key = ensure_signing_key(app.config["LINLI_VAR_DIR"])
    click.echo(mint_token(key, issuer=app.config["LINLI_JWT_ISSUER"], audience=app.config["LINLI_JWT_AUDIENCE"],
                          subject=subject, roles=roles, communities=communities, name=name,
                          ttl=dt.timedelta(hours=hours)))


@linli_cli.command("relay")
@click.option("--once", is_flag=True, help="Deliver one batch and stop.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds to sleep when idle.")
@with_appcontext
def relay_command(once: bool, interval: float) -> None:
    """Deliver outbox events to the subscribed services."""
    result = run_relay(current_app._get_current_object(), once=once, interval=interval)  # type: ignore[attr-defined]
    click.echo(json.dumps(result.__dict__))


def run_tick(app: Flask) -> dict[str, int]:
    """What is due in the service (its ``tick`` and the idempotency purge): how many of each kind."""
    spec = app.extensions["linli_spec"]
    done = {"idempotency_purged": purge_expired(app)}
    if spec.tick is not None:
        done.update(spec.tick(app))
    return done


@linli_cli.command("tick")
@click.option("--loop", "loop_seconds", default=0, type=int, help="Repeat every N seconds (0: once).")
@with_appcontext
def tick_command(loop_seconds: int) -> None:
    """Do what is due: expire, promote, close rounds, purge. Idempotent."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    while True:
        try:
            with app.app_context():
                done = run_tick(app)
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
            if not loop_seconds or transient_database_error(error) is None:
                raise
            # the database is restarting or unreachable: a looping tick waits and tries again
            log.warning("tick.database_unavailable", error=str(getattr(error, "orig", None) or error)[:200])
            time.sleep(min(loop_seconds, 5))
            continue
        if not loop_seconds:
            click.echo(json.dumps(done))
            return
        if any(done.values()):  # looping: say what was done, not that nothing was
            click.echo(json.dumps(done))
        time.sleep(loop_seconds)


@linli_cli.command("backup")
@click.option("--keep", type=int, default=None, help="Then delete all but the newest KEEP backups.")
@with_appcontext
def backup_command(keep: int | None) -> None:
    """Back up this service's database into a new dated folder (make backup does all three)."""
    from linli.shared import backup

    app = current_app
    target = backup.Target(app.config["LINLI_SERVICE"], app.config["SQLALCHEMY_DATABASE_URI"])
    env = {**os.environ, "LINLI_VAR_DIR": str(app.config["LINLI_VAR_DIR"])}
    try:
        folder = backup.backup([target], backup.backup_root(env), uploads=_uploads(app), keep=keep)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {folder}")
    click.echo(backup.describe(folder))


@linli_cli.command("restore")
@click.argument("which", default="latest")
@click.option("--no-safety-backup", is_flag=True, help="Do not back up the current state first.")
@with_appcontext
def restore_command(which: str, no_safety_backup: bool) -> None:
    """Restore this service's database from a backup ('latest', a folder name or a path)."""
    from linli.shared import backup

    app = current_app
    target = backup.Target(app.config["LINLI_SERVICE"], app.config["SQLALCHEMY_DATABASE_URI"])
    root = backup.backup_root({**os.environ, "LINLI_VAR_DIR": str(app.config["LINLI_VAR_DIR"])})
    app.extensions["linli"].db.engine.dispose()  # hold no connection of our own while the schema is replaced
    try:
        folder = backup.resolve(root, which)
        [result] = backup.restore(folder, [target], root=root, safety_backup=not no_safety_backup,
                                  uploads=_uploads(app))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    if result.safety_backup:
        click.echo(f"the state before the restore is kept in {result.safety_backup}")
    click.echo(f"restored {result.service} from {folder.name}: {result.tables} tables, {result.rows} rows, "
               f"row counts and checksums as in the backup")


def _uploads(app: Flask) -> Path | None:
    if app.config["LINLI_SERVICE"] != "cases":
        return None
    configured = app.config.get("LINLI_CASES_UPLOAD_DIR") or os.environ.get("LINLI_CASES_UPLOAD_DIR")
    return Path(configured) if configured else Path(app.config["LINLI_VAR_DIR"]) / "uploads" / "cases"


@linli_cli.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo data of both communities (safe to run twice; all or nothing)."""
    spec = current_app.extensions["linli_spec"]
    try:
        seed_demo(current_app._get_current_object())  # type: ignore[attr-defined]
    except SeedFailed as failure:
        click.secho(str(failure), err=True, fg="red")
        raise SystemExit(1) from failure
    click.echo(f"{spec.name}: demo data ready")


@linli_cli.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List the registered plugins and the hooks they implement."""
    click.echo(json.dumps(current_app.extensions["linli"].plugins.describe(), indent=2))


@linli_cli.command("new-plugin")
@click.argument("name")
@click.option("--community", default=None, help="The community its test is about (and --enable enables it in).")
@click.option("--enable", is_flag=True, help="Enable it for --community in communities.toml.")
@with_appcontext
def new_plugin_command(name: str, community: str | None, enable: bool) -> None:
    """Write a community plugin for this service into plugins/ (then: uv lock && uv sync)."""
    from linli.shared.scaffold import ScaffoldError, scaffold

    try:
        folder = scaffold(Path.cwd(), name, current_app.config["LINLI_SERVICE"], community=community, enable=enable)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {folder}; now run: uv lock && uv sync")
