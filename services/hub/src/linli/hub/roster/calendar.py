"""iCalendar (RFC 5545) feed of one staff member's duties."""

from __future__ import annotations

import datetime as dt

import icalendar

from linli.hub.activities.calendar import new_calendar
from linli.hub.roster.models import DUTIES, RosterCell
from linli.hub.roster.service import period_times
from linli.shared.db import utcnow


def duties_calendar(name: str, cells: list[RosterCell], *, locale: str, host: str,
                    now: dt.datetime | None = None) -> bytes:
    calendar = new_calendar(name)
    stamp = now or utcnow()
    for cell in cells:
        start, end = period_times(cell.day, cell.period)
        zh, en = DUTIES[cell.duty]
        event = icalendar.Event()
        event.add("uid", f"roster-cell-{cell.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", zh if locale.startswith("zh") else en)
        if cell.place:
            event.add("location", cell.place)
        event.add("sequence", cell.version)
        event.add("categories", [cell.duty])
        calendar.add_component(event)
    return calendar.to_ical()
