"""In Chromium, on the demo (6 staff, 1,208 households): the roster board on the wall at 1920×1080,
a staff member's due list and visit form on a phone, the managers' overview and the Monday report;
zh and en; axe finds nothing serious or critical."""

import pytest
import sqlalchemy as sa

from linli.hub.accounts.models import Account
from linli.hub.activities.demo import seed_demo_activities
from linli.hub.demo import seed_demo_core
from linli.hub.extensions import db
from linli.hub.visits.demo import seed_demo_visits
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]
HY = "fenglin-huiyuan"


def test_roster_board_visits_overview_and_report(app, tokens, live_server, browser_page, artifacts_dir):
    seed_demo_core(app)
    seed_demo_activities(app)
    seed_demo_visits(app)
    with app.app_context():
        manager = db.session.scalar(sa.select(Account).where(Account.username == "hy.manager")).subject
    server = live_server(app, workers=1, threads=4)
    page = browser_page
    page.context.add_cookies([{"name": "linli_token", "url": server.url,
                               "value": tokens("staff", "manager", communities=[HY], sub=manager)}])

    # the wall: today and the week; the elderly line's A is on leave today, so B covers
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{server.url}/staff/roster?community={HY}")
    page.get_by_role("heading", name="值班表", exact=False).first.wait_for()
    assert "B角顶岗" in page.locator("table.lines").inner_text()
    assert page.locator("table.week tbody tr").count() == 6
    page.screenshot(path=str(artifacts_dir / "hub-roster-board-zh.png"))
    assert axe_violations(page) == []
    page.goto(f"{server.url}/staff/roster?community={HY}&lang=en")
    assert "B covers" in page.locator("table.lines").inner_text()
    page.screenshot(path=str(artifacts_dir / "hub-roster-board-en.png"))
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / "hub-roster-board-print-en.png"), full_page=True)
    page.emulate_media(media="screen")

    # on the phone: my due list, most urgent first, then write a visit
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/staff/visits?community={HY}&lang=zh_CN")
    page.get_by_role("heading", name="我的走访", exact=False).wait_for()
    cards = page.locator("section.household")
    assert cards.count() > 5
    page.screenshot(path=str(artifacts_dir / "hub-visits-due-phone-zh.png"))
    assert axe_violations(page) == []
    first = cards.first.get_attribute("id")
    cards.first.get_by_role("link", name="记一次走访").click()
    page.get_by_label("走访情况").fill("老人精神不错，想报名助浴服务")
    page.get_by_label("助浴").check()
    page.screenshot(path=str(artifacts_dir / "hub-visit-form-phone-zh.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="保存走访记录").click()
    page.get_by_text("走访已记入民情日记。").wait_for()
    assert page.locator(f"#{first}").count() == 0  # visited: no longer due at the top
    page.goto(f"{server.url}/staff/visits?community={HY}&lang=en")
    page.screenshot(path=str(artifacts_dir / "hub-visits-due-phone-en.png"))
    assert axe_violations(page) == []

    # the managers' overview and the Monday meeting report
    page.set_viewport_size({"width": 1280, "height": 900})
    for lang in ("zh_CN", "en"):
        page.goto(f"{server.url}/staff/visits/overview?community={HY}&lang={lang}")
        assert page.locator("table.report tbody tr").count() == 6
        page.screenshot(path=str(artifacts_dir / f"hub-visits-overview-{lang}.png"), full_page=True)
        assert axe_violations(page) == []
        page.goto(f"{server.url}/staff/visits/report?community={HY}&lang={lang}")
        assert page.locator("table.report tbody tr").count() == 6
        page.screenshot(path=str(artifacts_dir / f"hub-visits-report-{lang}.png"), full_page=True)
        assert axe_violations(page) == []
    # the special-group bars are drawn by the page kit's data-width (the policy allows no style attribute)
    bars = page.locator("table.report .bar").evaluate_all(
        "bars => bars.map(b => [b.getBoundingClientRect().width / b.parentElement.getBoundingClientRect().width,"
        " parseFloat(b.dataset.width) / 100])")
    assert bars and all(abs(drawn - share) < 0.02 for drawn, share in bars) and any(s > 0 for _, s in bars), bars
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
