import datetime as dt

import pytest
import sqlalchemy as sa

from linli.hub.accounts import service as accounts
from linli.hub.bookings.models import Booking
from linli.hub.extensions import db
from linli.hub.rounds import service as rounds
from linli.hub.rounds.models import BookingRound, RoundDecision
from linli.hub.teams import service as teams
from linli.hub.testing import SHANGHAI, local, make_world, next_weekday
from linli.shared.db import utcnow


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def open_round(app, world):
    friday = next_weekday(4)
    with app.app_context():
        round_ = rounds.create_round(None, community_id=world["community"], title="下周五晚", seed=42,
                                     closes_at=utcnow() + dt.timedelta(hours=1),
                                     slots=rounds.weekly_slots([world["room"], world["approval_room"]],
                                                               first_day=friday, weeks=1, start=dt.time(18, 30),
                                                               end=dt.time(20, 30), tz=SHANGHAI))
        return {"id": round_.id, "slots": [s.id for s in round_.slots], "friday": friday}


def headers_for(auth, world, who):
    role = "staff" if who == "staff" else "team_lead"
    return auth(role, communities=[world["community"]], sub=str(world[who]))


def test_round_requests_close_and_explain(app, client, world, open_round, auth):
    lead, other, staff = (headers_for(auth, world, w) for w in ("lead", "other_lead", "staff"))
    url = f"/api/rounds/{open_round['id']}"
    slot_a, slot_b = open_round["slots"]
    assert client.put(f"{url}/requests", json={"team_id": world["team"], "slot_ids": [slot_a, slot_b]},
                      headers=lead).status_code == 200
    assert client.put(f"{url}/requests", json={"team_id": world["other_team"], "slot_ids": [slot_a]},
                      headers=other).status_code == 200
    # a lead cannot request for another team
    assert client.put(f"{url}/requests", json={"team_id": world["other_team"], "slot_ids": [slot_b]},
                      headers=lead).status_code == 403
    # during the round the offered time is held: no first-come booking
    held = client.post("/api/bookings", headers=lead, json={
        "room_id": world["room"], "team_id": world["team"],
        "starts_at": local(open_round["friday"], 18, 30).isoformat(),
        "ends_at": local(open_round["friday"], 20, 30).isoformat()})
    assert held.status_code == 409 and held.json["code"] == "held_for_round"
    assert client.post(f"{url}/close", headers=lead).status_code == 403
    closed = client.post(f"{url}/close", headers=staff)
    assert closed.status_code == 200 and closed.json["status"] == "allocated"
    assert client.post(f"{url}/close", headers=staff).json["code"] == "round_decided"
    mine = client.get(f"{url}/decisions", headers=lead).json
    assert {d["team_id"] for d in mine} == {world["team"]}
    every = client.get(f"{url}/decisions", headers=staff).json
    assert len(every) == 3 and all(d["reason"] for d in every)
    won = [d for d in every if d["outcome"] == "won"]
    assert len(won) == 2 and {d["slot_id"] for d in won} == {slot_a, slot_b}  # quota 1: one slot each
    with app.app_context():
        bookings = db.session.scalars(sa.select(Booking).where(Booking.round_id == open_round["id"])).all()
        assert {(b.team_id, b.status) for b in bookings} == {(world["team"], "confirmed"),
                                                             (world["other_team"], "confirmed")}
    late = client.put(f"{url}/requests", json={"team_id": world["team"], "slot_ids": [slot_a]}, headers=lead)
    assert late.status_code == 409 and late.json["code"] == "round_closed"


def test_leftover_slots_open_first_come_after_close(app, client, world, open_round, auth):
    lead = headers_for(auth, world, "lead")
    slot_a, _ = open_round["slots"]
    client.put(f"/api/rounds/{open_round['id']}/requests", json={"team_id": world["team"], "slot_ids": [slot_a]},
               headers=lead)
    with app.app_context():
        assert rounds.close_due_rounds(now=utcnow() + dt.timedelta(hours=2)) == 1
        assert rounds.close_due_rounds(now=utcnow() + dt.timedelta(hours=2)) == 0  # idempotent
    leftover = client.post("/api/bookings", headers=lead, json={
        "room_id": world["approval_room"], "team_id": world["team"],
        "starts_at": local(open_round["friday"], 18, 30).isoformat(),
        "ends_at": local(open_round["friday"], 20, 30).isoformat()})
    assert leftover.status_code == 201


def test_same_seed_same_allocation_through_the_service(app, world):
    friday = next_weekday(4, weeks_ahead=2)
    outcomes = []
    with app.app_context():
        extra = []
        for n in range(4):
            lead = accounts.create_account(None, username=f"lead.{n}", password="linli-demo", display_name=f"队长{n}",
                                           roles=["team_lead"], communities=[world["community"]])
            extra.append(teams.create_team(None, community_id=world["community"], name_zh=f"团队{n}",
                                           lead_account_id=lead.id).id)
        for attempt in range(2):
            round_ = rounds.create_round(None, community_id=world["community"], title=f"r{attempt}", seed=7,
                                         closes_at=utcnow() + dt.timedelta(minutes=5),
                                         slots=rounds.weekly_slots([world["room"]], first_day=friday + dt.timedelta(
                                             weeks=attempt), weeks=1, start=dt.time(19), end=dt.time(20), tz=SHANGHAI))
            from linli.shared.auth import Identity

            staff = Identity("system", frozenset({"staff"}), frozenset({world["community"]}))
            for team_id in extra:
                rounds.submit_requests(staff, round_.id, team_id=team_id, slot_ids=[round_.slots[0].id])
            rounds.close_round(staff, round_.id, now=utcnow())
            decisions = db.session.scalars(sa.select(RoundDecision).where(RoundDecision.round_id == round_.id)).all()
            outcomes.append([(d.team_id, d.outcome, d.detail["position"]) for d in decisions])
            # forget this round so that the second one sees the same (empty) history
            db.session.get(BookingRound, round_.id).status = "cancelled"
            db.session.commit()
    assert outcomes[0] == outcomes[1]
    assert sorted(o for _t, o, _p in outcomes[0]) == ["lost", "lost", "lost", "won"]


@pytest.mark.parametrize(("change", "code"), [
    ({"slots": []}, "validation_error"),
    ({"slot_end": (18, 0)}, "validation_error"),  # end before start
    ({"slot_start": (21, 0), "slot_end": (22, 0)}, "outside_opening_hours"),
    ({"room": "elsewhere"}, "room_other_community"),
    ({"closes_late": True}, "closes_too_late"),
])
def test_bad_round_changes_nothing(app, client, world, auth, change, code):
    friday = next_weekday(4)
    start, end = change.get("slot_start", (18, 30)), change.get("slot_end", (20, 30))
    room = world["elsewhere"] if change.get("room") else world["room"]
    closes = local(friday, 19) if change.get("closes_late") else local(friday - dt.timedelta(days=2), 12)
    data = {"community_id": world["community"], "title": "x", "closes_at": closes.isoformat(),
            "slots": change.get("slots", [{"room_id": room, "starts_at": local(friday, *start).isoformat(),
                                           "ends_at": local(friday, *end).isoformat()}])}
    response = client.post("/api/rounds", json=data, headers=headers_for(auth, world, "staff"))
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json" and response.json["code"] == code
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BookingRound)) == 0


def test_tick_command_decides_due_rounds(app, world, open_round, monkeypatch):
    with app.app_context():
        round_ = db.session.get(BookingRound, open_round["id"])
        round_.closes_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["linli", "tick"])
    assert result.exit_code == 0, result.output
    assert '"rounds_closed": 1' in result.output
    with app.app_context():
        assert db.session.get(BookingRound, open_round["id"]).status == "allocated"


def test_the_weekly_quota_counts_slots_won_in_earlier_rounds_of_that_week(app, world):
    """Quota 1: the hulusi band won Tuesday in one round, so Friday of the same week goes to the opera
    class even though the band asked first; the next week the band may win again."""
    from linli.shared.auth import Identity

    tuesday = next_weekday(1)
    friday = tuesday + dt.timedelta(days=3)

    def decide(day, weeks=1):
        with app.app_context():
            round_ = rounds.create_round(None, community_id=world["community"], title=str(day), seed=1,
                                         weekly_quota=1, closes_at=utcnow() + dt.timedelta(hours=1),
                                         slots=rounds.weekly_slots([world["room"]], first_day=day, weeks=weeks,
                                                                   start=dt.time(9), end=dt.time(11), tz=SHANGHAI))
            for lead, team in (("lead", "team"), ("other_lead", "other_team")):
                if day == tuesday and team == "other_team":
                    continue  # Tuesday: only the band asks, uncontested
                actor = Identity(str(world[lead]), frozenset({"team_lead"}), frozenset({world["community"]}))
                rounds.submit_requests(actor, round_.id, team_id=world[team], slot_ids=[s.id for s in round_.slots])
            rounds.close_round(None, round_.id)
            return {(d.team_id, d.outcome, d.slot_id) for d in db.session.scalars(
                sa.select(RoundDecision).where(RoundDecision.round_id == round_.id))}, [s.id for s in round_.slots]

    tuesday_decisions, _ = decide(tuesday)
    assert {(team, outcome) for team, outcome, _slot in tuesday_decisions} == {(world["team"], "won")}
    friday_decisions, (this_week, next_week) = decide(friday, weeks=2)
    assert (world["team"], "quota", this_week) in friday_decisions  # the band's Tuesday counts
    assert (world["other_team"], "won", this_week) in friday_decisions
    assert any(team == world["team"] and outcome == "won" and slot == next_week
               for team, outcome, slot in friday_decisions)  # a new week, a new quota
