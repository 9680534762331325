"""What the hub's pages add to the shared page kit (``linli.shared.pages``): its template filters."""

from __future__ import annotations

from flask import Blueprint

from linli.shared.pages import when


def register_filters(blueprint: Blueprint) -> None:
    blueprint.add_app_template_filter(when, "hub_when")
