"""In Chromium: a resident from abroad opens Huiyuan's guide list, reads the waste-sorting guide in
English and switches to Chinese; axe finds nothing serious; the phone-sized page does not scroll sideways."""

import pytest

from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]
COMMUNITY = "fenglin-huiyuan"


def test_a_foreign_resident_reads_the_waste_guide_in_english(community_app, live_server, browser_page,
                                                             artifacts_dir):
    app = community_app("hub", COMMUNITY, plugins=["fenglin_volunteer_shifts", "fenglin_waste_guide"])
    server = live_server(app, workers=1, threads=2)
    page = browser_page

    page.goto(f"{server.url}/guides/{COMMUNITY}?lang=en")
    assert page.locator("h1").inner_text() == "Guides"
    page.get_by_role("link", name="Waste sorting at Huiyuan").click()
    page.wait_for_url(f"**/guides/{COMMUNITY}/waste-sorting?lang=en")
    assert page.locator("article").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Waste sorting at Huiyuan"
    headings = page.locator("article h2").all_inner_texts()
    assert headings == ["Recyclables (可回收物)", "Hazardous waste (有害垃圾)", "Wet waste (湿垃圾)",
                        "Dry waste (干垃圾)", "When and where", "Questions?"]
    hours = page.get_by_role("region", name="When and where")
    assert hours.locator("li").all_inner_texts() == ["06:30–08:30", "11:00–13:00", "18:00–20:00"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts_dir / "hub-guide-fenglin-en.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="中文").click()
    page.wait_for_url("**lang=zh_CN")
    assert page.locator("h1").inner_text() == "汇园垃圾分类指南"
    assert page.locator("article").get_attribute("lang") == "zh-CN"
    page.screenshot(path=str(artifacts_dir / "hub-guide-fenglin-zh.png"), full_page=True)
    assert axe_violations(page) == []
