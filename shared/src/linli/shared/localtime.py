"""The residents' committee's clock: its time zone, its today, its days.

Datetimes are stored and compared in UTC (``linli.shared.db.utcnow``); dates that people
speak of ("today's lunch", "this week's rooms") are committee dates, in ``LOCAL_TZ``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from linli.shared.db import utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date for the committee (at ``now``, an aware datetime, when given)."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()  # the one clock (tests move it)


def local_at(day: dt.date, at: dt.time | str) -> dt.datetime:
    """``day`` at a local wall-clock time (``dt.time`` or ``"hh:mm"``), as an aware UTC datetime."""
    if isinstance(at, str):
        hour, minute = (int(x) for x in at.split(":"))
        at = dt.time(hour, minute)
    return dt.datetime.combine(day, at, LOCAL_TZ).astimezone(dt.UTC)


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which a committee date starts and ends."""
    start = dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), LOCAL_TZ).astimezone(dt.UTC)
    return start, end
