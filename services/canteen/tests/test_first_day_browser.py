"""In Chromium, what a new diner meets on the first day (issue 18): at the kiosk a line is capped per
diner with a clear message, take-away survives the card step, a wrong PIN keeps the card number
and warns before the lock, the done screen goes back to the start by itself, text is ≥ 28 px, and
after hours the next meal is shown; on the phone, without Stripe, the pay page says why and offers
the meal card; a set meal's count names its day."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from linli.canteen.extensions import db
from linli.canteen.menu.models import MealService
from linli.canteen.menu.service import local_today
from linli.canteen.orders.testing import make_menu
from linli.canteen.pages.testing import open_menu
from linli.shared.db import utcnow
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]
KIOSK = {"width": 1080, "height": 1920}


def seed_elder(app: Any) -> None:
    from linli.canteen.diners import kiosk_card, meal_card, service
    from linli.shared.auth import Identity

    staff = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))
    with app.test_request_context(method="POST"):
        service.save_profile(staff, community_id="north-bund", diner_id="d-wu", display_name="吴阿姨",
                             birth_date=None, groups=[], subsidy_eligible=False)
        meal_card.top_up(staff, community_id="north-bund", diner_id="d-wu", amount_fen=20000)
        kiosk_card.issue(staff, community_id="north-bund", diner_id="d-wu", card_number="20260001", pin="2468")


def closed_today_open_tomorrow(app: Any) -> None:
    """Fenglin Huiyuan: today's lunch closed an hour ago, tomorrow's lunch is the next meal."""
    with app.app_context():
        today = make_menu("fenglin-huiyuan", day=local_today(), prefix="a-")
        make_menu("fenglin-huiyuan", day=local_today() + dt.timedelta(days=1), prefix="b-")
        service = db.session.get(MealService, today["meal_service"])
        now = utcnow()
        service.starts_at, service.ends_at = now - dt.timedelta(hours=3), now - dt.timedelta(hours=1)
        service.order_cutoff_at = now - dt.timedelta(hours=1, minutes=30)
        db.session.commit()


def test_kiosk_first_day(app, live_server, browser, artifacts_dir):
    ids = open_menu(app)
    seed_elder(app)
    closed_today_open_tomorrow(app)
    server = live_server(app, workers=1, threads=4)
    context = browser.new_context(viewport=KIOSK, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.clock.install()  # the done screen's 30 seconds pass at once
        start = f"{server.url}/kiosk/north-bund/{ids['meal_service']}"
        page.goto(start)
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 28

        # a line is capped per diner: the eleventh "+" is refused, and says why
        pork = page.locator("section.dish", has=page.get_by_role("heading", name="红烧肉", exact=True))
        pork.get_by_role("button", name=re.compile("^半份")).click()
        cart = page.locator("#cart")
        more = cart.get_by_role("button", name="加一份：红烧肉")
        for count in range(2, 11):
            more.click()
            cart.locator(".qty-number", has_text=re.compile(f"^{count}$")).wait_for()
        more.click()
        page.get_by_role("alert").get_by_text("每样最多点10份。要更多请到柜台。").wait_for()
        assert cart.locator(".qty-number").inner_text() == "10"
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-line-limit-zh.png"), full_page=True)

        # take-away goes along to the card step; a wrong PIN keeps the number and warns
        cart.get_by_role("link", name="去付款").click()
        page.get_by_label("打包带走").check()
        page.get_by_role("button", name="饭卡（输入卡号和密码）").click()
        page.get_by_role("heading", name="用饭卡付款").wait_for()
        for tried in range(1, 4):
            if tried == 1:
                page.get_by_label("卡号").fill("20260001")
            page.get_by_label("密码").fill("0000")
            page.get_by_role("button", name="用我的饭卡").click()
            page.get_by_role("alert").wait_for()
            assert page.get_by_label("卡号").input_value() == "20260001", tried
        assert "卡号或密码不对。还可以再试2次，之后这张卡会锁住15分钟。" in page.get_by_role("alert").inner_text()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-wrong-pin-zh.png"), full_page=True)
        page.get_by_label("密码").fill("2468")
        page.get_by_role("button", name="用我的饭卡").click()
        page.get_by_role("heading", name="吴阿姨，您好").wait_for()
        assert page.get_by_label("打包带走").is_checked()
        page.get_by_role("button", name="饭卡", exact=True).click()
        page.locator(".pickup-number").wait_for()
        page.wait_for_function("() => { const img = document.querySelector('img.qr'); "
                               "return img && img.complete && img.naturalWidth > 0; }")
        assert "打包带走" in page.locator("main").inner_text()
        done = page.get_by_role("link", name="好了，回到开始")
        assert done.is_visible() and page.get_by_text("30秒后屏幕会自动回到开始。").is_visible()
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-done-zh.png"), full_page=True)
        page.clock.fast_forward("00:31")
        page.wait_for_url(re.compile(r"/kiosk/north-bund(/\d+)?$"))  # back at the start for the next diner
        page.get_by_role("heading", name="单点菜品").wait_for()

        # after hours: the next meal and when
        page.goto(f"{server.url}/kiosk/fenglin-huiyuan")
        page.get_by_role("heading", name="现在已经不能点餐了。").wait_for()
        tomorrow = local_today() + dt.timedelta(days=1)
        weekday = "一二三四五六日"[tomorrow.weekday()]
        assert (f"下一餐：明天 {tomorrow.month}月{tomorrow.day}日 周{weekday} 午餐，11:00–13:00"
                in page.locator("main").inner_text())
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-after-hours-zh.png"), full_page=True)
    finally:
        context.close()


def test_phone_pre_order_without_stripe(app, live_server, browser_page, artifacts_dir):
    with app.app_context():
        tomorrow = local_today() + dt.timedelta(days=1)
        ids = make_menu(day=tomorrow)
    server = live_server(app, workers=1, threads=4)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/order/north-bund?date={tomorrow.isoformat()}")
    page.get_by_role("link", name=re.compile("午餐")).click()
    weekday = "一二三四五六日"[tomorrow.weekday()]
    assert f"明天 {tomorrow.month}月{tomorrow.day}日 周{weekday}还剩10份" in page.locator("section.set-meal").inner_text()
    pork = page.locator("section.dish", has=page.get_by_role("heading", name="红烧肉", exact=True))
    pork.get_by_role("button", name=re.compile("^半份")).click()
    page.locator("#cart").get_by_role("link", name="去付款").click()
    note = page.locator("#no-card-payments")
    assert "本食堂还没有开通银行卡、微信支付和支付宝付款。" in note.inner_text()
    assert note.get_by_role("link", name="登录").get_attribute("href").startswith("/hub/login?next=")
    assert page.get_by_role("button", name="饭卡（输入卡号和密码）").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "canteen-phone-pay-no-stripe-zh.png"), full_page=True)
    page.get_by_role("button", name="现金（到柜台付款）").click()
    page.locator(".pickup-number").wait_for()
    deadline = f"请在明天 {tomorrow.month}月{tomorrow.day}日 周{weekday} 13:00前付款，否则订单会取消。"
    assert deadline in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "canteen-phone-preorder-cash-zh.png"), full_page=True)
    page.goto(f"{server.url}/order/north-bund?date=garbage")
    page.get_by_text("这不是一个日期，下面显示的是今天。").wait_for()
    page.goto(f"{server.url}/order/north-bund?date=2031-01-01")
    page.get_by_text("可以预订今天和之后3天的餐，下面显示的是今天。").wait_for()
    assert ids["meal_service"]
