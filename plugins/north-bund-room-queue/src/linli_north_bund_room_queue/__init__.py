"""North Bund's room allocation rule: a published queue instead of the hub's weighted lottery.

North Bund's residents' meeting chose an allocation every team leader can work out by hand and
check on the notice board: when a booking round closes, the teams that asked for a contested slot
line up

1. by the share of what they asked for that they won in the recent rounds, smallest first
   (a team that has not asked before counts as having won nothing);
2. then by fewer slots won;
3. then in a rotation of the teams' registration order that moves on one place every round,
   so that no team is always first among equals.

The hub's :func:`~linli.hub.rounds.policy.allocate_in_order` then does the rest exactly as for
the lottery (uncontested slots first, one slot per team per pass, the weekly quota) and records
every decision with its reason (``method`` = ``queue``). Nothing is random, so the seed is unused.
Enable it in communities.toml: ``plugins = ["north_bund_room_queue"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from linli.hub import hookimpl
from linli.hub.rounds.policy import (
    Decision,
    RequestInfo,
    RoundInfo,
    SlotInfo,
    TeamHistory,
    allocate_in_order,
)

METHOD = "queue"


def queue_order(round: RoundInfo, team_ids: Iterable[int], history: dict[int, TeamHistory]) -> list[int]:
    """The teams of one round in queue order (see the module's rule)."""
    teams = sorted(set(team_ids))
    rotation = {team_id: (index - round.id) % len(teams) for index, team_id in enumerate(teams)}

    def key(team_id: int) -> tuple[float, int, int]:
        past = history.get(team_id) or TeamHistory()
        share = past.won / past.asked if past.asked else 0.0
        return (share, past.won, rotation[team_id])

    return sorted(teams, key=key)


@hookimpl
def allocate_slots(community: Any, round: RoundInfo, slots: Sequence[SlotInfo], requests: Sequence[RequestInfo],
                   history: dict[int, TeamHistory], seed: int) -> list[Decision]:
    order = queue_order(round, (request.team_id for request in requests), history)
    return allocate_in_order(round, slots, requests, history, order, method=METHOD)
