"""A community plugin that raises in a hub hook: the round still closes (by the built-in lottery)
and the built-in shift templates stay, in that community only; the log names the plugin."""

import datetime as dt

import pytest
import structlog

from linli.hub import hookimpl
from linli.hub.app import create_app
from linli.hub.rounds.policy import RequestInfo, RoundInfo, SlotInfo
from linli.hub.testing import SHANGHAI, make_world, next_weekday
from linli.shared.auth import Identity
from linli.shared.testing.plugins import call_hook, metric_value

BROKEN = "broken_hub"


class Broken:
    @hookimpl
    def allocate_slots(self, community, round, slots, requests, history, seed):
        raise IndexError("queue position")

    @hookimpl
    def shift_templates(self, community):
        raise ValueError("bad template")


@pytest.fixture
def app(service_app, communities_with):
    return service_app("hub", create_app, LINLI_COMMUNITIES_FILE=communities_with(
        {"north-bund": [BROKEN], "fenglin-huiyuan": ["north_bund_room_queue", "fenglin_volunteer_shifts"]}),
                       LINLI_EXTRA_PLUGINS=[(BROKEN, Broken())])


def test_a_failing_allocation_policy_falls_back_to_the_built_in_lottery(app, client, auth):
    from linli.hub.rounds import service as rounds

    world = make_world(app, "north-bund")
    with app.app_context():
        round_ = rounds.create_round(None, community_id="north-bund", title="周五晚上", seed=7,
                                     closes_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                                     slots=rounds.weekly_slots([world["room"]], first_day=next_weekday(4), weeks=1,
                                                               start=dt.time(18, 30), end=dt.time(20, 30),
                                                               tz=SHANGHAI))
        for lead, team in (("lead", "team"), ("other_lead", "other_team")):
            actor = Identity(str(world[lead]), frozenset({"team_lead"}), frozenset({"north-bund"}))
            rounds.submit_requests(actor, round_.id, team_id=world[team], slot_ids=[round_.slots[0].id])
        round_id = round_.id
    staff = auth("staff", communities=["north-bund"], sub=str(world["staff"]))
    with structlog.testing.capture_logs() as logs:
        closed = client.post(f"/api/rounds/{round_id}/close", headers=staff)
    assert closed.status_code == 200 and closed.json["status"] == "allocated"
    decisions = client.get(f"/api/rounds/{round_id}/decisions", headers=staff).json
    assert sorted(d["outcome"] for d in decisions) == ["lost", "won"]
    assert {d["detail"]["method"] for d in decisions} == {"lottery"}
    [entry] = [e for e in logs if e["event"] == "plugin.failed"]
    assert (entry["plugin"], entry["hook"], entry["community"]) == (BROKEN, "allocate_slots", "north-bund")
    assert metric_value(app, "linli_plugin_errors_total", service="hub", plugin=BROKEN, hook="allocate_slots",
                        community="north-bund") == 1
    # the other community is untouched: its own policy plugin (here the queue) still decides there
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    with structlog.testing.capture_logs() as logs:
        decisions = call_hook(app, "fenglin-huiyuan", "allocate_slots",
                              round=RoundInfo(1, "fenglin-huiyuan", 1, 7), seed=7, history={},
                              slots=[SlotInfo(1, world["room"], starts, starts + dt.timedelta(hours=2))],
                              requests=[RequestInfo(1, 10, 1, 1), RequestInfo(2, 11, 1, 1)])
    assert {d.detail["method"] for d in decisions} == {"queue"} and sorted(d.outcome for d in decisions) == ["lost", "won"]
    assert [e for e in logs if e["event"] == "plugin.failed"] == []


def test_failing_shift_templates_keep_the_built_in_waste_sorting_duty(app, client, auth):
    headers = auth("staff", communities=["north-bund", "fenglin-huiyuan"])
    with structlog.testing.capture_logs() as logs:
        north = client.get("/api/volunteers/templates?community_id=north-bund", headers=headers)
        fenglin = client.get("/api/volunteers/templates?community_id=fenglin-huiyuan", headers=headers)
    assert north.status_code == 200 and [t["code"] for t in north.json] == ["waste-sorting"]
    assert [t["slots"][0]["start"] for t in north.json] == ["07:00"]  # the built-in template
    assert {t["code"] for t in fenglin.json} == {"waste-sorting", "meal-delivery"}  # untouched
    assert [(e["plugin"], e["community"]) for e in logs if e["event"] == "plugin.failed"] == \
        [(BROKEN, "north-bund")]
