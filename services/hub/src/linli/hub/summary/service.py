"""The hub's summary for the committee dashboard: room use and booking-round results, volunteers on
duty, who is at the front desk and who is out, households due and overdue for a visit. Read through
the hub's own functions (``bookings.list_bookings``, ``rounds.decisions_for``, ``volunteers.list_shifts``,
``roster.day_boards``, ``visits.overview``), so the dashboard shows what the hub's pages show."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from linli.hub.bookings.service import list_bookings
from linli.hub.people.service import require_staff
from linli.hub.rooms.service import list_rooms
from linli.hub.roster import service as roster
from linli.hub.rounds import service as rounds
from linli.hub.visits import service as visits
from linli.hub.volunteers.service import list_shifts
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.localtime import LOCAL_TZ, local_today


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ)


def _rooms(identity: Identity, community_id: str, start: dt.datetime, end: dt.datetime,
           now: dt.datetime) -> dict[str, Any]:
    rooms = list_rooms(community_id)
    bookings = 0
    hours = 0.0
    in_use = []
    for room in rooms:
        booked = list_bookings(identity, room_id=room.id, start=start, end=end)
        bookings += len(booked)
        hours += sum((b.ends_at - b.starts_at).total_seconds() / 3600 for b in booked)
        if any(b.starts_at <= now < b.ends_at for b in booked):
            in_use.append({"room_id": room.id, "name_zh": room.name_zh, "name_en": room.name_en})
    return {"rooms": len(rooms), "bookings": bookings, "hours_booked": round(hours, 1), "in_use_now": in_use}


def _rounds(identity: Identity, community_id: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Booking rounds closing in the range: slots asked for by more than one team, and their outcomes."""
    result = []
    for round_ in rounds.list_rounds(community_id):
        if not start <= round_.closes_at < end:
            continue
        decisions = rounds.decisions_for(identity, round_.id)
        per_slot = Counter(d.slot_id for d in decisions)
        outcomes = Counter(d.outcome for d in decisions)
        result.append({"round_id": round_.id, "title": round_.title, "status": round_.status,
                       "closes_at": round_.closes_at, "slots": len(round_.slots),
                       "contested_slots": sum(1 for n in per_slot.values() if n > 1),
                       "requests": len(decisions), "won": outcomes.get("won", 0),
                       "not_granted": len(decisions) - outcomes.get("won", 0)})
    return sorted(result, key=lambda r: r["closes_at"])


def _volunteers(community_id: str, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    shifts = list_shifts(community_id, start=start, end=end)
    rows: list[dict[str, Any]] = [{"shift_id": s.id, "template_code": s.template_code, "title_zh": s.title_zh, "title_en": s.title_en,
             "starts_at": s.starts_at, "ends_at": s.ends_at, "headcount": s.headcount, "taken": taken}
            for s, taken in shifts]
    waste = [r for r in rows if r["template_code"] == "waste-sorting"]
    return {"shifts": len(rows), "places": sum(r["headcount"] for r in rows), "on_duty": sum(r["taken"] for r in rows),
            "unfilled_shifts": sum(1 for r in rows if r["taken"] < r["headcount"]),
            "waste_room_on_duty": sum(r["taken"] for r in waste),
            "waste_room_places": sum(r["headcount"] for r in waste), "list": rows[:12]}


def _roster(identity: Identity, community_id: str, day: dt.date) -> dict[str, Any]:
    (board,) = roster.day_boards(identity, community_id, [day])
    periods = [{"period": p.period,
                "at_desk": [{"name": s.staff.display_name,
                             "covering_for": s.covering_for.display_name if s.covering_for else None} for s in p.seats],
                "out": [{"name": who.display_name, "duty": duty, "place": place} for who, duty, place in p.out],
                "uncovered": p.uncovered} for p in board.periods]
    return {"day": day, "periods": periods, "flags": board.flags,
            "absent": len(board.absent), "lines_covered_by_b": sum(1 for lb in board.lines if lb.covered_by_b)}


def _visits(identity: Identity, community_id: str, now: dt.datetime) -> dict[str, Any] | None:
    if not identity.has_role("manager", "admin"):
        return None  # the visits overview is the managers' (personal data of special groups)
    rows = visits.overview(identity, community_id=community_id, now=now)
    keys = ("households", "special", "never", "overdue", "overdue_special", "due_today", "due_this_week",
            "visits_last_7_days")
    return {key: sum(getattr(r, key) for r in rows) for key in keys}


def summary(identity: Identity, *, community_id: str, date_from: dt.date, date_to: dt.date,
            now: dt.datetime | None = None) -> dict[str, Any]:
    require_staff(identity, community_id)
    now = now or utcnow()
    today = local_today(now)
    start, end = _local_midnight(date_from), _local_midnight(date_to + dt.timedelta(days=1))
    day = today if date_from <= today <= date_to else date_to
    return {
        "community_id": community_id, "date_from": date_from, "date_to": date_to,
        "rooms": _rooms(identity, community_id, start, end, now),
        "rounds": _rounds(identity, community_id, start, end),
        "volunteers": _volunteers(community_id, start, end),
        "roster": _roster(identity, community_id, day),
        "visits": _visits(identity, community_id, now),
    }
