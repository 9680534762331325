"""iCalendar (RFC 5545) feed of one volunteer's shifts."""

from __future__ import annotations

import datetime as dt

import icalendar

from linli.hub.activities.calendar import new_calendar
from linli.hub.volunteers.models import Shift, ShiftAssignment
from linli.shared.db import utcnow


def shifts_calendar(name: str, assignments: list[tuple[ShiftAssignment, Shift]], *, locale: str, host: str,
                    now: dt.datetime | None = None) -> bytes:
    calendar = new_calendar(name)
    stamp = now or utcnow()
    for assignment, shift in assignments:
        event = icalendar.Event()
        event.add("uid", f"volunteer-shift-{assignment.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", shift.title(locale))
        if shift.location(locale):
            event.add("location", shift.location(locale))
        event.add("status", "CONFIRMED")
        event.add("categories", [shift.template_code])
        calendar.add_component(event)
    return calendar.to_ical()
