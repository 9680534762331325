"""The ``allocate_slots`` hook: the built-in lottery decides unless a community enables its own policy."""

import datetime as dt

from linli.hub import hookimpl
from linli.hub.app import create_app
from linli.hub.rounds.policy import Decision, RequestInfo, RoundInfo, SlotInfo, weighted_lottery
from linli.shared.state import service_state

START = dt.datetime(2026, 12, 4, 10, 30, tzinfo=dt.UTC)
SLOTS = [SlotInfo(1, 1, START, START + dt.timedelta(hours=2))]
REQUESTS = [RequestInfo(10 + team, team, 1, 1) for team in range(1, 6)]


class LowestTeamIdWins:
    """A community's own rule (e.g. seniority): the longest-registered team gets the slot."""

    @hookimpl
    def allocate_slots(self, community, round, slots, requests, history, seed):
        winner = min(r.team_id for r in requests)
        return [Decision(r.id, r.team_id, r.slot_id, "won" if r.team_id == winner else "lost", "seniority")
                for r in requests]


def decide(app, community_id):
    with app.app_context():
        state = service_state(app)
        return state.hooks_for(community_id).allocate_slots(
            community=state.communities.require(community_id), round=RoundInfo(1, community_id, 1, 99),
            slots=SLOTS, requests=REQUESTS, history={}, seed=99)


def test_allocate_slots_answers_with_the_builtin_policy(app):
    assert decide(app, "fenglin-huiyuan") == weighted_lottery(RoundInfo(1, "fenglin-huiyuan", 1, 99), SLOTS,
                                                              REQUESTS, {})


def test_community_plugin_replaces_the_policy_only_where_enabled(service_app, communities_with):
    app = service_app("hub", create_app, LINLI_COMMUNITIES_FILE=communities_with({"north-bund": ["seniority_policy"]}),
                      LINLI_EXTRA_PLUGINS=[("seniority_policy", LowestTeamIdWins())])
    north = decide(app, "north-bund")
    assert [d.outcome for d in north] == ["won", "lost", "lost", "lost", "lost"]
    assert {d.reason for d in north} == {"seniority"}
    assert decide(app, "fenglin-huiyuan") == weighted_lottery(RoundInfo(1, "fenglin-huiyuan", 1, 99), SLOTS,
                                                              REQUESTS, {})


class HoldEvenings:
    """A community's own hold: evenings (Shanghai) are kept for its own events."""

    @hookimpl
    def room_time_held(self, starts_at):
        return starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).hour >= 18


def test_room_time_held_by_open_rounds_and_by_a_community_plugin_only_where_enabled(service_app, communities_with):
    app = service_app("hub", create_app, LINLI_COMMUNITIES_FILE=communities_with({"north-bund": ["evening_hold"]}),
                      LINLI_EXTRA_PLUGINS=[("evening_hold", HoldEvenings())])
    evening = dt.datetime(2026, 12, 4, 11, 0, tzinfo=dt.UTC)  # 19:00 in Shanghai
    with app.app_context():
        state = service_state(app)
        answers = {cid: state.hooks_for(cid).room_time_held(community=state.communities.require(cid), room_id=1,
                                                             starts_at=evening, ends_at=evening + dt.timedelta(hours=1))
                   for cid in ("north-bund", "fenglin-huiyuan")}
    assert any(answers["north-bund"]) and not any(answers["fenglin-huiyuan"])  # no open round holds room 1
