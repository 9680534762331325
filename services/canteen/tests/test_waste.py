"""The waste log (weigh, correct with an audit trail, undo within a minute), waste per cover from the
real covers of the orders, targets and the assessment score, exports, and what bad input gets."""

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from linli.canteen.waste.models import WasteEntry
from linli.canteen.waste.testing import past_service
from linli.shared.localtime import local_today


def entry_count(app):
    from linli.canteen.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(WasteEntry.id)))


@pytest.fixture
def yesterday():
    return local_today() - dt.timedelta(days=1)


@pytest.fixture
def lunch(app, yesterday):
    """Yesterday's lunch: 40 served orders, and 3 cancelled, 2 unpaid, 1 refunded that are not covers."""
    with app.app_context():
        return past_service("north-bund", yesterday, collected=40,
                            other_states={"cancelled": 3, "pending_payment": 2, "refunded": 1}).id


def weigh(client, headers, day, kind, grams, **extra):
    return client.post("/api/waste/entries", headers=headers, json={
        "community_id": "north-bund", "service_date": str(day), "meal_kind": "lunch", "kind": kind, "grams": grams,
        **extra})


def test_waste_per_cover_is_grams_over_the_real_covers(app, client, auth, lunch, yesterday):
    staff = auth("staff", sub="weigher-1")
    for kind, grams in (("plate", 1250), ("plate", 950), ("preparation", 1400), ("unserved", 600)):
        assert weigh(client, staff, yesterday, kind, grams).status_code == 201

    report = client.get(f"/api/waste/kpi?community_id=north-bund&date_from={yesterday}&date_to={yesterday}&by=day",
                        headers=staff)
    assert report.status_code == 200, report.json
    row = report.json["rows"][0]
    # by hand: 40 collected orders are the covers; plate 1250 + 950 = 2200 g → 55.0 g per cover
    assert row["covers"] == 40 and row["weighed_services"] == 1
    assert row["grams"] == {"preparation": 1400, "unserved": 600, "plate": 2200, "total": 4200}
    assert row["per_cover"] == {"preparation": 35.0, "unserved": 15.0, "plate": 2200 / 40, "total": 4200 / 40}
    assert report.json["targets"] == {"plate": 50.0, "total": 120.0}
    assert row["over_target"]["plate"] == 5.0 and row["over_target"]["total"] == -15.0
    # North Bund's plugin scores it: 100 − 2 × (55 − 50) = 90, passed (80)
    assert row["assessment"] == {"score": 90.0, "passed": True, "method": "north_bund",
                                 "notes": ["plate 55 g > 50 g: −10"]}


def test_a_correction_keeps_both_values_and_the_report_uses_the_new_one(app, client, auth, lunch, yesterday):
    staff = auth("staff", sub="weigher-1")
    first = weigh(client, staff, yesterday, "plate", 2400).json
    fixed = client.post(f"/api/waste/entries/{first['id']}/corrections", headers=auth("manager", sub="boss"),
                        json={"grams": 2000, "reason": "bin lid weighed with it"})
    assert fixed.status_code == 201 and fixed.json["corrects_id"] == first["id"]
    log = client.get(f"/api/waste/entries?community_id=north-bund&date_from={yesterday}&date_to={yesterday}",
                     headers=staff).json
    assert [(e["id"], e["grams"], e["state"]) for e in log] == [(first["id"], 2400, "corrected"),
                                                                 (fixed.json["id"], 2000, "current")]
    assert log[1]["correction_reason"] == "bin lid weighed with it" and log[1]["weighed_by"] == "boss"
    again = client.post(f"/api/waste/entries/{first['id']}/corrections", headers=staff,
                        json={"grams": 1900, "reason": "twice"})
    assert again.status_code == 409 and again.json["code"] == "entry_not_current"
    kpi = client.get(f"/api/waste/kpi?community_id=north-bund&date_from={yesterday}&date_to={yesterday}",
                     headers=staff).json
    assert kpi["totals"]["grams"]["plate"] == 2000 and kpi["totals"]["per_cover"]["plate"] == 50.0

    sheet = client.get(f"/api/waste/entries?community_id=north-bund&date_from={yesterday}&date_to={yesterday}"
                       "&format=csv", headers=staff)
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["grams"], r["state"]) for r in rows] == [("2400", "corrected"), ("2000", "current")]
    excel = client.get(f"/api/waste/kpi?community_id=north-bund&date_from={yesterday}&date_to={yesterday}"
                       "&format=xlsx", headers=staff)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(excel.data))
    header, *values = list(book.active.values)
    assert excel.mimetype.endswith("spreadsheetml.sheet")
    assert dict(zip(header, values[-1], strict=True))["per_cover_plate"] == 50.0


def test_undo_within_a_minute_by_who_weighed_only(app, client, auth, lunch, yesterday):
    from linli.canteen.extensions import db

    assert weigh(client, {}, yesterday, "plate", 3000).status_code == 401
    assert weigh(client, auth("diner"), yesterday, "plate", 3000).status_code == 403
    mine = weigh(client, auth("staff", sub="weigher-1"), yesterday, "plate", 3000).json
    other = client.post(f"/api/waste/entries/{mine['id']}/undo", headers=auth("staff", sub="weigher-2"))
    assert other.status_code == 403 and other.json["code"] == "not_your_entry"
    undone = client.post(f"/api/waste/entries/{mine['id']}/undo", headers=auth("staff", sub="weigher-1"))
    assert undone.status_code == 200 and undone.json["state"] == "undone"
    late = weigh(client, auth("staff", sub="weigher-1"), yesterday, "plate", 3100).json
    with app.app_context():
        entry = db.session.get(WasteEntry, late["id"])
        entry.created_at -= dt.timedelta(seconds=61)
        db.session.commit()
    expired = client.post(f"/api/waste/entries/{late['id']}/undo", headers=auth("staff", sub="weigher-1"))
    assert expired.status_code == 409 and expired.json["code"] == "undo_expired"
    kpi = client.get(f"/api/waste/kpi?community_id=north-bund&date_from={yesterday}&date_to={yesterday}",
                     headers=auth("staff")).json
    assert kpi["totals"]["grams"]["plate"] == 3100


BAD_WEIGHINGS = [
    ({"grams": -200}, 422, "validation_error"),
    ({"grams": 0}, 422, "validation_error"),
    ({"grams": 500_001}, 422, "validation_error"),  # more than 500 kg
    ({"grams": "1200"}, 422, "validation_error"),
    ({"kind": "compost"}, 422, "validation_error"),
    ({"days": -1}, 422, "future_date"),
    ({"meal_kind": "dinner"}, 422, "no_meal_service"),  # no dinner ran yesterday
    ({"days": 5}, 422, "no_meal_service"),
    ({"dish_id": 999_999}, 422, "unknown_dish"),
    ({"weighed_at": "2099-01-01T12:00:00+08:00"}, 422, "future_time"),
    ({"community_id": "fenglin-huiyuan"}, 403, "wrong_community"),
    ({"community_id": "atlantis"}, 404, "unknown_community"),
]


def test_bad_weighings_are_refused_and_nothing_is_stored(app, client, auth, lunch, yesterday):
    for change, status, code in BAD_WEIGHINGS:
        body = {"community_id": "north-bund", "service_date": str(yesterday), "meal_kind": "lunch",
                "kind": "plate", "grams": 1200}
        change = dict(change)
        if "days" in change:
            body["service_date"] = str(local_today() - dt.timedelta(days=change.pop("days")))
        body.update(change)
        response = client.post("/api/waste/entries", headers=auth("staff"), json=body)
        assert response.status_code == status, (change, response.json)
        assert response.mimetype == "application/problem+json" and response.json["code"] == code, change
        assert entry_count(app) == 0


def test_unweighed_services_are_not_zero_waste_and_fenglin_scores_with_the_builtin(app, client, auth, yesterday):
    with app.app_context():
        past_service("fenglin-huiyuan", yesterday, "lunch", collected=20)
        past_service("fenglin-huiyuan", yesterday, "breakfast", collected=10)  # ran, nobody weighed it
    staff = auth("staff", communities=["fenglin-huiyuan"])
    assert client.post("/api/waste/entries", headers=staff, json={
        "community_id": "fenglin-huiyuan", "service_date": str(yesterday), "meal_kind": "lunch", "kind": "plate",
        "grams": 1800}).status_code == 201
    kpi = client.get(f"/api/waste/kpi?community_id=fenglin-huiyuan&date_from={yesterday}&date_to={yesterday}",
                     headers=staff).json
    total = kpi["totals"]
    assert (total["meal_services"], total["weighed_services"], total["covers"]) == (2, 1, 20)
    assert total["per_cover"]["plate"] == 90.0 and kpi["targets"] == {"plate": 45.0, "total": 110.0}
    # built-in: plate 100 × 45/90 = 50, total 100 (90 ≤ 110) → 75; not passed (plate over target)
    assert total["assessment"] == {"score": 75.0, "passed": False, "method": "builtin",
                                   "notes": ["1 meal services not weighed"]}


def test_weekly_rows_compare_with_the_week_before(app, client, auth):
    today = local_today()
    this_monday = today - dt.timedelta(days=today.weekday())
    last_week, week_before = this_monday - dt.timedelta(days=7), this_monday - dt.timedelta(days=14)
    staff = auth("staff")
    with app.app_context():
        past_service("north-bund", week_before + dt.timedelta(days=2), collected=10)
        past_service("north-bund", last_week + dt.timedelta(days=2), collected=20)
    weigh(client, staff, week_before + dt.timedelta(days=2), "plate", 600)
    weigh(client, staff, last_week + dt.timedelta(days=2), "plate", 800)
    kpi = client.get(f"/api/waste/kpi?community_id=north-bund&date_from={last_week}"
                     f"&date_to={last_week + dt.timedelta(days=6)}&by=week", headers=staff).json
    (row,) = kpi["rows"]
    assert row["period_start"] == str(last_week) and row["per_cover"]["plate"] == 40.0
    assert row["change"]["plate"] == -20.0  # 60 g per cover the week before


def test_demo_week_has_waste_for_both_communities(app, client, auth):
    from linli.canteen.app import SPEC
    from linli.canteen.extensions import db
    from linli.canteen.menu.models import MealService
    from linli.canteen.orders.models import Order
    from linli.canteen.orders.states import SOLD_STATES

    SPEC.seed_demo(app)
    SPEC.seed_demo(app)  # safe twice
    today = local_today()
    week = (today - dt.timedelta(days=7), today - dt.timedelta(days=1))
    for community, services in (("north-bund", 21), ("fenglin-huiyuan", 14)):
        staff = auth("staff", communities=[community])
        kpi = client.get(f"/api/waste/kpi?community_id={community}&date_from={week[0]}&date_to={week[1]}&by=day",
                         headers=staff).json
        assert len(kpi["rows"]) == 7 and kpi["totals"]["weighed_services"] == services
        day = kpi["rows"][-1]
        with app.app_context():  # by hand: the day's grams over its served orders
            grams = db.session.scalar(sa.select(sa.func.sum(WasteEntry.grams)).where(
                WasteEntry.community_id == community, WasteEntry.service_date == week[1],
                WasteEntry.state == "current"))
            covers = db.session.scalar(sa.select(sa.func.count(Order.id)).join(MealService).where(
                MealService.community_id == community, MealService.service_date == week[1],
                Order.state.in_(SOLD_STATES)))
        assert day["covers"] == covers and day["per_cover"]["total"] == round(grams / covers, 1)
        log = client.get(f"/api/waste/entries?community_id={community}&date_from={week[1]}&date_to={week[1]}",
                         headers=staff).json
        corrected = [e for e in log if e["state"] == "corrected"]
        assert len(corrected) == 1 and any(e["corrects_id"] == corrected[0]["id"] for e in log)
