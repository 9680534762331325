"""In Chromium: kitchen staff enter three weights on the scales tablet with its number pad and take one
back; the manager reads waste per cover against the target line on a chart (zh and en); the monthly
report prints. axe finds nothing serious or critical."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from linli.shared.localtime import local_today
from linli.shared.testing.browser import axe_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 1280, "height": 800}


def yesterdays_lunch(app) -> int:
    from linli.canteen.extensions import db
    from linli.canteen.menu.models import MealService

    with app.app_context():
        return db.session.scalar(sa.select(MealService.id).where(
            MealService.community_id == "north-bund", MealService.kind == "lunch",
            MealService.service_date == local_today() - dt.timedelta(days=1)))


def type_on_pad(page, digits: str) -> None:
    pad = page.get_by_role("group", name=re.compile("数字键盘|Number pad"))
    pad.get_by_role("button", name=re.compile("^(清除|Clear)$")).click()
    for digit in digits:
        pad.get_by_role("button", name=digit, exact=True).click()


def test_scales_three_weights_and_the_managers_chart(app, engine, tokens, live_server, browser, artifacts_dir):
    from linli.canteen.app import SPEC

    SPEC.seed_demo(app)
    lunch = yesterdays_lunch(app)
    server = live_server(app, workers=1, threads=4)
    context = browser.new_context(viewport=TABLET, locale="zh-CN")
    context.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="kitchen-1"), "url": server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{server.url}/waste/north-bund/scales?service={lunch}")
        page.get_by_role("heading", name="电子秤：厨余垃圾称重").wait_for()
        assert axe_violations(page) == []
        entries = page.locator("#entries")
        for kind, digits in (("餐盘剩余", "4350"), ("备餐损耗", "1280"), ("剩余未售", "960")):
            page.get_by_label(kind, exact=True).check()
            type_on_pad(page, digits)
            assert page.get_by_label("重量（克）").input_value() == digits
            page.get_by_role("button", name="保存重量").click()
            page.get_by_role("status").get_by_text("已保存。请称下一份。").wait_for()
            entries.get_by_role("cell", name=digits, exact=True).wait_for()
            page.get_by_role("status").evaluate("el => el.remove()")
        assert page.get_by_label("重量（克）").input_value() == ""  # ready for the next weight
        undo = entries.get_by_role("button", name=re.compile("撤回"))
        assert undo.count() == 3
        page.screenshot(path=str(artifacts_dir / f"canteen-waste-scales-zh-{engine}.png"), full_page=True)
        entries.get_by_role("button", name="撤回 960 g").click()
        page.get_by_role("status").get_by_text("已撤回。").wait_for()
        entries.get_by_text("已撤回", exact=False).first.wait_for()
        assert entries.get_by_role("button", name=re.compile("撤回")).count() == 2
        too_heavy = page.get_by_label("重量（克）")
        too_heavy.fill("600000")
        page.get_by_role("button", name="保存重量").click()
        page.get_by_role("alert").get_by_text("请输入 1 克到 500 公斤之间的重量。").wait_for()

        page.goto(f"{server.url}/waste/north-bund")
        page.get_by_role("heading", name="每人次厨余垃圾量").wait_for()
        page.wait_for_function("() => window.Chart && Chart.getChart('waste-chart')")
        lines = page.evaluate("() => Chart.getChart('waste-chart').data.datasets.map(d => d.label)")
        assert "餐盘剩余" in lines and "目标：餐盘剩余" in lines and "目标：全部厨余" in lines
        table = page.locator("table.kpi-table").first
        assert table.get_by_role("row").count() == 15  # header + 14 days
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / f"canteen-waste-manager-zh-{engine}.png"), full_page=True)

        page.goto(f"{server.url}/waste/north-bund?lang=en")
        page.get_by_role("heading", name="Kitchen waste per cover").wait_for()
        page.wait_for_function("() => window.Chart && Chart.getChart('waste-chart')")
        assert axe_violations(page) == []
        page.locator("figure.waste-chart").screenshot(path=str(artifacts_dir / f"canteen-waste-chart-en-{engine}.png"))
        page.get_by_role("link", name=re.compile("^Printable report")).first.click()
        page.get_by_role("heading", name=re.compile("Kitchen waste report")).wait_for()
        assert axe_violations(page) == []
        page.emulate_media(media="print")
        page.screenshot(path=str(artifacts_dir / f"canteen-waste-report-print-en-{engine}.png"), full_page=True)
    finally:
        context.close()
