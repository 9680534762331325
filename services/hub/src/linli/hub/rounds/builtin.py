"""Built-in allocation policy and round holds, registered as a plugin like any community's own policy."""

from __future__ import annotations

from typing import Any

from linli.hub import hookimpl
from linli.hub.rounds.policy import (
    Decision,
    RequestInfo,
    RoundInfo,
    SlotInfo,
    TeamHistory,
    weighted_lottery,
)
from linli.hub.rounds.service import held_for_open_round


@hookimpl(trylast=True)
def allocate_slots(community: Any, round: RoundInfo, slots: list[SlotInfo], requests: list[RequestInfo],
                   history: dict[int, TeamHistory], seed: int) -> list[Decision]:
    return weighted_lottery(round, slots, requests, history)


@hookimpl
def room_time_held(room_id: int, starts_at: Any, ends_at: Any) -> bool:
    return held_for_open_round(room_id, starts_at, ends_at)
