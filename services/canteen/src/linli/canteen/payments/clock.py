"""Canteen days are Shanghai days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from linli.shared.db import utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_today() -> dt.date:
    return utcnow().astimezone(LOCAL_TZ).date()


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which a Shanghai date starts and ends."""
    start = dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.UTC)
    return start, start + dt.timedelta(days=1)
