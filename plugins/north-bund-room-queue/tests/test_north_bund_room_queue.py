"""North Bund's queue decides its rounds; Fenglin Huiyuan keeps the built-in lottery."""

import datetime as dt

import pytest
from linli_north_bund_room_queue import allocate_slots, queue_order

from linli.hub.app import create_app
from linli.hub.rounds.policy import RequestInfo, RoundInfo, SlotInfo, TeamHistory
from linli.hub.testing import SHANGHAI, make_world, next_weekday
from linli.shared.auth import Identity

FRIDAY = dt.datetime(2026, 12, 4, 18, 30, tzinfo=SHANGHAI)


def slot(slot_id: int, week: int = 0) -> SlotInfo:
    start = FRIDAY + dt.timedelta(weeks=week)
    return SlotInfo(slot_id, slot_id, start, start + dt.timedelta(hours=2))


def test_smallest_share_first_then_fewest_wins_then_rotation():
    history = {1: TeamHistory(asked=4, won=2), 2: TeamHistory(asked=4, won=0), 3: TeamHistory(asked=2, won=1),
               4: TeamHistory()}
    order = queue_order(RoundInfo(1, "north-bund", 1, 0), [1, 2, 3, 4], history)
    assert order[:2] in ([2, 4], [4, 2])  # nothing won yet: first, whatever the rotation
    assert order[2:] == [3, 1]  # same share (1/2): fewer slots won goes first
    # equal teams: the rotation moves one place every round, so each is first in turn
    firsts = [queue_order(RoundInfo(r, "north-bund", 1, 0), [5, 6, 7], {})[0] for r in range(1, 7)]
    assert sorted(firsts[:3]) == [5, 6, 7] and firsts[3:] == firsts[:3]


def test_every_team_gets_its_turn_over_the_weeks():
    """Three teams ask every week for the one slot: each wins two of six weeks, in turn, with reasons."""
    history: dict[int, TeamHistory] = {}
    winners = []
    for week in range(6):
        requests = [RequestInfo(week * 10 + team, team, week, 1) for team in (1, 2, 3)]
        decisions = allocate_slots(community=None, round=RoundInfo(week + 1, "north-bund", 1, seed=week),
                                   slots=[slot(week, week)], requests=requests, history=history, seed=week)
        won = [d for d in decisions if d.outcome == "won"]
        assert len(won) == 1 and {d.detail["method"] for d in decisions} == {"queue"}
        assert "was at position 1 of 3" in won[0].reason and "weight" not in won[0].detail
        lost = [d for d in decisions if d.outcome == "lost"]
        assert all(d.detail["winner_team_id"] == won[0].team_id for d in lost)
        winners.append(won[0].team_id)
        history = {team: TeamHistory(asked=(history.get(team) or TeamHistory()).asked + 1,
                                     won=(history.get(team) or TeamHistory()).won + (team == won[0].team_id))
                   for team in (1, 2, 3)}
    assert sorted(winners[:3]) == [1, 2, 3] and sorted(winners[3:]) == [1, 2, 3]


def test_the_same_round_decides_the_same_whatever_the_seed():
    requests = [RequestInfo(t, t, 1, 1) for t in range(1, 6)]
    results = {tuple(d.outcome for d in allocate_slots(community=None, round=RoundInfo(3, "north-bund", 1, seed),
                                                        slots=[slot(1)], requests=requests, history={}, seed=seed))
               for seed in range(20)}
    assert len(results) == 1


@pytest.fixture
def app(service_app):
    return service_app("hub", create_app)


def test_a_closed_north_bund_round_is_decided_by_the_queue_and_explained(app):
    from linli.hub.rounds import service as rounds
    from linli.hub.rounds.pages import explain

    world = make_world(app, "north-bund")
    friday = next_weekday(4)
    with app.test_request_context("/team?lang=en"), app.app_context():
        round_ = rounds.create_round(None, community_id="north-bund", title="周五晚上", seed=7,
                                     closes_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                                     slots=rounds.weekly_slots([world["room"]], first_day=friday, weeks=1,
                                                               start=dt.time(18, 30), end=dt.time(20, 30),
                                                               tz=SHANGHAI))
        for lead, team in (("lead", "team"), ("other_lead", "other_team")):
            actor = Identity(str(world[lead]), frozenset({"team_lead"}), frozenset({"north-bund"}))
            rounds.submit_requests(actor, round_.id, team_id=world[team], slot_ids=[round_.slots[0].id])
        rounds.close_round(None, round_.id)
        staff = Identity(str(world["staff"]), frozenset({"staff"}), frozenset({"north-bund"}))
        decisions = rounds.decisions_for(staff, round_.id)
        assert sorted(d.outcome for d in decisions) == ["lost", "won"]
        assert {d.detail["method"] for d in decisions} == {"queue"}
        why = {d.outcome: explain(d) for d in decisions}
    assert why["won"].startswith("Granted: your team was at position 1 of 2 in the community's queue")
    assert "was at position 1 in the community's queue; your team was at position 2 of 2" in why["lost"]


def test_fenglin_huiyuan_keeps_the_lottery(app):
    with app.app_context():
        from linli.shared.state import service_state

        hooks = service_state(app).hooks_for("fenglin-huiyuan")
        decisions = hooks.allocate_slots(community=None, round=RoundInfo(1, "fenglin-huiyuan", 1, 5),
                                         slots=[slot(1)], requests=[RequestInfo(1, 1, 1, 1), RequestInfo(2, 2, 1, 1)],
                                         history={}, seed=5)
    assert {d.detail["method"] for d in decisions} == {"lottery"}


def test_the_fairness_simulation_gives_every_team_its_fair_share(pytestconfig):
    """tests/load/fairness.py: 12 teams, 2 Friday slots, 24 weeks: the queue gives each exactly 4."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fairness", pytestconfig.rootpath / "tests/load/fairness.py")
    fairness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fairness)
    wins = fairness.simulate(fairness.queue_policy, 2026, 24, 12)
    assert [wins[team] for team in range(1, 13)] == [4] * 12
