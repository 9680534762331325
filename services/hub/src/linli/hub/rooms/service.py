"""Rooms: creation, blackouts, and whether a time can be booked. Callable without HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from linli.hub.extensions import db
from linli.hub.rooms.models import ROOM_KINDS, Room, RoomBlackout
from linli.shared.auth import Identity, require_staff_of
from linli.shared.errors import NotFound, Unprocessable
from linli.shared.localtime import LOCAL_TZ
from linli.shared.state import service_state


def create_room(actor: Identity | None, *, community_id: str, name_zh: str, kind: str, capacity: int,
                name_en: str = "", equipment: Sequence[str] = (), open_weekdays: Sequence[int] = tuple(range(7)),
                opens_at: dt.time = dt.time(8), closes_at: dt.time = dt.time(21),
                requires_approval: bool = False) -> Room:
    service_state().communities.require(community_id)
    if actor is not None:
        require_staff_of(actor, community_id)
    if kind not in ROOM_KINDS:
        raise Unprocessable(f"Unknown room kind '{kind}'.", code="unknown_kind")
    if capacity < 0:
        raise Unprocessable("Capacity cannot be below zero.", code="negative_capacity")
    if opens_at >= closes_at:
        raise Unprocessable("The room must open before it closes.", code="bad_opening_hours")
    room = Room(community_id=community_id, name_zh=name_zh, name_en=name_en, kind=kind, capacity=capacity,
                equipment=list(equipment), open_weekdays=sorted(set(open_weekdays)), opens_at=opens_at,
                closes_at=closes_at, requires_approval=requires_approval)
    db.session.add(room)
    db.session.commit()
    return room


def get_room(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound(f"No room {room_id}.", code="room_not_found")
    return room


def list_rooms(community_id: str) -> list[Room]:
    service_state().communities.require(community_id)
    return list(db.session.scalars(
        sa.select(Room).where(Room.community_id == community_id, Room.active).order_by(Room.id)))


def rooms_by_id(community_id: str) -> dict[int, Room]:
    """The community's active rooms by id."""
    return {room.id: room for room in list_rooms(community_id)}


def add_blackout(actor: Identity, room_id: int, *, starts_at: dt.datetime, ends_at: dt.datetime,
                 reason: str = "") -> RoomBlackout:
    room = get_room(room_id)
    require_staff_of(actor, room.community_id)
    if starts_at >= ends_at:
        raise Unprocessable("A blackout must end after it starts.", code="end_before_start")
    blackout = RoomBlackout(room_id=room.id, starts_at=starts_at, ends_at=ends_at, reason=reason)
    db.session.add(blackout)
    db.session.commit()
    return blackout


def check_bookable(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """Raise a 422 problem unless the room is open for the whole time and not in a blackout."""
    check_opening_hours(room, starts_at, ends_at)
    blackout = blackout_at(room, starts_at, ends_at)
    if blackout is not None:
        raise Unprocessable(f"The room is closed then ({blackout.reason or 'blackout'}).", code="in_blackout",
                            blackout={"starts_at": blackout.starts_at.isoformat(),
                                      "ends_at": blackout.ends_at.isoformat()})


def check_opening_hours(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if starts_at >= ends_at:
        raise Unprocessable("A booking must end after it starts.", code="end_before_start")
    if not room.active:
        raise Unprocessable("The room is not in use.", code="room_inactive")
    start, end = starts_at.astimezone(LOCAL_TZ), ends_at.astimezone(LOCAL_TZ)
    opens = f"{room.opens_at:%H:%M}–{room.closes_at:%H:%M}"
    if start.date() != end.date() and end.time() != dt.time(0):
        raise Unprocessable(f"A booking stays within one day, inside opening hours {opens}.",
                            code="outside_opening_hours")
    if start.weekday() not in room.open_weekdays:
        raise Unprocessable("The room is closed on that weekday.", code="outside_opening_hours")
    if start.time() < room.opens_at or end.time() > room.closes_at or end.date() != start.date():
        raise Unprocessable(f"The room is open {opens} (Shanghai time).", code="outside_opening_hours")


def blackout_at(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> RoomBlackout | None:
    for blackout in room.blackouts:
        if blackout.starts_at < ends_at and starts_at < blackout.ends_at:
            return blackout
    return None
