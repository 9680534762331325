"""Diner profiles, the elderly meal subsidy tiers, and eligibility events from the hub."""

import datetime as dt
import json

import pytest

from linli.canteen.diners.models import DinerProfile
from linli.canteen.extensions import db
from linli.canteen.payments.models import Payment
from linli.shared.events.signing import sign
from linli.shared.testing.plugin import EVENT_SECRET

NB, FH = "north-bund", "fenglin-huiyuan"


def born_years_ago(years):
    today = dt.date.today()
    return (today.replace(year=today.year - years) - dt.timedelta(days=1)).isoformat()


def put_profile(client, auth, diner, community=NB, **fields):
    body = {"community_id": community, "groups": [], "subsidy_eligible": True, **fields}
    return client.put(f"/api/diners/{diner}", json=body, headers=auth("staff", communities=[community]))


def profiles(app):
    with app.app_context():
        return sorted((p.community_id, p.diner_id, p.subsidy_eligible, tuple(p.groups))
                      for p in db.session.query(DinerProfile))


def test_staff_set_a_profile_and_the_diner_reads_it(app, client, auth):
    response = put_profile(client, auth, "grandma-wang", birth_date=born_years_ago(81), groups=["elderly_alone"],
                           display_name="王阿婆")
    assert response.status_code == 200, response.json
    assert response.json["groups"] == ["elderly_alone"] and response.json["source"] == "staff"
    mine = client.get("/api/diners/grandma-wang?community_id=north-bund", headers=auth("diner", sub="grandma-wang"))
    assert mine.status_code == 200 and mine.json["display_name"] == "王阿婆"
    other = client.get("/api/diners/grandma-wang?community_id=north-bund", headers=auth("diner", sub="nosy"))
    assert other.status_code == 403
    quote = client.get("/api/diners/grandma-wang/subsidy?community_id=north-bund",
                       headers=auth("diner", sub="grandma-wang")).json
    assert quote == {"offered": True, "eligible": True, "per_meal_fen": 800, "meals_left_today": 1,
                     "available_fen": 800}


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        ({"groups": ["vip"]}, None, 422, "validation_error"),
        ({"birth_date": "2999-01-01"}, None, 422, "validation_error"),
        ({"subsidy_eligible": "maybe"}, None, 422, "validation_error"),
        ({"community_id": FH}, None, 403, "wrong_community"),
        ({"community_id": "atlantis"}, {"roles": ("admin",), "communities": ["*"]}, 404, "unknown_community"),
        ({}, {"roles": ("diner",)}, 403, "missing_role"),
    ],
)
def test_bad_profiles_are_refused_and_change_nothing(app, client, auth, body, headers, status, code):
    options = dict(headers or {})  # a copy: the parameters are shared by both engines' runs
    roles = options.pop("roles", ("staff",))
    response = client.put("/api/diners/grandpa-li", headers=auth(*roles, **options),
                          json={"community_id": NB, "groups": [], "subsidy_eligible": True, **body})
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json" and response.json["code"] == code
    assert profiles(app) == []


@pytest.mark.parametrize(
    ("community", "age", "groups", "eligible", "expected"),
    [
        (NB, 59, [], True, 0),
        (NB, 60, [], True, 300),
        (NB, 75, [], True, 500),
        (NB, 85, [], True, 800),
        (NB, 65, ["elderly_alone"], True, 800),
        (NB, 40, ["disabled"], True, 500),
        (NB, 85, ["elderly_alone"], False, 0),
        (FH, 85, [], True, 600),
        (FH, 75, [], True, 200),
    ],
)
def test_subsidy_tiers_by_age_and_group(app, client, auth, payable_order, community, age, groups, eligible, expected):
    assert put_profile(client, auth, "elder", community=community, birth_date=born_years_ago(age), groups=groups,
                       subsidy_eligible=eligible).status_code == 200
    order_id = payable_order(1500, community_id=community, diner_id="elder")
    diner = auth("diner", sub="elder", communities=[community])
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "subsidy"}, headers=diner)
    if expected:
        assert response.status_code == 201, response.json
        assert response.json["amount_fen"] == expected and response.json["state"] == "succeeded"
    else:
        assert response.status_code == 422 and response.json["code"] == "not_eligible"
        with app.app_context():
            assert db.session.query(Payment).count() == 0


def test_one_subsidised_meal_a_day_and_never_more_than_the_order(app, client, auth, payable_order):
    put_profile(client, auth, "elder", birth_date=born_years_ago(85))
    diner = auth("diner", sub="elder")
    small = payable_order(200, diner_id="elder")
    first = client.post(f"/api/orders/{small}/payments", json={"provider": "subsidy"}, headers=diner)
    assert first.status_code == 201 and first.json["amount_fen"] == 200  # the tier is 800; the order only 200
    second_order = payable_order(1500, diner_id="elder")
    again = client.post(f"/api/orders/{second_order}/payments", json={"provider": "subsidy"}, headers=diner)
    assert again.status_code == 409 and again.json["code"] == "subsidy_used_up"
    too_much = client.post(f"/api/orders/{second_order}/payments", json={"provider": "subsidy", "amount_fen": 900},
                           headers=diner)
    assert too_much.status_code in (409, 422)
    # a subsidy refunded in full gives the day's meal back
    refund = client.post(f"/api/payments/{first.json['id']}/refunds", json={}, headers=auth("staff"))
    assert refund.status_code == 201
    over_tier = client.post(f"/api/orders/{second_order}/payments", json={"provider": "subsidy", "amount_fen": 900},
                            headers=diner)
    assert over_tier.status_code == 422 and over_tier.json["code"] == "over_provider_limit"
    later = client.post(f"/api/orders/{second_order}/payments", json={"provider": "subsidy"}, headers=diner)
    assert later.status_code == 201 and later.json["amount_fen"] == 800


def post_event(client, event_id, payload, community_id=NB):
    body = json.dumps({"id": event_id, "type": "hub.resident.subsidy_eligibility", "community_id": community_id,
                       "payload": payload}).encode()
    return client.post("/events", data=body, content_type="application/json",
                       headers={"Linli-Signature": sign(body, EVENT_SECRET), "Linli-Source": "hub"})


def test_hub_eligibility_events_set_the_profile_once(app, client, auth, payable_order):
    payload = {"account_id": "grandpa-li", "community_id": NB, "birth_date": born_years_ago(72),
               "groups": ["elderly_alone", "unknown-group"], "eligible": True}
    assert post_event(client, "evt-1", payload).json["status"] == "accepted"
    assert post_event(client, "evt-1", payload).json["status"] == "duplicate"
    assert profiles(app) == [(NB, "grandpa-li", True, ("elderly_alone",))]
    order_id = payable_order(1500, diner_id="grandpa-li")
    diner = auth("diner", sub="grandpa-li")
    quote = client.get("/api/diners/grandpa-li/subsidy?community_id=north-bund", headers=diner).json
    assert quote["per_meal_fen"] == 800
    # the hub withdraws eligibility: no subsidy any more
    assert post_event(client, "evt-2", {**payload, "eligible": False}).json["status"] == "accepted"
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "subsidy"}, headers=diner)
    assert response.status_code == 422 and response.json["code"] == "not_eligible"
    # a forged event changes nothing
    body = json.dumps({"id": "evt-3", "type": "hub.resident.subsidy_eligibility", "community_id": NB,
                       "payload": {**payload, "eligible": True}}).encode()
    forged = client.post("/events", data=body, content_type="application/json",
                         headers={"Linli-Signature": sign(body, "guessed")})
    assert forged.status_code == 400
    assert profiles(app) == [(NB, "grandpa-li", False, ("elderly_alone",))]
    # a malformed date is ignored, not retried forever; the rest of the event still applies
    assert post_event(client, "evt-4", {**payload, "birth_date": "31/02/1950"}).json["status"] == "accepted"
    assert profiles(app) == [(NB, "grandpa-li", True, ("elderly_alone",))]


def test_meal_card_reads_and_top_ups_are_guarded(app, client, auth):
    staff = auth("staff", sub="counter-1")
    too_long = "x" * 121
    for response in (client.post(f"/api/meal-cards/{too_long}/top-ups", json={"community_id": NB, "amount_fen": 100},
                                 headers=staff),
                     client.put(f"/api/diners/{too_long}", json={"community_id": NB}, headers=staff)):
        assert response.status_code == 422 and response.json["code"] == "bad_diner_id"
    assert profiles(app) == []
    for body, status in (({"amount_fen": 0}, 422), ({"amount_fen": -100}, 422), ({"amount_fen": 10**9}, 422)):
        response = client.post("/api/meal-cards/grandma-wang/top-ups", json={"community_id": NB, **body}, headers=staff)
        assert response.status_code == status and response.mimetype == "application/problem+json"
    diner_top_up = client.post("/api/meal-cards/grandma-wang/top-ups", json={"community_id": NB, "amount_fen": 100},
                               headers=auth("diner", sub="grandma-wang"))
    assert diner_top_up.status_code == 403
    missing = client.get("/api/meal-cards/grandma-wang?community_id=north-bund", headers=staff)
    assert missing.status_code == 404 and missing.json["code"] == "no_meal_card"
    assert client.post("/api/meal-cards/grandma-wang/top-ups", json={"community_id": NB, "amount_fen": 3000},
                       headers=staff).status_code == 201
    other = client.get("/api/meal-cards/grandma-wang?community_id=north-bund", headers=auth("diner", sub="nosy"))
    assert other.status_code == 403 and other.json["code"] == "not_your_card"
    elsewhere = client.get("/api/meal-cards/grandma-wang?community_id=north-bund",
                           headers=auth("staff", communities=[FH]))
    assert elsewhere.status_code == 403
    ledger = client.get("/api/meal-cards/grandma-wang/ledger?community_id=north-bund", headers=staff).json
    assert ledger["card"]["balance_fen"] == 3000 == ledger["ledger_sum_fen"]
    assert [(e["kind"], e["amount_fen"], e["created_by"]) for e in ledger["entries"]] == [("top_up", 3000, "counter-1")]


def test_demo_diners_are_seeded_once(app, client, auth):
    from linli.canteen.diners.demo import seed_demo

    seed_demo(app)
    seed_demo(app)
    assert [p[1] for p in profiles(app)] == ["demo-hy-elder-sun", "demo-hy-office-li", "demo-nb-elder-wu",
                                             "demo-nb-office-chen"]
    staff = auth("staff", communities=[NB, FH])
    card = client.get("/api/meal-cards/demo-nb-elder-wu?community_id=north-bund", headers=staff).json
    assert card["balance_fen"] == 10_000
    quote = client.get("/api/diners/demo-nb-elder-wu/subsidy?community_id=north-bund", headers=staff).json
    assert quote["eligible"] and quote["per_meal_fen"] == 800
    quote = client.get("/api/diners/demo-hy-elder-sun/subsidy?community_id=fenglin-huiyuan", headers=staff).json
    assert quote["eligible"] and quote["per_meal_fen"] == 200
