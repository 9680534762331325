"""Periodic work of payments (``flask linli tick``)."""

from __future__ import annotations

from flask import Flask

from linli.canteen.payments.service import settle_dead_orders


def tick(app: Flask) -> dict[str, int]:
    """Money of expired or cancelled orders goes back; late card money too (idempotent)."""
    with app.app_context():
        return settle_dead_orders()
