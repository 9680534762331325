"""In Chromium: an elder rates two dishes of a collected order at the kiosk (ticket number on the pad,
one tap per dish, send); an office worker answers a survey on the phone; staff read its results with
a chart per question; a complaint's receipt shows the case that took it up. zh and en, axe clean."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from linli.shared.testing.browser import axe_violations

pytestmark = pytest.mark.browser
KIOSK = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}


def collected_kiosk_order(app) -> dict:
    """Today's demo lunch: braised pork and greens, collected (written directly: any hour of the day)."""
    from linli.canteen.extensions import db
    from linli.canteen.menu.models import Dish, MealService
    from linli.canteen.waste.testing import collected_order
    from linli.shared.localtime import local_today

    with app.app_context():
        lunch = db.session.scalar(sa.select(MealService).where(
            MealService.community_id == "north-bund", MealService.service_date == local_today(),
            MealService.kind == "lunch"))
        dishes = {d.code: d for d in db.session.scalars(sa.select(Dish).where(Dish.community_id == "north-bund"))}
        order = collected_order(lunch, [dishes["hongshao-rou"], dishes["qingchao-shishu"]])
        return {"id": order.id, "pickup_number": order.pickup_number, "pork": dishes["hongshao-rou"].id,
                "greens": dishes["qingchao-shishu"].id}


def test_kiosk_rating_and_phone_survey_with_results(app, client, auth, tokens, engine, live_server, browser,
                                                     artifacts_dir):
    from linli.canteen.app import SPEC
    from linli.canteen.extensions import db
    from linli.canteen.surveys.models import Survey
    from linli.shared.localtime import local_today

    SPEC.seed_demo(app)
    with app.app_context():
        survey_id = db.session.scalar(sa.select(Survey.id).where(Survey.community_id == "north-bund"))
    order = ids = collected_kiosk_order(app)
    server = live_server(app, workers=1, threads=4)
    kiosk = browser.new_context(viewport=KIOSK, locale="zh-CN")
    phone = browser.new_context(viewport=PHONE, locale="en-GB")
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    staff.add_cookies([{"name": "linli_token", "value": tokens("manager", sub="boss"), "url": server.url}])
    try:
        page = kiosk.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{server.url}/feedback/north-bund/kiosk")
        pad = page.get_by_role("group", name="数字键盘")
        for digit in str(order["pickup_number"]):
            pad.get_by_role("button", name=digit, exact=True).click()
        page.get_by_role("button", name="下一步").click()
        page.get_by_role("heading", name="这顿饭吃得怎么样？").wait_for()
        assert axe_violations(page) == []
        page.get_by_role("group", name="红烧肉").get_by_label(re.compile("很好$")).check()   # tap one
        page.get_by_role("group", name="清炒时蔬").get_by_label(re.compile("一般$")).check()  # tap two
        page.screenshot(path=str(artifacts_dir / f"canteen-kiosk-rating-zh-{engine}.png"), full_page=True)
        page.get_by_role("button", name="提交").click()
        page.get_by_role("heading", name="谢谢您告诉我们！").wait_for()
        assert axe_violations(page) == []
        ratings = client.get(f"/api/feedback?community_id=north-bund&date_from={local_today()}"
                             f"&date_to={local_today()}", headers=auth("staff")).json
        mine = next(f for f in ratings if f["order_id"] == order["id"])
        assert sorted((r["dish_id"], r["rating"]) for r in mine["ratings"]) == sorted(
            [(ids["pork"], 5), (ids["greens"], 3)]) and mine["channel"] == "kiosk"

        mobile = phone.new_page()
        mobile.set_default_timeout(15000)
        mobile.goto(f"{server.url}/surveys/north-bund?lang=en")
        mobile.get_by_role("link", name="Half portions and set meals: your view").click()
        mobile.get_by_role("group", name=re.compile("How often")).get_by_label("Often").check()
        mobile.get_by_role("group", name=re.compile("lunch set meals")).get_by_label("Fish").check()
        mobile.get_by_role("group", name=re.compile("lunch set meals")).get_by_label("Soft dishes, easy to chew").check()
        mobile.get_by_role("group", name=re.compile("overall")).get_by_label(re.compile("Good$")).first.check()
        mobile.get_by_label(re.compile("Anything else")).fill("More fish on Fridays, please")
        assert axe_violations(mobile) == []
        mobile.screenshot(path=str(artifacts_dir / f"canteen-survey-phone-en-{engine}.png"), full_page=True)
        mobile.get_by_role("button", name="Send my answers").click()
        mobile.get_by_role("heading", name="Thank you for your answers!").wait_for()
        mobile.goto(f"{server.url}/surveys/north-bund/{survey_id}?lang=en")  # once per session
        mobile.get_by_text("You have answered this survey already. Thank you!").wait_for()
        assert mobile.get_by_role("button", name="Send my answers").count() == 0

        desk = staff.new_page()
        desk.set_default_timeout(15000)
        desk.goto(f"{server.url}/surveys/north-bund/{survey_id}/results")
        desk.get_by_role("heading", name=re.compile("问卷结果")).wait_for()
        desk.wait_for_function("() => window.Chart && Chart.getChart('chart-' + document.querySelector('canvas').id.split('-')[1])")
        assert "共 10 份回答" in desk.inner_text("main")  # 9 demo answers + the phone's
        assert "More fish on Fridays, please" in desk.inner_text("main")
        assert axe_violations(desk) == []
        desk.screenshot(path=str(artifacts_dir / f"canteen-survey-results-zh-{engine}.png"), full_page=True)
    finally:
        for context in (kiosk, phone, staff):
            context.close()
