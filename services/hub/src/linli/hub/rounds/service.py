"""Booking rounds: open, request, close and allocate, explain. Callable without HTTP.

Closing is idempotent (a round is decided once, by ``tick`` at its deadline or by staff earlier):
on PostgreSQL the round row is locked ``FOR UPDATE`` and re-checked; on SQLite the write lock is held.
Slots nobody won stay free in the room and can then be booked first-come.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from linli.hub.bookings.models import ACTIVE_STATES, Booking
from linli.hub.bookings.service import insert_booking
from linli.hub.extensions import db
from linli.hub.rooms.service import check_bookable, get_room
from linli.hub.rounds import reasons
from linli.hub.rounds.models import BookingRound, RoundDecision, RoundRequest, RoundSlot
from linli.hub.rounds.policy import (
    HISTORY_ROUNDS,
    POLICY_NAME,
    Decision,
    RequestInfo,
    RoundInfo,
    SlotInfo,
    TeamHistory,
    week_of,
)
from linli.hub.teams.models import Team
from linli.hub.teams.service import get_team, require_team_lead_or_staff
from linli.shared.auth import Identity, require_staff_of
from linli.shared.db import lock_for_update, utcnow
from linli.shared.errors import Conflict, NotFound, Problem, Unprocessable
from linli.shared.state import service_state

DEFAULT_WEEKLY_QUOTA = 1


@dataclass(frozen=True)
class SlotSpec:
    room_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def rounds_settings(community_id: str) -> dict[str, Any]:
    hub = service_state().communities.require(community_id).setting("hub", {}) or {}
    return dict(hub.get("rounds", {}))


def create_round(actor: Identity | None, *, community_id: str, title: str, closes_at: dt.datetime,
                 slots: Sequence[SlotSpec], weekly_quota: int | None = None, seed: int | None = None,
                 period_start: dt.date | None = None, period_end: dt.date | None = None) -> BookingRound:
    """Open a round offering ``slots``; staff of the community (``actor=None``: the system)."""
    if actor is not None:
        require_staff_of(actor, community_id)
    if not slots:
        raise Unprocessable("A round offers at least one slot.", code="no_slots")
    settings = rounds_settings(community_id)
    quota = weekly_quota if weekly_quota is not None else int(settings.get("weekly_quota", DEFAULT_WEEKLY_QUOTA))
    if quota < 1:
        raise Unprocessable("The weekly quota is at least 1.", code="bad_quota")
    round_ = BookingRound(community_id=community_id, title=title, closes_at=closes_at, weekly_quota=quota,
                          seed=seed if seed is not None else random.SystemRandom().getrandbits(48),
                          created_by=actor.subject if actor else "system",
                          period_start=period_start or min(s.starts_at for s in slots).date(),
                          period_end=period_end or max(s.ends_at for s in slots).date())
    seen: set[tuple[int, dt.datetime]] = set()
    for spec in slots:
        room = get_room(spec.room_id)
        if room.community_id != community_id:
            raise Unprocessable(f"Room {room.id} belongs to another community.", code="room_other_community")
        check_bookable(room, spec.starts_at, spec.ends_at)
        if (room.id, spec.starts_at) in seen:
            raise Unprocessable("The same slot is offered twice.", code="duplicate_slot")
        seen.add((room.id, spec.starts_at))
        round_.slots.append(RoundSlot(room_id=room.id, starts_at=spec.starts_at, ends_at=spec.ends_at))
    if closes_at >= min(s.starts_at for s in slots):
        raise Unprocessable("The round must close before its first slot.", code="closes_too_late")
    db.session.add(round_)
    db.session.commit()
    return round_


def get_round(round_id: int) -> BookingRound:
    round_ = db.session.get(BookingRound, round_id)
    if round_ is None:
        raise NotFound(f"No booking round {round_id}.", code="round_not_found")
    return round_


def list_rounds(community_id: str, *, status: str | None = None) -> list[BookingRound]:
    query = sa.select(BookingRound).where(BookingRound.community_id == community_id)
    if status:
        query = query.where(BookingRound.status == status)
    return list(db.session.scalars(query.order_by(BookingRound.closes_at.desc())))


def submit_requests(actor: Identity, round_id: int, *, team_id: int, slot_ids: Sequence[int],
                    now: dt.datetime | None = None) -> list[RoundRequest]:
    """Replace the team's ranked requests (first = most wanted) while the round is open.

    The round row is locked (PostgreSQL) so that a request never lands after the round was decided."""
    round_ = db.session.scalar(lock_for_update(sa.select(BookingRound).where(BookingRound.id == round_id)))
    if round_ is None:
        raise NotFound(f"No booking round {round_id}.", code="round_not_found")
    team = get_team(team_id)
    require_team_lead_or_staff(actor, team)
    if team.community_id != round_.community_id:
        raise Unprocessable("The team belongs to another community.", code="team_other_community")
    if round_.status != "open" or (now or utcnow()) >= round_.closes_at:
        raise Conflict("The round is closed for requests.", code="round_closed")
    offered = {slot.id for slot in round_.slots}
    if len(set(slot_ids)) != len(slot_ids):
        raise Unprocessable("Each slot appears once in the ranking.", code="duplicate_slot")
    unknown = [s for s in slot_ids if s not in offered]
    if unknown:
        raise Unprocessable(f"Slots {unknown} are not offered in this round.", code="unknown_slot")
    db.session.execute(sa.delete(RoundRequest).where(RoundRequest.round_id == round_.id,
                                                     RoundRequest.team_id == team.id))
    requests = [RoundRequest(round_id=round_.id, team_id=team.id, slot_id=slot_id, rank=rank,
                             submitted_by=actor.subject) for rank, slot_id in enumerate(slot_ids, start=1)]
    db.session.add_all(requests)
    db.session.commit()
    return requests


def team_requests(round_id: int, team_id: int) -> list[RoundRequest]:
    return list(db.session.scalars(sa.select(RoundRequest).where(
        RoundRequest.round_id == round_id, RoundRequest.team_id == team_id).order_by(RoundRequest.rank)))


def teams_asking(round_ids: Sequence[int]) -> dict[int, int]:
    """Per round: how many teams have sent requests."""
    return {round_id: count for round_id, count in db.session.execute(
        sa.select(RoundRequest.round_id, sa.func.count(sa.distinct(RoundRequest.team_id)))
        .where(RoundRequest.round_id.in_(list(round_ids))).group_by(RoundRequest.round_id))}


def recent_history(community_id: str, *, before: dt.datetime, rounds: int = HISTORY_ROUNDS) -> dict[int, TeamHistory]:
    """Per team: requests made and slots won in the community's last ``rounds`` decided rounds."""
    recent_ids = list(db.session.scalars(
        sa.select(BookingRound.id).where(BookingRound.community_id == community_id,
                                         BookingRound.status == "allocated", BookingRound.closes_at <= before)
        .order_by(BookingRound.closes_at.desc()).limit(rounds)))
    if not recent_ids:
        return {}
    rows = db.session.execute(
        sa.select(RoundDecision.team_id, sa.func.count(),
                  sa.func.sum(sa.case((RoundDecision.outcome == "won", 1), else_=0)))
        .where(RoundDecision.round_id.in_(recent_ids)).group_by(RoundDecision.team_id)).all()
    return {team_id: TeamHistory(asked=int(asked), won=int(won or 0)) for team_id, asked, won in rows}


def close_round(actor: Identity | None, round_id: int, *, now: dt.datetime | None = None) -> BookingRound:
    """Decide the round: call ``allocate_slots``, record every decision, book the winners."""
    now = now or utcnow()
    round_ = db.session.scalar(lock_for_update(sa.select(BookingRound).where(BookingRound.id == round_id)))
    if round_ is None:
        raise NotFound(f"No booking round {round_id}.", code="round_not_found")
    if actor is not None:
        require_staff_of(actor, round_.community_id)
    if round_.status != "open":
        raise Conflict("The round has been decided already.", code="round_decided")
    community = service_state().communities.require(round_.community_id)
    slots = [SlotInfo(s.id, s.room_id, s.starts_at, s.ends_at, available=_slot_free(s)) for s in round_.slots]
    requests = list(db.session.scalars(sa.select(RoundRequest).where(RoundRequest.round_id == round_.id)))
    infos = [RequestInfo(r.id, r.team_id, r.slot_id, r.rank) for r in requests]
    history = recent_history(round_.community_id, before=now,
                             rounds=int(rounds_settings(round_.community_id).get("history_rounds", HISTORY_ROUNDS)))
    hooks = service_state().hooks_for(community)
    decisions: list[Decision] = hooks.allocate_slots(
        community=community, round=RoundInfo(round_.id, round_.community_id, round_.weekly_quota, round_.seed,
                                             already_won=_won_earlier(round_, {r.team_id for r in requests})),
        slots=slots, requests=infos, history=history, seed=round_.seed) or []
    _record(round_, requests, decisions)
    round_.status = "allocated"
    round_.allocated_at = now
    round_.closes_at = min(round_.closes_at, now)
    round_.policy = POLICY_NAME if decisions is not None else None
    db.session.commit()
    return round_


def _won_earlier(round_: BookingRound, team_ids: set[int]) -> dict[tuple[int, tuple[int, int]], int]:
    """Slots the teams hold from other rounds in the weeks this round offers, per (team, ISO week)."""
    weeks = {week_of(slot.starts_at) for slot in round_.slots}
    if not weeks or not team_ids:
        return {}
    first = min(slot.starts_at for slot in round_.slots) - dt.timedelta(days=7)
    last = max(slot.starts_at for slot in round_.slots) + dt.timedelta(days=7)
    held: dict[tuple[int, tuple[int, int]], int] = {}
    for team_id, starts_at in db.session.execute(
            sa.select(Booking.team_id, Booking.starts_at).where(
                Booking.round_id.is_not(None), Booking.round_id != round_.id, Booking.team_id.in_(team_ids),
                Booking.status.in_(ACTIVE_STATES), Booking.starts_at >= first, Booking.starts_at < last)):
        if week_of(starts_at) in weeks:
            held[(team_id, week_of(starts_at))] = held.get((team_id, week_of(starts_at)), 0) + 1
    return held


def _slot_free(slot: RoundSlot) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.room_id == slot.room_id, Booking.status.in_(ACTIVE_STATES),
        Booking.starts_at < slot.ends_at, Booking.ends_at > slot.starts_at)) == 0


def _record(round_: BookingRound, requests: list[RoundRequest], decisions: list[Decision]) -> None:
    by_request = {d.request_id: d for d in decisions}
    slots = {s.id: s for s in round_.slots}
    teams = {t.id: t for t in db.session.scalars(sa.select(Team).where(
        Team.id.in_({r.team_id for r in requests})))}
    winners: dict[int, int] = {}
    for request in sorted(requests, key=lambda r: (r.team_id, r.rank)):
        decision = by_request.get(request.id) or Decision(request.id, request.team_id, request.slot_id, "lost",
                                                          reasons.NO_DECISION, {"kind": "none"})
        outcome, reason, detail = decision.outcome, decision.reason, dict(decision.detail)
        slot = slots[request.slot_id]
        if outcome == "won" and request.slot_id in winners:  # a plugin granted a slot twice: first wins
            outcome, detail = "lost", {**detail, "kind": "granted_twice"}
        if outcome == "won":
            team = teams[request.team_id]
            try:
                booking = insert_booking(Booking(
                    room_id=slot.room_id, community_id=round_.community_id, team_id=team.id,
                    title=team.name_zh, starts_at=slot.starts_at, ends_at=slot.ends_at, status="confirmed",
                    booked_by=f"round:{round_.id}", round_id=round_.id))
            except Problem:
                outcome = "unavailable"
            else:
                winners[slot.id] = team.id
                slot.winner_team_id = team.id
                slot.booking_id = booking.id
        if detail.get("winner_team_id") in teams:
            detail["winner_team"] = teams[detail["winner_team_id"]].name_zh
        if reasons.knows(outcome, detail):  # the sentence again, now that the winner has a name
            reason = reasons.describe(outcome, detail)
        db.session.add(RoundDecision(round_id=round_.id, request_id=request.id, team_id=request.team_id,
                                     slot_id=request.slot_id, outcome=outcome, reason=reason, detail=detail))


def decisions_for(actor: Identity, round_id: int, *, team_id: int | None = None) -> list[RoundDecision]:
    """The decisions of a round: staff see all; a team lead sees their team's."""
    round_ = get_round(round_id)
    actor.require_community(round_.community_id)
    query = sa.select(RoundDecision).where(RoundDecision.round_id == round_.id)
    if team_id is not None:
        require_team_lead_or_staff(actor, get_team(team_id))
        query = query.where(RoundDecision.team_id == team_id)
    elif not actor.is_staff:
        led = [t.id for t in db.session.scalars(sa.select(Team).where(Team.lead_account_id == int(actor.subject)))] \
            if actor.subject.isdigit() else []
        query = query.where(RoundDecision.team_id.in_(led))
    return list(db.session.scalars(query.order_by(RoundDecision.team_id, RoundDecision.id)))


def slot_winners(round_: BookingRound) -> dict[int, str]:
    """slot id -> winning team's name (team names are public within the community)."""
    ids = {s.winner_team_id for s in round_.slots if s.winner_team_id}
    names = {t.id: t.name_zh for t in db.session.scalars(sa.select(Team).where(Team.id.in_(ids)))} if ids else {}
    return {s.id: names[s.winner_team_id] for s in round_.slots if s.winner_team_id}


def close_due_rounds(now: dt.datetime | None = None) -> int:
    """For ``tick``: decide every open round whose deadline has passed. Idempotent."""
    now = now or utcnow()
    due = list(db.session.scalars(sa.select(BookingRound.id).where(
        BookingRound.status == "open", BookingRound.closes_at <= now).order_by(BookingRound.closes_at)))
    closed = 0
    for round_id in due:
        try:
            close_round(None, round_id, now=now)
            closed += 1
        except Conflict:  # another tick got there first
            db.session.rollback()
    return closed


def weekly_slots(room_ids: Sequence[int], *, first_day: dt.date, weeks: int, start: dt.time, end: dt.time,
                 tz: Any) -> list[SlotSpec]:
    """The same local time on the same weekday for ``weeks`` weeks in each room (a helper for staff)."""
    specs = []
    for week in range(weeks):
        day = first_day + dt.timedelta(weeks=week)
        for room_id in room_ids:
            specs.append(SlotSpec(room_id, dt.datetime.combine(day, start, tzinfo=tz),
                                  dt.datetime.combine(day, end, tzinfo=tz)))
    return specs


def summary_by_team(decisions: Sequence[RoundDecision]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for decision in decisions:
        counts[decision.team_id][decision.outcome] += 1
    return {team: dict(c) for team, c in counts.items()}


def held_for_open_round(room_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether the time is offered in an open round (no first-come booking of it meanwhile)."""
    return (db.session.scalar(
        sa.select(sa.func.count()).select_from(RoundSlot).join(BookingRound)
        .where(RoundSlot.room_id == room_id, BookingRound.status == "open",
               RoundSlot.starts_at < ends_at, RoundSlot.ends_at > starts_at)) or 0) > 0
