"""In Chromium: staff look at the residents of North Bund (demo data), filter to those living alone,
add a resident to a household, then look at the community's accounts; axe finds nothing serious or
critical."""

import pytest

from linli.hub.demo import seed_demo_core
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]


def test_staff_people_page(app, tokens, live_server, browser_page, artifacts_dir):
    seed_demo_core(app)
    server = live_server(app, workers=1, threads=4)
    page = browser_page
    page.context.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="17"), "url": server.url}])
    page.goto(f"{server.url}/staff/people?community=north-bund")
    page.get_by_role("heading", name="居民与家庭").wait_for()
    assert page.locator("section.household.special").count() >= 1
    page.screenshot(path=str(artifacts_dir / "hub-staff-people.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="孤老").click()
    page.wait_for_url("**group=elderly_alone")
    households = page.locator("section.household")
    assert households.count() >= 1 and all("孤老" in households.nth(i).inner_text()
                                           for i in range(households.count()))
    first = households.first
    first.get_by_text("添加居民").click()
    first.get_by_label("姓名").fill("周阿姨")
    first.get_by_label("出生日期").fill("1944-02-03")
    first.get_by_role("button", name="添加这位居民").click()
    page.get_by_text("居民已添加。").wait_for()
    assert "周阿姨" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    page.locator("nav.site-nav").get_by_role("link", name="账号", exact=True).click()  # in the bar
    page.get_by_role("heading", name="账号", exact=True).wait_for()
    assert "nb.volunteer1" in page.locator("table").inner_text()
    page.screenshot(path=str(artifacts_dir / "hub-staff-accounts.png"), full_page=True)
    assert axe_violations(page) == []
