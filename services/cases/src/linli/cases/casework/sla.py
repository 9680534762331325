"""Service levels of the daily clearance board (日日清), from the community's settings.

``[communities.<id>.settings.cases.sla]`` gives, per case category (``default`` for the rest), the
first response in working days (Monday to Friday in Shanghai) and the consultation, resolution
and follow-up in calendar days. Due times keep the time of day they started from, so they hold at
every hour of every day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from linli.shared.communities import Community
from linli.shared.localtime import LOCAL_TZ

DEFAULT_LEVELS = {"first_response": 1, "consultation": 7, "resolution": 30, "follow_up": 30}
DUE_SOON = dt.timedelta(hours=24)


def levels_for(community: Community, category: str) -> dict[str, int]:
    settings: dict[str, Any] = (community.setting("cases") or {}).get("sla", {})
    return {**DEFAULT_LEVELS, **settings.get("default", {}), **settings.get(category, {})}


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time on the ``days``-th working day after ``start``'s day."""
    local = start.astimezone(LOCAL_TZ)
    day = local.date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), LOCAL_TZ).astimezone(dt.UTC)


def due_at(milestone: str, start: dt.datetime, levels: dict[str, int]) -> dt.datetime:
    if milestone == "first_response":
        return add_working_days(start, levels["first_response"])
    return start + dt.timedelta(days=levels[milestone])


def timer(due: dt.datetime, now: dt.datetime) -> str:
    """``overdue``, ``due_soon`` (within 24 hours) or ``on_time``."""
    if now > due:
        return "overdue"
    if due - now <= DUE_SOON:
        return "due_soon"
    return "on_time"


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), LOCAL_TZ).astimezone(dt.UTC)
