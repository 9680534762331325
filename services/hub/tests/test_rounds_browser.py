"""In Chromium: a team lead signs in, submits a round request, and after the round closes sees the
result and why; staff see the room calendar and the decisions. axe finds nothing serious or critical."""

import datetime as dt
from urllib.parse import quote

import pytest

from linli.hub.bookings import service as bookings
from linli.hub.rounds import service as rounds
from linli.hub.testing import SHANGHAI, make_world, next_weekday
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.engines("sqlite")]


def sign_in(page, url, username, next_path):
    page.goto(f"{url}/login?next={quote(next_path)}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("linli-demo")
    page.get_by_role("button", name="登录").click()


def test_team_lead_requests_slots_and_sees_the_result(app, live_server, browser_page, artifacts_dir):
    world = make_world(app)
    friday = next_weekday(4)
    with app.app_context():
        round_ = rounds.create_round(None, community_id=world["community"], title="下周五晚上", seed=2026,
                                     closes_at=utcnow() + dt.timedelta(hours=1),
                                     slots=rounds.weekly_slots([world["room"], world["approval_room"]],
                                                               first_day=friday, weeks=1, start=dt.time(18, 30),
                                                               end=dt.time(20, 30), tz=SHANGHAI))
        round_id, slot_ids = round_.id, [s.id for s in round_.slots]
    server = live_server(app, workers=1, threads=4)
    page = browser_page

    page.goto(f"{server.url}/login")
    page.screenshot(path=str(artifacts_dir / "hub-login.png"), full_page=True)
    assert axe_violations(page) == []
    sign_in(page, server.url, "lead.hulusi", "/team")
    page.get_by_role("heading", name="场地申请 · 葫芦丝乐队").wait_for()
    assert any(c["name"] == "linli_token" and c["httpOnly"] for c in page.context.cookies())
    page.locator(f"#rank-{slot_ids[0]}").select_option(label="第 1 志愿")
    page.locator(f"#rank-{slot_ids[1]}").select_option(label="第 2 志愿")
    page.screenshot(path=str(artifacts_dir / "hub-team-round-request.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("申请已提交，轮次截止后公布结果。").wait_for()
    assert page.locator(f"#rank-{slot_ids[0]}").input_value() == "1"
    with app.app_context():
        assert [(r.slot_id, r.rank) for r in rounds.team_requests(round_id, world["team"])] == [
            (slot_ids[0], 1), (slot_ids[1], 2)]
        # the opera class wants the same first choice; then the round closes
        lead = Identity(str(world["other_lead"]), frozenset({"team_lead"}), frozenset({world["community"]}))
        rounds.submit_requests(lead, round_id, team_id=world["other_team"], slot_ids=[slot_ids[0]])
        rounds.close_round(None, round_id)
        # a booking of the room that needs approval waits for staff
        lead_hulusi = Identity(str(world["lead"]), frozenset({"team_lead"}), frozenset({world["community"]}))
        bookings.create_booking(lead_hulusi, room_id=world["approval_room"], team_id=world["team"],
                                title="葫芦丝汇报演出", starts_at=dt.datetime.combine(friday, dt.time(9), SHANGHAI),
                                ends_at=dt.datetime.combine(friday, dt.time(11), SHANGHAI))

    page.goto(f"{server.url}/team")
    results = page.locator("ul.results li")
    results.first.wait_for()
    outcomes = sorted(results.nth(i).get_attribute("data-outcome") for i in range(results.count()))
    assert outcomes in (["lost", "won"], ["quota", "won"])
    text = page.locator("ul.results").inner_text()
    assert "已分配" in text and ("抽签" in text or "没有其他团队" in text)
    page.screenshot(path=str(artifacts_dir / "hub-team-round-result.png"), full_page=True)
    assert axe_violations(page) == []

    page.locator("main").get_by_role("button", name="退出登录").click()
    sign_in(page, server.url, "staff.li", f"/staff/rooms?community={world['community']}&week={friday.isoformat()}")
    page.get_by_role("heading", name="场地与申请轮次").wait_for()
    assert "葫芦丝乐队" in page.locator("table.calendar").first.inner_text()
    pending = page.locator("li.pending-booking")
    assert "葫芦丝汇报演出" in pending.inner_text()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.screenshot(path=str(artifacts_dir / "hub-staff-rooms.png"), full_page=True)
    assert axe_violations(page) == []
    pending.get_by_role("button", name="批准", exact=True).click()
    page.get_by_text("预订已批准。").wait_for()
    assert page.locator("li.pending-booking").count() == 0
    assert "葫芦丝汇报演出" in page.locator("table.calendar").first.inner_text()
    page.goto(f"{server.url}/staff/rounds/{round_id}")
    assert "戏曲班" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "hub-staff-round-decisions.png"), full_page=True)
    assert axe_violations(page) == []
