"""The shared layout renders in real Chromium, Chinese first with an English switch, and passes axe."""

from linli.shared.testing.browser import axe_violations


def test_catalogue_page_in_chromium(browser_page, live_server, service_app, artifacts_dir, engine):
    from linli.cases.app import create_app

    server = live_server(service_app("cases", create_app), workers=1, threads=2)
    browser_page.goto(f"{server.url}/catalogue/fenglin-huiyuan")
    assert browser_page.locator("h1").inner_text() == "服务事项"
    assert browser_page.get_by_role("heading", name="助浴服务预约").is_visible()
    browser_page.screenshot(path=str(artifacts_dir / f"cases-catalogue-zh-{engine}.png"), full_page=True)
    assert axe_violations(browser_page) == []
    browser_page.get_by_role("link", name="English").click()
    assert browser_page.locator("h1").inner_text() == "Service items"
    assert browser_page.get_by_role("heading", name="Bathing help booking").is_visible()
    browser_page.screenshot(path=str(artifacts_dir / f"cases-catalogue-en-{engine}.png"), full_page=True)
