"""Bookings of rooms: one-off and weekly recurring, approval, cancellation. Callable without HTTP.

A room is never double-booked. On PostgreSQL the exclusion constraint ``booking_no_overlap`` is the
guarantee (a concurrent insert fails and becomes a 409); on SQLite every writing transaction holds the
single write lock (``BEGIN IMMEDIATE``), so the overlap check below and the insert cannot interleave.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from linli.hub.bookings.models import ACTIVE_STATES, EXCLUSION_NAME, Booking
from linli.hub.extensions import db
from linli.hub.rooms.models import Room
from linli.hub.rooms.service import blackout_at, check_bookable, check_opening_hours, get_room
from linli.hub.teams.models import Team
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.db import utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Problem, Unprocessable
from linli.shared.state import service_state

MAX_WEEKS = 26


@dataclass
class BookingResult:
    bookings: list[Booking] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def overlapping(room_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking).where(Booking.room_id == room_id, Booking.status.in_(ACTIVE_STATES),
                                 Booking.starts_at < ends_at, Booking.ends_at > starts_at).limit(1))


def _team_for(actor: Identity, room: Room, team_id: int | None) -> Team | None:
    if team_id is None:
        if not actor.is_staff:
            raise Forbidden("Team leads book for their team: give team_id.", code="missing_team")
        return None
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team {team_id}.", code="team_not_found")
    if team.community_id != room.community_id:
        raise Unprocessable("The room belongs to another community than the team.", code="room_other_community")
    if not actor.is_staff and str(team.lead_account_id) != actor.subject:
        raise Forbidden("Only the team's lead or staff book for a team.", code="not_team_lead")
    return team


def insert_booking(booking: Booking) -> Booking:
    """Insert in a savepoint; an overlap found by the database (PostgreSQL) becomes a 409."""
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError as error:
        if EXCLUSION_NAME in str(error.orig):
            raise Conflict("The room is already booked at that time.", code="slot_taken") from None
        raise
    return booking


def create_booking(actor: Identity, *, room_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                   title: str = "", team_id: int | None = None, weeks: int = 1) -> BookingResult:
    """Book a room once (``weeks=1``) or weekly for ``weeks`` weeks; taken or closed weeks are skipped."""
    room = get_room(room_id)
    actor.require_community(room.community_id)
    if not actor.has_role(*STAFF_ROLES, "team_lead"):
        raise Forbidden("Only staff and team leads book rooms.", code="missing_role")
    team = _team_for(actor, room, team_id)
    if not 1 <= weeks <= MAX_WEEKS:
        raise Unprocessable(f"Book between 1 and {MAX_WEEKS} weeks.", code="bad_weeks")
    check_opening_hours(room, starts_at, ends_at)
    status = "pending" if room.requires_approval and not actor.is_staff else "confirmed"
    series_id = uuid.uuid4().hex if weeks > 1 else None
    result = BookingResult()
    for week in range(weeks):
        start, end = starts_at + dt.timedelta(weeks=week), ends_at + dt.timedelta(weeks=week)
        problem = _why_not(room, start, end)
        if problem is not None:
            if weeks == 1:
                raise problem
            result.skipped.append({"starts_at": start, "ends_at": end, "code": problem.code, "reason": problem.detail})
            continue
        booking = Booking(room_id=room.id, community_id=room.community_id, team_id=team.id if team else None,
                          title=title, starts_at=start, ends_at=end, status=status, booked_by=actor.subject,
                          series_id=series_id)
        try:
            result.bookings.append(insert_booking(booking))
        except Conflict as conflict:
            if weeks == 1:
                raise
            result.skipped.append({"starts_at": start, "ends_at": end, "code": conflict.code,
                                   "reason": conflict.detail})
    if not result.bookings:
        db.session.rollback()
        raise Conflict("No week of the series could be booked.", code="slot_taken", skipped=[
            {**s, "starts_at": s["starts_at"].isoformat(), "ends_at": s["ends_at"].isoformat()}
            for s in result.skipped])
    db.session.commit()
    return result


def _why_not(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> Problem | None:
    try:
        check_bookable(room, starts_at, ends_at)
    except Problem as problem:
        return problem
    hooks = service_state().hooks_for(room.community_id)
    if any(hooks.room_time_held(community=service_state().communities.require(room.community_id), room_id=room.id,
                                starts_at=starts_at, ends_at=ends_at)):
        return Conflict("This time is offered in an open booking round; request it there.", code="held_for_round")
    if overlapping(room.id, starts_at, ends_at) is not None:
        return Conflict("The room is already booked at that time.", code="slot_taken")
    return None


def get_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(f"No booking {booking_id}.", code="booking_not_found")
    return booking


def cancel_booking(actor: Identity, booking_id: int) -> Booking:
    """Cancel: the slot is free again at once (only active bookings hold the time)."""
    booking = get_booking(booking_id)
    actor.require_community(booking.community_id)
    if not actor.is_staff and booking.booked_by != actor.subject:
        team = db.session.get(Team, booking.team_id) if booking.team_id else None
        if team is None or str(team.lead_account_id) != actor.subject:
            raise Forbidden("Only who booked, the team's lead or staff cancel.", code="not_yours")
    if booking.status not in ACTIVE_STATES:
        raise Conflict("The booking is not active.", code="not_active")
    booking.status = "cancelled"
    booking.cancelled_at = utcnow()
    booking.cancelled_by = actor.subject
    db.session.commit()
    return booking


def decide_booking(actor: Identity, booking_id: int, *, approve: bool) -> Booking:
    """Staff approve or reject a pending booking of a room that needs approval."""
    booking = get_booking(booking_id)
    if not actor.is_staff:
        raise Forbidden("Only staff approve bookings.", code="missing_role")
    actor.require_community(booking.community_id)
    if booking.status != "pending":
        raise Conflict("Only a pending booking is approved or rejected.", code="not_pending")
    booking.status = "confirmed" if approve else "rejected"
    booking.decided_by = actor.subject
    db.session.commit()
    return booking


def list_bookings(actor: Identity | None, *, room_id: int, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    room = get_room(room_id)
    if actor is not None:
        actor.require_community(room.community_id)
    return list(db.session.scalars(
        sa.select(Booking).where(Booking.room_id == room.id, Booking.status.in_(ACTIVE_STATES),
                                 Booking.starts_at < end, Booking.ends_at > start).order_by(Booking.starts_at)))


def community_bookings_between(community_id: str, start: dt.datetime, end: dt.datetime) -> list[tuple[Booking, Team | None]]:
    """Every active booking of the community's rooms that overlaps ``[start, end)``, with its team, earliest
    first: the staff's room calendar."""
    return [(booking, team) for booking, team in db.session.execute(
        sa.select(Booking, Team).outerjoin(Team, Team.id == Booking.team_id)
        .where(Booking.community_id == community_id, Booking.status.in_(ACTIVE_STATES),
               Booking.starts_at < end, Booking.ends_at > start)
        .order_by(Booking.starts_at))]


def bookings_awaiting_approval(community_id: str, *, limit: int = 50) -> list[tuple[Booking, Team | None]]:
    """The community's pending bookings that have not ended yet, with their teams, earliest first."""
    return [(booking, team) for booking, team in db.session.execute(
        sa.select(Booking, Team).outerjoin(Team, Team.id == Booking.team_id)
        .where(Booking.community_id == community_id, Booking.status == "pending", Booking.ends_at > utcnow())
        .order_by(Booking.starts_at).limit(limit))]


__all__ = ["BookingResult", "blackout_at", "bookings_awaiting_approval", "cancel_booking", "community_bookings_between",
           "create_booking", "decide_booking", "list_bookings"]
