"""Helpers of the page tests: a menu open for ordering right now, and same-origin form headers.
Not used by the running service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from linli.canteen.menu import service as menu
from linli.canteen.orders.testing import make_menu
from linli.shared.db import utcnow
from linli.shared.localtime import local_today

ORIGIN = {"Origin": "http://localhost"}


def open_menu(app: Flask, *, portions: int = 20, set_meal_limit: int = 10) -> dict[str, Any]:
    """Today's lunch, open for orders for the next hours (whatever the clock says)."""
    with app.app_context():
        ids = make_menu(day=local_today(), portions=portions, set_meal_limit=set_meal_limit)
        now = utcnow()
        menu.update_meal_service(None, ids["meal_service"], starts_at=now - dt.timedelta(minutes=30),
                                 ends_at=now + dt.timedelta(hours=3), order_cutoff_at=now + dt.timedelta(hours=2))
        return ids
