"""In Chromium: an elderly diner orders a half portion and a set meal at the kiosk and pays cash at the
counter (in zh and in en), the kitchen moves the order on; an office worker pre-orders on the phone.
Kiosk text is measured at ≥28 px and targets at ≥48 px; axe finds nothing serious or critical."""

from __future__ import annotations

import re
from typing import Any

import pytest

from linli.canteen.pages.testing import open_menu
from linli.shared.testing.browser import axe_violations

pytestmark = pytest.mark.browser
KIOSK_VIEWPORT = {"width": 1080, "height": 1920}  # a portrait kiosk screen
MIN_TEXT_PX = 28
MIN_TARGET_PX = 48

# every visible element with its own text, and every control, with its size (skip links off-screen excluded)
MEASURE = """() => {
  const visible = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 1 && r.height > 1 && r.right > 0;
  };
  const texts = [], targets = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el) || ['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
    if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) {
      texts.push({tag: el.tagName, text: el.textContent.trim().slice(0, 30), px: parseFloat(getComputedStyle(el).fontSize)});
    }
  }
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, label.choice-option')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    targets.push({tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 30), w: r.width, h: r.height});
  }
  return {texts, targets};
}"""


def assert_kiosk_sizes(page: Any, where: str, report: dict[str, Any]) -> None:
    page.wait_for_load_state("load")  # after a click the stylesheets may still be arriving
    sizes = page.evaluate(MEASURE)
    assert sizes["texts"] and sizes["targets"]
    small = [t for t in sizes["texts"] if t["px"] < MIN_TEXT_PX]
    tiny = [t for t in sizes["targets"] if t["w"] < MIN_TARGET_PX or t["h"] < MIN_TARGET_PX]
    assert small == [], f"{where}: text under {MIN_TEXT_PX}px: {small}"
    assert tiny == [], f"{where}: targets under {MIN_TARGET_PX}px: {tiny}"
    report[where] = {"min_text_px": min(t["px"] for t in sizes["texts"]),
                     "min_target": min(min(t["w"], t["h"]) for t in sizes["targets"]),
                     "texts": len(sizes["texts"]), "targets": len(sizes["targets"])}


def kiosk_order(page: Any, base: str, words: dict[str, str], report: dict[str, Any], lang: str) -> int:
    """Half a braised pork and a grain-heart set meal, cash at the counter; returns the pickup number."""
    page.goto(f"{base}/kiosk?community=north-bund&lang={lang}")  # one open meal: straight to its menu
    page.get_by_role("heading", name=words["dishes"], exact=True).wait_for()
    assert_kiosk_sizes(page, f"menu-{lang}", report)
    assert axe_violations(page) == []

    pork = page.locator("section.dish", has=page.get_by_role("heading", name=words["pork"], exact=True))
    pork.get_by_role("button", name=re.compile(f"^{words['half']}")).click()
    cart = page.locator("#cart")
    cart.get_by_text(words["pork"]).wait_for()
    page.get_by_role("status").get_by_text(words["added"]).wait_for()

    set_meal = page.locator("section.set-meal")
    set_meal.get_by_role("button", name=re.compile(words["add_set"])).click()  # no choices yet: a friendly hint
    page.get_by_role("alert").wait_for()
    set_meal.get_by_label(words["chicken"]).check()
    set_meal.get_by_label(words["greens"]).check()
    set_meal.get_by_label(words["egg"]).check()
    set_meal.get_by_role("button", name=re.compile(words["add_set"])).click()
    cart.get_by_text(words["set_meal"]).wait_for()
    assert "¥24.00" in cart.inner_text()  # half pork 9.00 + set meal 15.00
    assert_kiosk_sizes(page, f"menu-with-cart-{lang}", report)
    page.screenshot(path=str(report["dir"] / f"canteen-kiosk-menu-{lang}-{report['engine']}.png"), full_page=True)

    cart.get_by_role("link", name=words["pay"]).click()
    page.get_by_role("heading", name=words["how_pay"]).wait_for()
    assert_kiosk_sizes(page, f"pay-{lang}", report)
    assert axe_violations(page) == []
    page.get_by_role("button", name=words["cash"]).click()

    number = page.locator(".pickup-number")
    number.wait_for(timeout=30000)
    assert page.get_by_text(words["pay_at_counter"]).is_visible()
    page.wait_for_function("() => { const img = document.querySelector('img.qr'); "
                           "return img && img.complete && img.naturalWidth > 0; }")  # the QR code loaded
    assert number.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 96
    assert_kiosk_sizes(page, f"pickup-{lang}", report)
    assert axe_violations(page) == []
    page.screenshot(path=str(report["dir"] / f"canteen-kiosk-{lang}-{report['engine']}.png"), full_page=True)
    return int(number.inner_text())


ZH = {"dishes": "单点菜品", "pork": "红烧肉", "half": "半份", "added": "已加入您的订单。", "add_set": "加入粮心套餐",
      "chicken": "白切鸡", "greens": "清炒时蔬", "egg": "番茄炒蛋", "set_meal": "粮心套餐", "pay": "去付款",
      "how_pay": "您怎么付款？", "cash": "现金（到柜台付款）", "pay_at_counter": "请到柜台付现金 ¥24.00，并报取餐号。"}
EN = {"dishes": "Dishes", "pork": "Braised pork", "half": "Half portion", "added": "Added to your order.",
      "add_set": "Add Grain-heart set meal", "chicken": "White-cut chicken", "greens": "Greens",
      "egg": "Tomato and egg", "set_meal": "Grain-heart set meal", "pay": "Go to pay", "how_pay": "How will you pay?",
      "cash": "Cash at the counter",
      "pay_at_counter": "Please pay ¥24.00 in cash at the counter and say your number."}


def test_kiosk_order_paid_in_cash_then_kitchen(app, engine, tokens, live_server, browser, artifacts_dir):
    open_menu(app)
    server = live_server(app, workers=1, threads=4)
    report: dict[str, Any] = {"dir": artifacts_dir, "engine": engine}
    kiosk = browser.new_context(viewport=KIOSK_VIEWPORT, locale="zh-CN")
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    staff.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="counter-1"), "url": server.url}])
    try:
        page = kiosk.new_page()
        page.set_default_timeout(15000)
        zh_number = kiosk_order(page, server.url, ZH, report, "zh_CN")

        desk = staff.new_page()
        desk.set_default_timeout(15000)
        desk.goto(f"{server.url}/counter/north-bund")
        desk.get_by_label("取餐号").fill(str(zh_number))
        desk.get_by_role("button", name="查找").click()
        desk.get_by_role("heading", name=f"{zh_number} 号 · 等待付款").wait_for()
        assert axe_violations(desk) == []
        desk.screenshot(path=str(artifacts_dir / f"canteen-counter-zh-{engine}.png"), full_page=True)
        desk.get_by_role("button", name="已收现金 ¥24.00").click()
        desk.get_by_role("status").get_by_text("已收现金，订单已送到厨房。").wait_for()
        desk.get_by_role("heading", name=f"{zh_number} 号 · 已付款，等待厨房制作").wait_for()

        page.get_by_text("已付款。厨房正在准备，好了会叫您的号。").wait_for(timeout=12000)  # the ticket polls

        desk.goto(f"{server.url}/kitchen/north-bund")
        ticket = desk.locator("article.ticket-card", has_text=f"{zh_number} 号")
        assert "白切鸡" in ticket.inner_text() and "红烧肉" in ticket.inner_text()
        ticket.get_by_role("button", name=re.compile("开始制作")).click()
        desk.locator("#col-preparing").get_by_text("制作中 (1)").wait_for()
        desk.locator("section.kitchen-column", has=desk.locator("#col-preparing")).get_by_role(
            "button", name=re.compile("已做好")).click()
        desk.locator("#col-ready").get_by_text("已做好 (1)").wait_for()
        desk.screenshot(path=str(artifacts_dir / f"canteen-kitchen-zh-{engine}.png"), full_page=True)

        en_number = kiosk_order(page, server.url, EN, report, "en")
        assert en_number == zh_number + 1
    finally:
        kiosk.close()
        staff.close()
    print({k: v for k, v in report.items() if k not in ("dir",)})


@pytest.mark.engines("sqlite")
def test_phone_preorder_and_staff_sign_in(app, live_server, browser_page, artifacts_dir):
    ids = open_menu(app, set_meal_limit=1)
    server = live_server(app, workers=1, threads=4)
    page = browser_page  # 414 × 896, a phone
    page.goto(f"{server.url}/order/north-bund")
    page.get_by_role("link", name=re.compile("午餐")).click()
    page.get_by_role("heading", name="套餐", exact=True).wait_for()
    set_meal = page.locator("section.set-meal")
    set_meal.get_by_label("红烧肉").check()
    set_meal.get_by_label("麻婆豆腐").check()
    set_meal.get_by_label("清炒时蔬").check()
    set_meal.get_by_role("button", name="加入粮心套餐").click()
    page.locator("#cart").get_by_text("粮心套餐").wait_for()
    page.get_by_role("button", name="加一份：粮心套餐").click()  # only one left today: a friendly no
    page.get_by_role("alert").get_by_text("抱歉，已经卖完了。请选别的菜。").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "canteen-phone-menu-zh.png"), full_page=True)

    page.locator("#cart").get_by_role("link", name="去付款").click()
    page.get_by_label("打包带走").check()
    page.get_by_label("取餐时间").select_option(index=1)
    assert axe_violations(page) == []
    page.get_by_role("button", name="现金（到柜台付款）").click()
    page.locator(".pickup-number").wait_for()
    assert "打包带走" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "canteen-phone-pickup-zh.png"), full_page=True)

    page.goto(f"{server.url}/order/north-bund/{ids['meal_service']}")  # the set meal is gone now
    assert "已售完" in page.locator("section.set-meal").inner_text()

    page.goto(f"{server.url}/counter/north-bund")  # no staff cookie
    page.get_by_role("heading", name="需要工作人员登录").wait_for()
    assert page.locator("main").get_by_role("link", name="登录").get_attribute("href").startswith("/hub/login?next=")
    assert axe_violations(page) == []


@pytest.mark.engines("sqlite")
def test_kiosk_elder_pays_with_card_number_and_pin(app, live_server, browser, artifacts_dir):
    """吴阿姨 types her card number and PIN: the subsidy comes off and her meal card pays the rest."""
    from linli.canteen.diners import kiosk_card, meal_card, service
    from linli.shared.auth import Identity

    ids = open_menu(app)
    staff = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))
    with app.test_request_context(method="POST"):
        service.save_profile(staff, community_id="north-bund", diner_id="d-wu", display_name="吴阿姨",
                             birth_date=None, groups=["elderly_alone"], subsidy_eligible=True)
        meal_card.top_up(staff, community_id="north-bund", diner_id="d-wu", amount_fen=5000)
        kiosk_card.issue(staff, community_id="north-bund", diner_id="d-wu", card_number="20260001", pin="2468")
    server = live_server(app, workers=1, threads=4)
    report: dict[str, Any] = {}
    kiosk = browser.new_context(viewport=KIOSK_VIEWPORT, locale="zh-CN")
    try:
        page = kiosk.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{server.url}/kiosk/north-bund/{ids['meal_service']}")
        pork = page.locator("section.dish", has=page.get_by_role("heading", name="红烧肉", exact=True))
        pork.get_by_role("button", name=re.compile("^半份")).click()
        page.locator("#cart").get_by_text("红烧肉").wait_for()
        page.locator("#cart").get_by_role("link", name="去付款").click()
        page.get_by_role("button", name="饭卡（输入卡号和密码）").click()
        page.get_by_role("heading", name="用饭卡付款").wait_for()
        assert_kiosk_sizes(page, "card", report)
        assert axe_violations(page) == []
        pad = page.get_by_role("group", name="数字键盘")
        pad.wait_for()  # shown once its script runs; the card number field has the focus
        for digit in "202600019":
            pad.get_by_role("button", name=digit, exact=True).click()
        pad.get_by_role("button", name="删掉一位").click()
        assert page.get_by_label("卡号").input_value() == "20260001"
        page.get_by_label("密码").click()
        assert pad.locator("[data-keypad-target]").inner_text() == "密码"
        for digit in "2468":
            pad.get_by_role("button", name=digit, exact=True).click()
        assert page.get_by_label("密码").input_value() == "2468"
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-card-zh.png"), full_page=True)
        page.get_by_role("button", name="用我的饭卡").click()
        page.get_by_role("heading", name="吴阿姨，您好").wait_for()
        text = page.locator("main").inner_text()
        assert "¥50.00" in text and "−¥8.00" in text and "¥1.00" in text  # half pork ¥9 − subsidy ¥8
        assert_kiosk_sizes(page, "pay-with-card", report)
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-card-pay-zh.png"), full_page=True)
        page.get_by_role("button", name="饭卡", exact=True).click()
        page.locator(".pickup-number").wait_for()
        page.get_by_text("已付款").first.wait_for()
        assert "老年助餐补贴 ¥8.00 · 饭卡 ¥1.00" in page.locator("main").inner_text()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-kiosk-card-done-zh.png"), full_page=True)
    finally:
        kiosk.close()
    with app.app_context():
        assert meal_card.find_card("north-bund", "d-wu").balance_fen == 5000 - 100
    print(report)
