"""``flask --app linli.cases.app open311 create-key --community north-bund --label "City app"``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from linli.cases.open311 import service

open311_cli = AppGroup("open311", help="Open311 GeoReport v2: API keys for clients.")


@open311_cli.command("create-key")
@click.option("--community", "community_id", required=True, help="The jurisdiction (community id).")
@click.option("--label", required=True, help="Who the key is for.")
def create_key_command(community_id: str, label: str) -> None:
    """Make an API key for POST requests; it is printed once, only its hash is kept."""
    click.echo(service.create_api_key(community_id, label))


def init_open311(app: Flask) -> None:
    app.cli.add_command(open311_cli)
