"""In Chromium, the committee dashboard on the three services' demo data (canteen, cases and hub
under gunicorn, the hub reading the others through their summary APIs): 1920×1080 and 390×844, zh
and en, nothing wider than the phone, axe finds nothing serious or critical; with the canteen
stopped its tile says unavailable and the other tiles still show their figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from linli.shared.localtime import local_today
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]
HY, NB = "fenglin-huiyuan", "north-bund"
SIZES = {"wall": (1920, 1080), "phone": (390, 844)}
UNAVAILABLE = {"zh_CN": "暂时无法读取", "en": "Unavailable just now"}


def test_dashboard_in_chromium_and_with_a_service_down(dashboard_suite, live_server, tokens, browser_page,
                                                        artifacts_dir):
    canteen, manager = dashboard_suite.canteen, dashboard_suite.manager
    # gunicorn's workers build their own app: they get the summary settings from the environment
    hub = live_server(dashboard_suite.hub_app, workers=1, threads=4, env={
        "LINLI_SERVICE_URLS": json.dumps(dashboard_suite.service_urls), "LINLI_SUMMARY_TIMEOUT": str(dashboard_suite.hub_app.config["LINLI_SUMMARY_TIMEOUT"])})
    page = browser_page
    blocked: list[str] = []  # what the pages' Content-Security-Policy refused (an inline style or script)
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.context.add_cookies([{"name": "linli_token", "url": hub.url,
                               "value": tokens("staff", "manager", communities=[HY, NB], sub=manager)}])
    day = local_today() - dt.timedelta(days=1)  # yesterday: the demo's canteen weighed every service
    url = f"{hub.url}/staff/dashboard?community={HY}&day={day}"

    for lang in ("zh_CN", "en"):
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{url}&lang={lang}")
            page.locator("#tile-canteen").wait_for()
            assert UNAVAILABLE[lang] not in page.locator("main").inner_text()
            for tile in ("canteen", "cases", "visits"):
                assert page.locator(f"#tile-{tile} dd").count() > 0, tile
            # nothing pushes the page sideways, and no chart spills out of its tile
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            for chart in page.locator("main svg, main canvas").all():
                box, tile_box = chart.bounding_box(), chart.locator("xpath=ancestor::section[1]").bounding_box()
                if box and tile_box:
                    assert box["x"] >= tile_box["x"] - 1 and box["x"] + box["width"] <= tile_box["x"] + tile_box["width"] + 1
            page.screenshot(path=str(artifacts_dir / f"hub-dashboard-{size}-{lang}.png"), full_page=True)
            assert axe_violations(page) == []

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{hub.url}/staff/dashboard/subdistrict?day={day}&lang=zh_CN")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    page.screenshot(path=str(artifacts_dir / "hub-dashboard-subdistrict-zh_CN.png"), full_page=True)
    assert axe_violations(page) == []

    # the weekly digest prints from its button (a listener: the policy runs no inline handler)
    page.goto(f"{hub.url}/staff/dashboard/digest?community={HY}&lang=en")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
    assert page.locator(".tile").first.evaluate("e => getComputedStyle(e).borderRadius") != "0px"  # dashboard.css
    assert blocked == []

    # the canteen stops: its tile says so, the others keep their figures
    canteen.stop()
    for lang in ("zh_CN", "en"):
        page.goto(f"{url}&lang={lang}")
        page.locator("#tile-canteen").wait_for()
        assert UNAVAILABLE[lang] in page.locator("#tile-canteen").inner_text()
        assert page.locator("#tile-canteen dd").count() == 0
        for tile in ("cases", "visits"):
            assert UNAVAILABLE[lang] not in page.locator(f"#tile-{tile}").inner_text()
            assert page.locator(f"#tile-{tile} dd").count() > 0, tile
        page.screenshot(path=str(artifacts_dir / f"hub-dashboard-canteen-down-{lang}.png"), full_page=True)
        assert axe_violations(page) == []
    assert blocked == []
