"""The default allocation policy, without a database."""

import datetime as dt
import importlib.util
from collections import Counter
from pathlib import Path

from linli.hub.rounds.policy import (
    RequestInfo,
    RoundInfo,
    SlotInfo,
    TeamHistory,
    team_weight,
    weighted_lottery,
)

UTC = dt.UTC
FRIDAY = dt.datetime(2026, 12, 4, 10, 30, tzinfo=UTC)  # 18:30 in Shanghai


def slots(n=2, start=FRIDAY):
    return [SlotInfo(id=i + 1, room_id=i + 1, starts_at=start, ends_at=start + dt.timedelta(hours=2)) for i in range(n)]


def everyone_asks_everything(teams, offered):
    return [RequestInfo(id=team * 100 + rank, team_id=team, slot_id=slot.id, rank=rank)
            for team in range(1, teams + 1) for rank, slot in enumerate(offered, start=1)]


def won(decisions):
    return {(d.team_id, d.slot_id) for d in decisions if d.outcome == "won"}


def test_same_seed_same_result_and_another_seed_differs():
    offered = slots()
    requests = everyone_asks_everything(12, offered)
    results = {seed: won(weighted_lottery(RoundInfo(1, "c", 1, seed), offered, requests, {})) for seed in range(30)}
    assert all(won(weighted_lottery(RoundInfo(1, "c", 1, s), offered, requests, {})) == r for s, r in results.items())
    assert len({frozenset(r) for r in results.values()}) > 5


def test_weekly_quota_is_respected():
    offered = slots(4)  # four slots in the same week, two teams want them all
    requests = everyone_asks_everything(2, offered)
    decisions = weighted_lottery(RoundInfo(1, "c", 1, 7), offered, requests, {})
    wins = Counter(d.team_id for d in decisions if d.outcome == "won")
    assert wins == {1: 1, 2: 1}
    assert sum(d.outcome == "quota" for d in decisions) == 6
    quota2 = weighted_lottery(RoundInfo(1, "c", 2, 7), offered, requests, {})
    assert Counter(d.team_id for d in quota2 if d.outcome == "won") == {1: 2, 2: 2}


def test_quota_counts_per_week():
    offered = [*slots(1), *slots(1, FRIDAY + dt.timedelta(weeks=1))]
    offered[1] = SlotInfo(id=2, room_id=1, starts_at=offered[1].starts_at, ends_at=offered[1].ends_at)
    decisions = weighted_lottery(RoundInfo(1, "c", 1, 3), offered, everyone_asks_everything(1, offered), {})
    assert [d.outcome for d in decisions] == ["won", "won"]


def test_uncontested_request_is_granted_with_reason():
    offered = slots(2)
    requests = [RequestInfo(1, team_id=1, slot_id=1, rank=1), RequestInfo(2, team_id=2, slot_id=1, rank=1),
                RequestInfo(3, team_id=3, slot_id=2, rank=1)]
    decisions = {d.request_id: d for d in weighted_lottery(RoundInfo(1, "c", 1, 1), offered, requests, {})}
    assert decisions[3].outcome == "won" and decisions[3].detail["kind"] == "uncontested"
    assert {decisions[1].outcome, decisions[2].outcome} == {"won", "lost"}
    loser = decisions[1] if decisions[1].outcome == "lost" else decisions[2]
    assert "position" in loser.reason and loser.detail["winner_team_id"] in (1, 2)


def test_unavailable_slot_is_never_granted():
    offered = [SlotInfo(1, 1, FRIDAY, FRIDAY + dt.timedelta(hours=2), available=False)]
    decisions = weighted_lottery(RoundInfo(1, "c", 1, 1), offered, everyone_asks_everything(3, offered), {})
    assert {d.outcome for d in decisions} == {"unavailable"}


def test_teams_that_won_less_weigh_more():
    assert team_weight(None) == 1.0
    assert team_weight(TeamHistory(asked=16, won=0)) == 1.0
    assert team_weight(TeamHistory(asked=16, won=1)) < 0.2
    # a team that never won beats a frequent winner far more often than not
    offered = slots(1)
    requests = everyone_asks_everything(2, offered)
    history = {1: TeamHistory(asked=8, won=4), 2: TeamHistory(asked=8, won=0)}
    wins = Counter(next(iter(won(weighted_lottery(RoundInfo(1, "c", 1, s), offered, requests, history))))[0]
                   for s in range(200))
    assert wins[2] > 180


def test_fairness_simulation_meets_target_for_many_seeds():
    path = Path(__file__).parents[3] / "tests" / "load" / "fairness.py"
    spec = importlib.util.spec_from_file_location("fairness", path)
    fairness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fairness)
    for seed in range(25):
        wins = fairness.simulate(fairness.weighted_lottery, seed, 24, 12)
        counts = [wins[t] for t in range(1, 13)]
        assert sum(counts) == 48 and min(counts) >= 2 and max(counts) <= 6, (seed, counts)
    assert fairness.simulate(fairness.weighted_lottery, 5, 24, 12) == fairness.simulate(fairness.weighted_lottery, 5, 24, 12)
    assert fairness.simulate_first_come(24, 12) == {1: 24, 2: 24}


def test_every_reason_is_one_sentence_the_pages_translate():
    """The policy's stored English reason is the msgid the pages translate: written once, translated once."""
    from babel.messages.pofile import read_po

    from linli.hub.rounds import reasons

    offered = slots(1)
    requests = everyone_asks_everything(3, offered)
    decisions = weighted_lottery(RoundInfo(1, "c", 1, 7), offered, requests, {})
    assert {d.outcome for d in decisions} == {"won", "lost"}
    for decision in decisions:
        assert decision.reason == reasons.describe(decision.outcome, decision.detail)
        assert reasons.knows(decision.outcome, decision.detail)
    loser = next(d for d in decisions if d.outcome == "lost")
    assert loser.reason.startswith("Not granted: #") and "drew position" in loser.reason
    named = reasons.describe("lost", {**loser.detail, "winner_team": "戏曲班"})
    assert named.startswith("Not granted: 戏曲班 drew position")
    assert reasons.explain("won", {}, "seniority", str) == "seniority"  # a plugin's own reason stays its own
    po = Path(__file__).parents[1] / "src/linli/hub/translations/zh_CN/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    sentences = [value for name, value in vars(reasons).items() if name.isupper() and isinstance(value, str)]
    sentences += list(reasons.OUTCOME_LABELS.values())
    assert len(sentences) == 14 and all(catalogue.get(s) and catalogue.get(s).string for s in sentences)
