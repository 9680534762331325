"""North Bund's canteen plugin: the grain-heart lunch offer on the server's total, the food-safety
guidance notice before holidays (every year), and neither in Fenglin Huiyuan."""

import datetime as dt

import pytest
from linli_north_bund_canteen import HOLIDAYS, menu_annotations, next_holiday

from linli.canteen.orders.testing import FUTURE_DAY, make_menu
from linli.shared.state import service_state
from linli.shared.testing.plugins import call_hook, plugin_answer

COMMUNITY = "north-bund"
SETTINGS = {"north_bund_canteen": {
    "grain_heart": {"set_meal_code": "liangxin", "discount_fen": 200, "meal_kinds": ["lunch"]},
    "food_safety": {"holidays": ["spring_festival", "dragon_boat", "mid_autumn"], "days_before": 7,
                    "office_zh": "北外滩市场监督管理所", "office_en": "North Bund Market Supervision Office"}}}
# published dates (国务院办公厅 holiday notices / almanac), independent of sxtwl
KNOWN = {"spring_festival": ["2026-02-17", "2027-02-06", "2028-01-26"],
         "dragon_boat": ["2026-06-19", "2027-06-09", "2028-05-28"],
         "mid_autumn": ["2026-09-25", "2027-09-15", "2028-10-03"]}


def test_the_guidance_notice_comes_in_the_seven_days_before_each_holiday_of_every_year(community_app):
    app = community_app("canteen", COMMUNITY, plugins=["north_bund_canteen"], settings=SETTINGS)
    community = service_state(app).communities[COMMUNITY]  # with the settings above
    holidays = {dt.date.fromisoformat(d): code for code, days in KNOWN.items() for d in days}
    day = dt.date(2026, 1, 1)
    while day < dt.date(2028, 10, 1):
        answer = menu_annotations(community=community, date=day)
        due = [(h, c) for h, c in holidays.items() if 0 < (h - day).days <= 7]
        if due:
            notice = answer["food_safety_guidance"]
            assert (dt.date.fromisoformat(notice["holiday_date"]), notice["holiday"]) == due[0], day
            assert notice["notice_zh"].startswith(HOLIDAYS[due[0][1]][0] + "前食品安全指导：北外滩市场监督管理所")
        else:
            assert answer is None, day
        day += dt.timedelta(days=1)
    assert next_holiday(["spring_festival"], dt.date(2026, 12, 31)) == ("spring_festival", dt.date(2027, 2, 6))
    # through the service's hook machinery, the same answer
    assert plugin_answer(app, "north_bund_canteen", "menu_annotations", COMMUNITY, date=dt.date(2027, 2, 1)) == \
        menu_annotations(community=community, date=dt.date(2027, 2, 1))


@pytest.fixture
def app(community_app):
    return community_app("canteen", COMMUNITY, plugins=["north_bund_canteen"], settings=SETTINGS)


def order(client, ids, *lines):
    return client.post("/api/orders", json={"community_id": ids["community_id"],
                                            "meal_service_id": ids["meal_service"], "lines": list(lines)})


def test_the_grain_heart_set_meal_costs_less_at_lunch_on_the_server(app):
    client = app.test_client()
    with app.app_context():
        north, fenglin = make_menu(COMMUNITY), make_menu("fenglin-huiyuan")
    set_meal = {"kind": "set_meal", "set_meal_id": north["set_meal"], "quantity": 2,
                "choices": [north["pork"], north["greens"], north["egg"]]}
    placed = order(client, north, set_meal, {"kind": "dish", "dish_id": north["rice"]})
    assert placed.status_code == 201
    assert (placed.json["subtotal_fen"], placed.json["adjustments_fen"], placed.json["total_fen"]) == (3100, -400, 2700)
    assert placed.json["adjustments"][0]["label_zh"] == "粮心套餐午市优惠"
    # dishes alone get nothing
    assert order(client, north, {"kind": "dish", "dish_id": north["pork"]}).json["adjustments"] == []
    # Fenglin Huiyuan has the same set meal code but not the plugin
    there = order(client, fenglin, {**set_meal, "set_meal_id": fenglin["set_meal"], "quantity": 1,
                                    "choices": [fenglin["pork"], fenglin["greens"], fenglin["egg"]]})
    assert there.status_code == 201 and there.json["total_fen"] == 1500 and there.json["adjustments"] == []


def test_the_menu_announces_the_guidance_only_in_north_bund(app):
    client = app.test_client()
    before_spring_festival = "2027-02-01"
    here = client.get(f"/api/communities/{COMMUNITY}/menu?date={before_spring_festival}").json["annotations"]
    assert here["food_safety_guidance"]["holiday_en"] == "Spring Festival"
    there = client.get(f"/api/communities/fenglin-huiyuan/menu?date={before_spring_festival}").json["annotations"]
    assert "food_safety_guidance" not in there
    assert len(call_hook(app, COMMUNITY, "menu_annotations", date=FUTURE_DAY)) >= 1  # the built-in solar term
