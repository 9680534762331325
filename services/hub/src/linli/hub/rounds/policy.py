"""The default allocation policy: a seeded, reproducible weighted lottery with a weekly quota.

Pure functions over plain data, so that the policy is tested and simulated without a database
(``tests/load/fairness.py``). The algorithm, for one closed round:

1. Every team gets a weight from its recent history: ``(1 - won/asked) ** STRENGTH`` over the last
   rounds (a team that won little of what it asked for weighs most; a team with no history weighs 1).
2. A slot only one team asked for is granted to that team (``uncontested``), within its quota.
3. The other teams are put in a random order drawn with those weights (Efraimidis–Spirakis keys
   ``u ** (1 / weight)`` from ``random.Random(seed)``): the same seed gives the same order.
4. In that order, pass after pass, each team takes its best-ranked requested slot that is still free,
   at most one slot per pass and at most ``weekly_quota`` slots per calendar week (Asia/Shanghai),
   counting what the team already won that week in earlier rounds (``RoundInfo.already_won``).

Steps 2 and 4 are :func:`allocate_in_order`, which a community's own policy plugin can call with an
order made by its own rule (e.g. North Bund's published queue) and get the same quota handling and
explained decisions.

Every request ends with one :class:`Decision` and its reason: won, lost (to whom and why), quota, or
unavailable (the slot was booked outside the round).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from linli.hub.rounds.reasons import describe
from linli.shared.localtime import LOCAL_TZ

STRENGTH = 32.0  # how strongly past success lowers a team's weight (tuned with tests/load/fairness.py)
MIN_WEIGHT = 0.02
POLICY_NAME = "builtin.weighted_lottery"
HISTORY_ROUNDS = 8  # how many recent allocated rounds of the community count as history


@dataclass(frozen=True)
class SlotInfo:
    id: int
    room_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    available: bool = True  # False when the time was booked outside the round

    @property
    def week(self) -> tuple[int, int]:
        return week_of(self.starts_at)


def week_of(moment: dt.datetime) -> tuple[int, int]:
    """The (ISO year, ISO week) of a moment in Shanghai: the unit of the weekly quota."""
    iso = moment.astimezone(LOCAL_TZ).isocalendar()
    return (iso.year, iso.week)


@dataclass(frozen=True)
class RequestInfo:
    id: int
    team_id: int
    slot_id: int
    rank: int


@dataclass(frozen=True)
class TeamHistory:
    """What a team asked for and won in the recent rounds of its community."""

    asked: int = 0
    won: int = 0


@dataclass(frozen=True)
class RoundInfo:
    id: int
    community_id: str
    weekly_quota: int
    seed: int
    # slots each team already holds from earlier rounds, per (team id, ISO week): they count
    # towards the weekly quota of this round too
    already_won: Mapping[tuple[int, tuple[int, int]], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    request_id: int
    team_id: int
    slot_id: int
    outcome: str  # won | lost | quota | unavailable
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


def team_weight(history: TeamHistory | None) -> float:
    if history is None or history.asked == 0:
        return 1.0
    success = min(1.0, history.won / history.asked)
    return max(MIN_WEIGHT, (1.0 - success) ** STRENGTH)


def draw_order(team_ids: Iterable[int], weights: dict[int, float], rng: random.Random) -> list[int]:
    """A weighted random permutation (Efraimidis–Spirakis): heavier teams tend to come first."""
    keyed = [(rng.random() ** (1.0 / weights[team_id]), team_id) for team_id in sorted(set(team_ids))]
    keyed.sort(key=lambda item: (-item[0], item[1]))
    return [team_id for _key, team_id in keyed]


def weighted_lottery(round: RoundInfo, slots: Sequence[SlotInfo], requests: Sequence[RequestInfo],
                     history: dict[int, TeamHistory]) -> list[Decision]:
    weights = {request.team_id: team_weight(history.get(request.team_id)) for request in requests}
    order = draw_order(weights, weights, random.Random(round.seed))
    return allocate_in_order(round, slots, requests, history, order, method="lottery", weights=weights)


def allocate_in_order(round: RoundInfo, slots: Sequence[SlotInfo], requests: Sequence[RequestInfo],
                      history: dict[int, TeamHistory], order: Sequence[int], *, method: str,
                      weights: dict[int, float] | None = None) -> list[Decision]:
    """Grant uncontested slots, then let teams take turns in ``order`` (pass after pass, one slot each per
    pass, best-ranked free slot first) within the weekly quota. ``method`` names how the order was made
    (``lottery`` or a plugin's own, e.g. ``queue``) and goes into every decision's detail."""
    slot_by_id = {slot.id: slot for slot in slots}
    by_team: dict[int, list[RequestInfo]] = defaultdict(list)
    by_slot: dict[int, list[RequestInfo]] = defaultdict(list)
    for request in sorted(requests, key=lambda r: (r.team_id, r.rank, r.id)):
        by_team[request.team_id].append(request)
        by_slot[request.slot_id].append(request)
    if sorted(order) != sorted(by_team):
        raise ValueError("the order must name every requesting team once")
    winner: dict[int, int] = {}  # slot -> team
    how: dict[int, dict[str, Any]] = {}  # slot -> how it was won
    wins_per_week: dict[tuple[int, tuple[int, int]], int] = defaultdict(int, round.already_won)

    def can_take(team_id: int, slot: SlotInfo) -> bool:
        return slot.available and slot.id not in winner and wins_per_week[(team_id, slot.week)] < round.weekly_quota

    def grant(team_id: int, slot: SlotInfo, info: dict[str, Any]) -> None:
        winner[slot.id] = team_id
        how[slot.id] = info
        wins_per_week[(team_id, slot.week)] += 1

    # 1. uncontested slots
    for team_id, team_requests in sorted(by_team.items()):
        for request in team_requests:
            slot = slot_by_id[request.slot_id]
            if len(by_slot[slot.id]) == 1 and can_take(team_id, slot):
                grant(team_id, slot, {"kind": "uncontested"})

    # 2. passes in the given order
    position = {team_id: index + 1 for index, team_id in enumerate(order)}
    progress = True
    pass_number = 0
    while progress:
        progress = False
        pass_number += 1
        for team_id in order:
            for request in by_team[team_id]:
                slot = slot_by_id[request.slot_id]
                if can_take(team_id, slot):
                    grant(team_id, slot, {"kind": "draw", "position": position[team_id], "pass": pass_number})
                    progress = True
                    break

    return [_decide(request, slot_by_id[request.slot_id], winner, how, position, method, weights, history,
                    round.weekly_quota, wins_per_week, len(order))
            for request in sorted(requests, key=lambda r: (r.team_id, r.rank, r.id))]


def _decide(request: RequestInfo, slot: SlotInfo, winner: dict[int, int], how: dict[int, dict[str, Any]],
            position: dict[int, int], method: str, weights: dict[int, float] | None,
            history: dict[int, TeamHistory], quota: int, wins_per_week: dict[tuple[int, tuple[int, int]], int],
            drawn: int) -> Decision:
    team_id = request.team_id
    past = history.get(team_id) or TeamHistory()
    detail: dict[str, Any] = {
        "rank": request.rank,
        "method": method,
        "position": position.get(team_id),
        "drawn": drawn,
        "asked_recently": past.asked,
        "won_recently": past.won,
        "weekly_quota": quota,
    }
    if weights is not None:
        detail["weight"] = round(weights.get(team_id, 1.0), 4)
    if not slot.available:
        return _decision(request, slot, "unavailable", {**detail, "kind": "unavailable"})
    holder = winner.get(slot.id)
    if holder == team_id:
        return _decision(request, slot, "won", {**detail, **how[slot.id]})
    if wins_per_week[(team_id, slot.week)] >= quota:
        return _decision(request, slot, "quota", {**detail, "kind": "quota"})
    if holder is None:  # cannot happen for an available slot someone asked for; kept for safety
        return _decision(request, slot, "lost", {**detail, "kind": "none"})
    return _decision(request, slot, "lost", {**detail, "kind": "taken", "winner_team_id": holder,
                                             "winner_position": how[slot.id].get("position")})


def _decision(request: RequestInfo, slot: SlotInfo, outcome: str, detail: dict[str, Any]) -> Decision:
    """A decision with its reason in English (``reasons``: the pages show the same sentence translated)."""
    return Decision(request.id, request.team_id, slot.id, outcome, describe(outcome, detail), detail)
