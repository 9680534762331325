"""Periodic work of the ordering side (``flask linli tick``)."""

from __future__ import annotations

from flask import Flask

from linli.canteen.orders.service import expire_due


def tick(app: Flask) -> dict[str, int]:
    """Expire unpaid orders past their time and return their stock (idempotent)."""
    with app.app_context():
        return {"orders_expired": expire_due()}
