"""In Chromium, the three services mounted under /canteen, /hub and /cases as ``make run`` does
(issue 18): a sign-in from a staff page comes back to it with its /hub prefix; each role lands on its
home; the navigation bar on every page shows what the role can open, across the services; a
signed-in account without the role is told so; error pages speak Chinese and give a way on; the
staff rooms page says when nothing waits for approval; a bad date is said to be bad."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.accounts import service as accounts
from linli.hub.app import create_app as create_hub
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]
PASSWORD = "linli-demo"
STAFF_LINKS = ["首页", "柜台", "厨房", "饭卡", "场地与预订", "居民与家庭", "账号", "志愿者值班", "服务事项", "我的账号"]


@pytest.fixture
def suite(service_app) -> Iterator[str]:
    """The embedded suite (a WSGI dispatcher over the three apps) on a loopback port."""
    hub = service_app("hub", create_hub, LINLI_LOGIN_RATE_LIMIT="4 per minute")
    with hub.app_context():
        for username, name, kind, roles in (("zhou.staff", "周干部", "staff", ["staff"]),
                                            ("li.volunteer", "李志愿者", "resident", ["volunteer"]),
                                            ("wu.resident", "吴阿姨", "resident", ["diner"])):
            accounts.create_account(None, username=username, password=PASSWORD, display_name=name, kind=kind,
                                    roles=roles, communities=["north-bund"])
    apps = {"/hub": hub, "/canteen": service_app("canteen", create_canteen), "/cases": service_app("cases", create_cases)}
    server = make_server("127.0.0.1", 0, DispatcherMiddleware(NotFound(), apps), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def nav_links(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("nav.site-nav a").all_inner_texts()]


def test_sign_in_homes_navigation_and_error_pages(suite, browser, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        # signed out on a staff page: sign in, and come back to it under /hub
        page.goto(f"{suite}/hub/staff/rooms")
        page.get_by_role("heading", name="请先登录").wait_for()
        page.locator("main").get_by_role("link", name="登录").click()
        assert "next=%2Fhub%2Fstaff%2Frooms" in page.url
        sign_in(page, "zhou.staff")
        page.wait_for_url(f"{suite}/hub/staff/rooms")
        page.get_by_text("没有待审批的预订。").wait_for()
        assert nav_links(page) == STAFF_LINKS
        assert page.locator("nav.site-nav a[aria-current=page]").inner_text() == "场地与预订"
        calendar_px = page.locator("table.calendar td").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert calendar_px >= 18
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "hub-staff-rooms-zh.png"), full_page=True)
        page.goto(f"{suite}/hub/staff/rooms?week=garbage")
        page.get_by_text("这不是一个日期，下面显示的是本周。").wait_for()

        # the bar crosses services: the counter, then a bad date there
        page.locator("nav.site-nav").get_by_role("link", name="柜台").click()
        page.wait_for_url(f"{suite}/canteen/counter/north-bund")
        assert nav_links(page) == STAFF_LINKS
        page.goto(f"{suite}/canteen/kitchen/north-bund?date=2099-01-01")
        page.get_by_text("这一天太远了，下面显示的是今天。").wait_for()
        page.get_by_role("heading", name="这一餐的预订 (0)").wait_for()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-kitchen-day-zh.png"), full_page=True)

        # the staff home: their pages in the three services
        page.locator("nav.site-nav").get_by_role("link", name="首页").click()
        page.wait_for_url(f"{suite}/hub/home")
        for group in ("社区食堂", "邻里小汇", "办事与约请"):
            page.get_by_role("heading", name=group).wait_for()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "hub-staff-home-zh.png"), full_page=True)

        # an unknown page: in Chinese, with a way home
        page.goto(f"{suite}/canteen/no-such-page")
        page.get_by_role("heading", name="找不到这个页面").wait_for()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "error-404-zh.png"), full_page=True)
        page.get_by_role("link", name="去我的首页").click()
        page.wait_for_url(f"{suite}/hub/home")

        # a volunteer lands on the shifts, and is told the team page is not theirs
        page.get_by_role("button", name="退出登录").click()
        sign_in(page, "li.volunteer")
        page.wait_for_url(f"{suite}/hub/volunteer")
        assert nav_links(page) == ["首页", "志愿者值班", "活动", "点餐", "服务事项", "我的账号"]
        page.goto(f"{suite}/hub/team")
        page.get_by_role("heading", name="这个页面不是给您的账号用的").wait_for()
        assert "请先登录" not in page.locator("main").inner_text()
        page.screenshot(path=str(artifacts_dir / "hub-not-for-this-role-zh.png"), full_page=True)

        # a resident lands on their home: sign-ups, and their orders in the canteen
        page.get_by_role("button", name="退出登录").click()
        sign_in(page, "wu.resident")
        page.wait_for_url(f"{suite}/hub/home")
        page.get_by_role("heading", name="我报名的活动").wait_for()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "hub-resident-home-zh.png"), full_page=True)
        page.get_by_role("link", name="我的订单和取餐号").click()
        page.wait_for_url(f"{suite}/canteen/order/north-bund/mine")
        page.get_by_text("您在这里还没有订单。").wait_for()

        # too many sign-in tries: a Chinese page that says to wait, with a way on
        page.get_by_role("button", name="退出登录").click()
        too_many = page.get_by_role("heading", name="尝试次数太多了")
        for _ in range(5):  # four tries a minute here (LINLI_LOGIN_RATE_LIMIT), the good one counted
            sign_in(page, "wu.resident", "wrong-password")
            page.wait_for_load_state()
            if too_many.count():
                break
        too_many.wait_for()
        assert "请等一分钟再试。" in page.locator("main").inner_text()
        assert page.get_by_role("link", name="返回上一页").is_visible()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "error-429-zh.png"), full_page=True)
        assert re.search(r"/hub/login$", page.url)
    finally:
        context.close()
