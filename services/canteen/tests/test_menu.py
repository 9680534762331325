"""Menu: dishes with half portions, set meals, retail goods, meal services; the menu of the day with the
solar term and featured dishes first; ETag/304; demo data idempotent; every endpoint in /openapi.json."""

import datetime as dt
import re

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import Dish, MealService, RetailItem, SetMeal
from linli.canteen.menu.solar import solar_term
from linli.canteen.orders.testing import FUTURE_DAY, make_menu
from linli.canteen.stock.models import DishStock, SetMealStock

DAY = dt.date(2026, 11, 23)


def test_solar_terms_come_from_the_calendar_library():
    assert solar_term(DAY)["name_zh"] == "小雪" and solar_term(DAY)["name_en"] == "Minor Snow"
    assert solar_term(dt.date(2026, 11, 21))["name_zh"] == "立冬"
    assert solar_term(dt.date(2026, 12, 22))["name_zh"] == "冬至"
    assert solar_term(dt.date(2026, 2, 3))["name_zh"] == "大寒"
    assert solar_term(dt.date(2026, 2, 4))["tag"] == "solar:立春"


def test_staff_build_a_menu_through_the_api_and_the_day_features_solar_dishes(app, client, auth):
    staff = auth("manager")
    base = "/api/communities/north-bund"
    dish = lambda **kw: client.post(f"{base}/dishes", headers=staff, json=kw)  # noqa: E731
    pork = dish(code="pork", name_zh="红烧肉", name_en="Braised pork", category="meat", full_price_fen=1600,
                half_price_fen=900, allergens=["soy"])
    assert pork.status_code == 201 and pork.json["has_half"] is True
    radish = dish(code="radish", name_zh="萝卜炖牛腩", name_en="Beef with radish", category="meat",
                  full_price_fen=2000, half_price_fen=1100, tags=["health", "solar:小雪"])
    rice = dish(code="rice", name_zh="米饭", name_en="Rice", category="staple", full_price_fen=100)
    assert rice.json["has_half"] is False
    greens = dish(code="greens", name_zh="青菜", name_en="Greens", category="vegetable", full_price_fen=600,
                  half_price_fen=350)
    set_meal = client.post(f"{base}/set-meals", headers=staff, json={
        "code": "liangxin", "name_zh": "粮心套餐", "name_en": "Grain-heart set meal", "price_fen": 1500,
        "groups": [{"name_zh": "荤", "name_en": "Meat", "options": [{"dish_id": pork.json["id"], "portion": "half"},
                                                                    {"dish_id": radish.json["id"], "portion": "half"}]},
                   {"name_zh": "素", "name_en": "Veg", "options": [{"dish_id": greens.json["id"], "portion": "half"}]},
                   {"name_zh": "饭", "name_en": "Rice", "options": [{"dish_id": rice.json["id"]}]}]})
    assert set_meal.status_code == 201, set_meal.json
    assert [g["fixed"] for g in set_meal.json["groups"]] == [False, True, True]
    beans = client.post(f"{base}/retail-items", headers=staff, json={
        "code": "beans", "name_zh": "五香豆", "name_en": "Five-spice beans", "brand": "城隍庙", "price_fen": 1500,
        "stock_remaining": 10})
    assert beans.status_code == 201
    assert client.post(f"/api/retail-items/{beans.json['id']}/restock", headers=staff,
                       json={"delta": 5}).json["stock_remaining"] == 15
    lunch = client.post(f"{base}/meal-services", headers=staff, json={
        "service_date": str(DAY), "kind": "lunch", "starts_at": "2026-11-23T11:00:00+08:00",
        "ends_at": "2026-11-23T13:00:00+08:00", "order_cutoff_at": "2026-11-23T12:45:00+08:00"})
    assert lunch.status_code == 201, lunch.json
    ms = lunch.json["id"]
    for d in (pork, rice, greens, radish):
        offered = client.put(f"/api/meal-services/{ms}/dishes/{d.json['id']}", headers=staff,
                             json={"planned_portions": 30})
        assert offered.status_code == 200 and offered.json["remaining_units"] == 60
    assert client.put(f"/api/meal-services/{ms}/set-meals/{set_meal.json['id']}", headers=staff,
                      json={"daily_limit": 50}).json["remaining"] == 50
    stock = client.get(f"/api/meal-services/{ms}/stock", headers=staff).json
    assert len(stock["dishes"]) == 4 and stock["set_meals"][0]["daily_limit"] == 50
    moved = client.patch(f"/api/meal-services/{ms}", headers=staff,
                         json={"order_cutoff_at": "2026-11-23T12:30:00+08:00", "takeaway": False})
    assert moved.status_code == 200 and moved.json["takeaway"] is False
    assert dt.datetime.fromisoformat(moved.json["order_cutoff_at"]) == dt.datetime(2026, 11, 23, 4, 30, tzinfo=dt.UTC)
    bad = client.patch(f"/api/meal-services/{ms}", headers=staff, json={"dine_in": False})
    assert bad.status_code == 422 and bad.json["code"] == "invalid_modes"

    menu = client.get(f"{base}/menu?date={DAY}")
    assert menu.status_code == 200
    assert menu.json["annotations"]["solar_term"]["name_zh"] == "小雪"
    assert menu.json["annotations"]["featured_tags"] == ["solar:小雪"]
    service = menu.json["services"][0]
    assert [d["code"] for d in service["dishes"]] == ["radish", "pork", "rice", "greens"]  # featured first
    assert service["dishes"][0]["featured"] is True
    by_code = {d["code"]: d for d in service["dishes"]}
    assert by_code["pork"]["half"] == {"price_fen": 900, "available": 60}
    assert by_code["pork"]["full"] == {"price_fen": 1600, "available": 30}
    assert by_code["rice"]["half"] is None
    assert service["set_meals"][0]["remaining"] == 50 and service["set_meals"][0]["price_fen"] == 1500
    assert menu.json["retail"][0]["stock_remaining"] == 15


def test_bad_menu_input_is_refused(app, client, auth):
    staff = auth("manager")
    base = "/api/communities/north-bund"
    dearer_half = client.post(f"{base}/dishes", headers=staff, json={
        "code": "x", "name_zh": "x", "name_en": "x", "full_price_fen": 500, "half_price_fen": 600})
    assert dearer_half.status_code == 422 and dearer_half.mimetype == "application/problem+json"
    negative = client.post(f"{base}/dishes", headers=staff, json={
        "code": "y", "name_zh": "y", "name_en": "y", "full_price_fen": -1})
    assert negative.status_code == 422
    other = client.post(f"{base}/dishes", headers=auth("manager", communities=["fenglin-huiyuan"]), json={
        "code": "z", "name_zh": "z", "name_en": "z", "full_price_fen": 500})
    assert other.status_code == 403 and other.json["code"] == "wrong_community"
    assert client.post(f"{base}/dishes", json={"code": "z", "name_zh": "z", "name_en": "z",
                                               "full_price_fen": 500}).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Dish)) == 0


def test_menu_of_the_day_etag_gives_304_until_stock_changes(app, client):
    with app.app_context():
        ids = make_menu()
    url = f"/api/communities/north-bund/menu?date={FUTURE_DAY}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    assert first.json["annotations"]["solar_term"]["name_zh"] == solar_term(FUTURE_DAY)["name_zh"]
    assert first.json["services"][0]["dishes"][0]["code"] == "tofu"  # tagged with that day's term
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and again.data == b""
    assert client.get(url).data == first.data

    placed = client.post("/api/orders", json={"community_id": "north-bund", "meal_service_id":
                                                      ids["meal_service"], "lines": [{"kind": "dish",
                                                                                      "dish_id": ids["pork"]}]})
    assert placed.status_code == 201
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    pork = next(d for d in changed.json["services"][0]["dishes"] if d["id"] == ids["pork"])
    assert pork["remaining_units"] == 38
    other_day = client.get(f"/api/communities/north-bund/menu?date={FUTURE_DAY + dt.timedelta(days=1)}")
    assert other_day.status_code == 200 and other_day.json["services"] == []
    assert client.get("/api/communities/nowhere/menu").status_code == 404


def test_demo_data_is_idempotent_for_both_communities(app, client):
    spec = app.extensions["linli_spec"]

    def counts():
        with app.app_context():
            return [db.session.scalar(sa.select(sa.func.count()).select_from(m))
                    for m in (Dish, SetMeal, RetailItem, MealService, DishStock, SetMealStock)]

    spec.seed_demo(app)
    first = counts()
    spec.seed_demo(app)
    assert counts() == first and all(first)
    for community in ("north-bund", "fenglin-huiyuan"):
        menu = client.get(f"/api/communities/{community}/menu").json
        kinds = [s["kind"] for s in menu["services"]]
        assert {"breakfast", "lunch", "raw_takeaway"} <= set(kinds)
        lunch = next(s for s in menu["services"] if s["kind"] == "lunch")
        assert lunch["set_meals"][0]["name_zh"] == "粮心套餐"
        assert any(d["half"] for d in lunch["dishes"])
        assert {r["name_zh"] for r in menu["retail"]} == {"五香豆", "梨膏糖", "牛轧糖"}


def test_every_ordering_endpoint_is_documented(app, client):
    spec = client.get("/openapi.json").json
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    prefixes = ("/api/",)
    routes = {(re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", str(rule)), method.lower())
              for rule in app.url_map.iter_rules() if str(rule).startswith(prefixes)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes <= documented, routes - documented
