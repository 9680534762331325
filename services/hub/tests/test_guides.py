"""Guides (``community_content``): the built-in Chinese waste-sorting guide with the duty hours, pages
in the reader's language or in Chinese saying so, later plugins replacing a page, and containment: a
plugin that raises leaves that community with the built-in guide and the other communities untouched."""

import pytest
import structlog

from linli.hub import hookimpl
from linli.hub.app import create_app
from linli.shared.testing.plugins import call_hook, metric_value

BROKEN, OWN = "broken_guides", "own_guides"


class Broken:
    @hookimpl
    def community_content(self, community, locale):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "the translation file")


class Own:
    """An English version of the built-in guide, a guide in Chinese only, and a page that is not one."""

    @hookimpl
    def community_content(self, community, locale):
        if locale == "en":
            return [{"slug": "waste-sorting", "title": "Sorting your waste",
                     "sections": [{"heading": "Wet waste", "items": ["Leftovers"]}]},
                    {"slug": "Bad Slug!", "title": "never shown"}, {"title": "no slug"}, "not a dict"]
        return [{"slug": "quiet-hours", "title": "午休时间请保持安静", "summary": "12:00–14:00",
                 "sections": [{"heading": "装修", "text": "工作日 8:00–12:00、14:00–18:00"}]}]


@pytest.fixture
def app(service_app, communities_with):
    return service_app("hub", create_app,
                       LINLI_COMMUNITIES_FILE=communities_with({"north-bund": [OWN], "fenglin-huiyuan": [BROKEN]}),
                       LINLI_EXTRA_PLUGINS=[(BROKEN, Broken()), (OWN, Own())])


def test_community_content_builtin_is_the_chinese_waste_guide_with_the_duty_hours(service_app):
    app = service_app("hub", create_app)
    [[guide]] = [answer for answer in call_hook(app, "ruihong", "community_content", locale="zh") if answer]
    assert guide["slug"] == "waste-sorting" and guide["title"] == "生活垃圾分类投放指南"
    assert [s["heading"] for s in guide["sections"]] == ["可回收物", "有害垃圾", "湿垃圾", "干垃圾", "投放时间和地点"]
    assert guide["sections"][-1]["items"] == ["07:00–09:00", "11:00–13:00", "18:00–20:00"]  # the built-in duty
    assert [a for a in call_hook(app, "ruihong", "community_content", locale="en") if a] == []
    client = app.test_client()
    page = client.get("/guides/ruihong/waste-sorting?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<article lang="zh-CN">' in html and "<h1>生活垃圾分类投放指南</h1>" in html
    assert "This guide has not been translated into English yet" in html
    assert "本指南尚无英文版" not in client.get("/guides/ruihong/waste-sorting?lang=zh_CN").get_data(as_text=True)
    index = client.get("/guides/ruihong?lang=en").get_data(as_text=True)
    assert "/guides/ruihong/waste-sorting?lang=en" in index and "Not translated yet" in index


def test_a_later_plugin_replaces_a_page_in_its_language_and_bad_pages_are_left_out(app, client):
    with structlog.testing.capture_logs() as logs:
        en = client.get("/guides/north-bund/waste-sorting?lang=en").get_data(as_text=True)
    assert "<h1>Sorting your waste</h1>" in en and "Leftovers" in en and "not been translated" not in en
    assert "<h1>生活垃圾分类投放指南</h1>" in client.get("/guides/north-bund/waste-sorting?lang=zh_CN").get_data(as_text=True)
    assert sorted(e["error"][:18] for e in logs if e["event"] == "guide.invalid") == [
        "a guide is a dict", "a guide needs a sl", "a guide needs a sl"]
    index = client.get("/guides/north-bund?lang=en").get_data(as_text=True)
    assert index.count('class="card"') == 2 and "午休时间请保持安静" in index and "never shown" not in index
    quiet = client.get("/guides/north-bund/quiet-hours?lang=en")
    assert quiet.status_code == 200 and "工作日 8:00–12:00、14:00–18:00" in quiet.get_data(as_text=True)


def test_unknown_guides_and_communities_answer_404(client):
    missing = client.get("/guides/north-bund/no-such-guide", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json["code"] == "unknown_guide"
    assert client.get("/guides/atlantis/waste-sorting", headers={"Accept": "application/json"}).status_code == 404
    page = client.get("/guides/north-bund/no-such-guide?lang=en", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_a_failing_community_content_falls_back_to_the_builtin_guide(app, client):
    with structlog.testing.capture_logs() as logs:
        fenglin = client.get("/guides/fenglin-huiyuan/waste-sorting?lang=en")
    assert fenglin.status_code == 200  # the built-in Chinese guide, not a 500
    assert "<h1>生活垃圾分类投放指南</h1>" in fenglin.get_data(as_text=True)
    assert "<h1>Sorting your waste</h1>" in client.get("/guides/north-bund/waste-sorting?lang=en").get_data(as_text=True)
    failures = [e for e in logs if e["event"] == "plugin.failed"]
    assert {(e["plugin"], e["hook"], e["community"]) for e in failures} == \
        {(BROKEN, "community_content", "fenglin-huiyuan")}
    assert metric_value(app, "linli_plugin_errors_total", service="hub", plugin=BROKEN, hook="community_content",
                        community="fenglin-huiyuan") == len(failures)
