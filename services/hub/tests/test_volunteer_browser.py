"""In Chromium: a volunteer signs up for a waste-sorting shift and logs hours; axe finds nothing serious."""

import datetime as dt

import pytest

from linli.hub.activities import service as activities
from linli.hub.volunteers import service
from linli.shared.auth import Identity
from linli.shared.localtime import local_today
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]
STAFF = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))
VOLUNTEER = Identity("v-browser", frozenset({"volunteer"}), frozenset({"north-bund"}))


def test_volunteer_signs_up_for_a_shift_and_logs_hours(app, tokens, live_server, browser_page, artifacts_dir):
    tomorrow = local_today() + dt.timedelta(days=1)
    with app.test_request_context(method="POST"):
        service.generate_shifts("north-bund", "waste-sorting", start_date=tomorrow, days=2)
        service.save_profile(VOLUNTEER, community_id="north-bund", display_name="李阿姨")
        start = service.utcnow() + dt.timedelta(days=2)
        activities.create_activity(STAFF, community_id="north-bund", title_zh="书法班", organiser_name="王老师",
                                   capacity=12, organiser_kind="volunteer", starts_at=start,
                                   ends_at=start + dt.timedelta(hours=2))
    server = live_server(app, workers=1, threads=4)
    page = browser_page
    page.context.add_cookies([{"name": "linli_token", "value": tokens("volunteer", sub="v-browser"),
                               "url": server.url}])

    page.goto(f"{server.url}/volunteer/shifts")
    assert page.locator("h1").inner_text() == "可报名班次"
    page.screenshot(path=str(artifacts_dir / "hub-volunteer-open-shifts.png"), full_page=True)
    assert axe_violations(page) == []

    first = page.locator("section.shift-card").first
    first.get_by_role("button", name="报名").click()
    page.get_by_text("你已报名这个班次").first.wait_for()
    page.get_by_role("status").get_by_text("报名成功").wait_for()
    page.screenshot(path=str(artifacts_dir / "hub-volunteer-signed-up.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="我的班次").click()
    page.get_by_role("button", name="退出这个班次").wait_for()
    assert "垃圾分类值守" in page.locator("main").inner_text()

    page.get_by_role("link", name="登记时长").click()
    page.get_by_label("小时数").fill("2")
    page.get_by_label("做了什么（可不填）").fill("垃圾分类值守")
    page.get_by_role("button", name="登记时长").click()
    page.get_by_text("时长已登记，等待居委审核。").wait_for()
    assert "待审核" in page.locator("table").inner_text()
    page.screenshot(path=str(artifacts_dir / "hub-volunteer-hours.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto(f"{server.url}/activities")
    page.get_by_role("button", name="报名").click()
    page.get_by_text("你已报名").first.wait_for()
    page.screenshot(path=str(artifacts_dir / "hub-activities-signed-up.png"), full_page=True)
    assert axe_violations(page) == []

    # the volunteer helping at the class checks people in
    session_id = page.locator("section.shift-card").first.get_attribute("id").removeprefix("session-")
    page.goto(f"{server.url}/volunteer/sessions/{session_id}")
    page.get_by_role("button", name="签到").click()
    page.get_by_text("✓ 已到").wait_for()
    page.screenshot(path=str(artifacts_dir / "hub-volunteer-roster.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto(f"{server.url}/volunteer?lang=en")
    assert "My shifts" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "hub-volunteer-home-en.png"), full_page=True)
    assert axe_violations(page) == []

    # staff approve the hours the volunteer logged
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="staff-1"), "url": server.url}])
    page.goto(f"{server.url}/volunteer/approvals?lang=zh_CN")
    card = page.locator("section.shift-card", has_text="李阿姨")
    assert "2.0 小时" in card.inner_text()
    page.screenshot(path=str(artifacts_dir / "hub-volunteer-approvals.png"), full_page=True)
    assert axe_violations(page) == []
    card.get_by_role("button", name="批准", exact=True).click()
    page.get_by_text("没有待审核的时长").wait_for()
