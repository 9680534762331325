"""Fairness of room allocation: 12 teams, two Friday-evening slots (two rooms), 24 weekly rounds.

Every week every team asks for both slots (its favourite room first). Under first-come the two
fastest teams win every week; under the hub's default policy (weighted lottery over recent success,
weekly quota of one slot) the 48 wins spread out. North Bund's own policy (the plugin
``north_bund_room_queue``: a published queue, smallest share of recent wins first) is printed beside
them. Run:

    uv run python tests/load/fairness.py [--seed 2026] [--weeks 24] [--teams 12]

Exit status 1 when a team ends outside 2..6 wins (the target around the fair share of 4).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter, deque
from collections.abc import Callable, Sequence

from linli.hub.rounds.policy import (
    HISTORY_ROUNDS,
    Decision,
    RequestInfo,
    RoundInfo,
    SlotInfo,
    TeamHistory,
    weighted_lottery,
)

Policy = Callable[[RoundInfo, Sequence[SlotInfo], Sequence[RequestInfo], dict[int, TeamHistory]], list[Decision]]

TEAM_NAMES = ["葫芦丝乐队", "戏曲班", "书法班", "合唱团", "舞蹈队", "太极拳队", "编织组", "摄影社",
              "读书会", "手工坊", "乒乓球队", "沪剧社", "剪纸组", "插花班", "中国结组", "模特队"]


def weekly_slots(week: int) -> list[SlotInfo]:
    friday = dt.datetime(2026, 1, 2, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(weeks=week)
    end = friday + dt.timedelta(hours=2)
    return [SlotInfo(id=week * 10 + 1, room_id=1, starts_at=friday, ends_at=end),
            SlotInfo(id=week * 10 + 2, room_id=2, starts_at=friday, ends_at=end)]


def queue_policy(round: RoundInfo, slots: Sequence[SlotInfo], requests: Sequence[RequestInfo],
                 history: dict[int, TeamHistory]) -> list[Decision]:
    # a plugin, imported only when used, so that the hub's own tests run without it
    from linli_north_bund_room_queue import allocate_slots

    return allocate_slots(community=None, round=round, slots=slots, requests=requests, history=history,
                            seed=round.seed)


def simulate(policy: Policy, seed: int, weeks: int, teams: int, quota: int = 1) -> Counter[int]:
    wins: Counter[int] = Counter()
    recent: deque[dict[int, tuple[int, int]]] = deque(maxlen=HISTORY_ROUNDS)  # per round: team -> (asked, won)
    for week in range(weeks):
        slots = weekly_slots(week)
        requests = []
        for team in range(1, teams + 1):
            favourite = team % 2  # half prefer room 1, half room 2
            ranked = [slots[favourite], slots[1 - favourite]]
            requests += [RequestInfo(id=week * 1000 + team * 10 + rank, team_id=team, slot_id=slot.id, rank=rank)
                         for rank, slot in enumerate(ranked, start=1)]
        history = {team: TeamHistory(asked=sum(r.get(team, (0, 0))[0] for r in recent),
                                     won=sum(r.get(team, (0, 0))[1] for r in recent))
                   for team in range(1, teams + 1)}
        round_seed = random.Random(f"{seed}:{week}").getrandbits(48)
        decisions = policy(RoundInfo(week + 1, "fenglin-huiyuan", quota, round_seed), slots, requests, history)
        this_round: dict[int, tuple[int, int]] = {}
        for decision in decisions:
            asked, won = this_round.get(decision.team_id, (0, 0))
            this_round[decision.team_id] = (asked + 1, won + (decision.outcome == "won"))
            if decision.outcome == "won":
                wins[decision.team_id] += 1
        recent.append(this_round)
    return wins


def simulate_first_come(weeks: int, teams: int) -> Counter[int]:
    """Teams 1 and 2 have the fastest fingers: they click first every week (秒占)."""
    wins: Counter[int] = Counter()
    for _week in range(weeks):
        for team in (1, 2):
            wins[team] += 1
    return wins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--weeks", type=int, default=24)
    parser.add_argument("--teams", type=int, default=12)
    args = parser.parse_args(argv)
    lottery = simulate(weighted_lottery, args.seed, args.weeks, args.teams)
    again = simulate(weighted_lottery, args.seed, args.weeks, args.teams)
    queue = simulate(queue_policy, args.seed, args.weeks, args.teams)
    first_come = simulate_first_come(args.weeks, args.teams)
    total = 2 * args.weeks
    print(f"{args.teams} teams, {args.weeks} weekly rounds, 2 Friday-evening slots (2 rooms), {total} wins, "
          f"seed {args.seed}, weekly quota 1, history {HISTORY_ROUNDS} rounds")
    print(f"{'team':<4}  {'name':<10}  {'weighted lottery':>16}  {'first-come':>10}  {'North Bund queue':>16}")
    for team in range(1, args.teams + 1):
        name = TEAM_NAMES[(team - 1) % len(TEAM_NAMES)]
        pad = " " * (10 - 2 * len(name))  # CJK characters are two columns wide
        print(f"{team:<4}  {name}{pad}  {lottery[team]:>16}  {first_come[team]:>10}  {queue[team]:>16}")
    low, high = min(lottery[t] for t in range(1, args.teams + 1)), max(lottery.values())
    print(f"{'sum':<16}  {sum(lottery.values()):>16}  {sum(first_come.values()):>10}  {sum(queue.values()):>16}")
    print(f"lottery: min {low}, max {high} (fair share {total / args.teams:g}); "
          f"first-come: {sum(1 for t in range(1, args.teams + 1) if first_come[t] == 0)} teams never win; "
          f"queue: min {min(queue[t] for t in range(1, args.teams + 1))}, max {max(queue.values())}")
    print(f"same seed, same result: {lottery == again}")
    ok = lottery == again and low >= 2 and high <= 6
    print("target 2..6 wins per team:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
