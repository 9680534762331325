"""Built-in allocation policy, registered as a plugin like any community's own policy."""

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


@hookimpl(trylast=True)
def allocate_slots(community: Any, round: RoundInfo, slots: list[SlotInfo], requests: list[RequestInfo],
                   history: dict[int, TeamHistory], seed: int) -> list[Decision]:
    return weighted_lottery(round, slots, requests, history)
