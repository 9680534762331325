"""iCalendar (RFC 5545) feed of a community's activity sessions."""

from __future__ import annotations

import datetime as dt

import icalendar

from linli.hub.activities.models import Activity, ActivitySession
from linli.shared.db import utcnow
from linli.shared.localtime import LOCAL_TZ

PRODID = "-//Linli//Neighbourhood hub//ZH"


def new_calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", LOCAL_TZ.key)
    return calendar


def activities_calendar(name: str, sessions: list[tuple[ActivitySession, Activity]], *, locale: str,
                        host: str, now: dt.datetime | None = None) -> bytes:
    calendar = new_calendar(name)
    stamp = now or utcnow()
    for session, activity in sessions:
        event = icalendar.Event()
        event.add("uid", f"activity-session-{session.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", activity.title(locale))
        if activity.description:
            event.add("description", activity.description)
        if activity.organiser_name:
            event.add("x-linli-organiser", activity.organiser_name)
        if session.room_id is not None:
            event.add("location", f"room {session.room_id}")
        event.add("categories", [activity.kind])
        calendar.add_component(event)
    return calendar.to_ical()
