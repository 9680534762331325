"""iCalendar (RFC 5545) feed of a room's active bookings, made with the icalendar library."""

from __future__ import annotations

import datetime as dt

import icalendar
import sqlalchemy as sa

from linli.hub.bookings.models import ACTIVE_STATES, Booking
from linli.hub.extensions import db
from linli.hub.rooms.models import Room
from linli.hub.teams.models import Team
from linli.shared.db import utcnow
from linli.shared.localtime import LOCAL_TZ

FEED_PAST = dt.timedelta(days=30)


def room_feed(room: Room, *, since: dt.datetime | None = None) -> bytes:
    since = since or utcnow() - FEED_PAST
    rows = db.session.execute(
        sa.select(Booking, Team)
        .outerjoin(Team, Team.id == Booking.team_id)
        .where(Booking.room_id == room.id, Booking.status.in_(ACTIVE_STATES), Booking.ends_at >= since)
        .order_by(Booking.starts_at)
    ).all()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Linli hub//room calendar//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{room.name_zh} {room.name_en}".strip())
    cal.add("x-wr-timezone", LOCAL_TZ.key)
    for booking, team in rows:
        event = icalendar.Event()
        event.add("uid", f"booking-{booking.id}@linli-hub")
        event.add("dtstamp", booking.created_at)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        summary = booking.title or (team.name_zh if team else "预订")
        if team and booking.title and team.name_zh not in booking.title:
            summary = f"{team.name_zh}：{booking.title}"
        event.add("summary", summary)
        event.add("location", room.name_zh)
        event.add("status", "CONFIRMED" if booking.status == "confirmed" else "TENTATIVE")
        cal.add_component(event)
    return cal.to_ical()
