"""fenglin-waste-guide: Huiyuan's waste-sorting guide in Chinese and English, with the waste room's
duty hours, on the hub's guide page of Fenglin Huiyuan only."""

import tomllib
from pathlib import Path

from linli.shared.testing.plugins import call_hook, plugin_answer

COMMUNITY = "fenglin-huiyuan"
OTHERS = ["north-bund", "ruihong"]
PLUGINS = ["fenglin_volunteer_shifts", "fenglin_waste_guide"]
HUIYUAN_HOURS = ["06:30–08:30", "11:00–13:00", "18:00–20:00"]  # fenglin_volunteer_shifts' waste-room duty


def test_community_content_gives_the_guide_in_chinese_and_english_with_the_duty_hours(community_app):
    app = community_app("hub", COMMUNITY, plugins=PLUGINS)
    [zh] = plugin_answer(app, "fenglin_waste_guide", "community_content", COMMUNITY, locale="zh")
    [en] = plugin_answer(app, "fenglin_waste_guide", "community_content", COMMUNITY, locale="en")
    assert (zh["slug"], en["slug"]) == ("waste-sorting", "waste-sorting")  # replaces the built-in guide
    assert (zh["title"], en["title"]) == ("汇园垃圾分类指南", "Waste sorting at Huiyuan")
    # the translation says the same as the original, section by section
    assert len(zh["sections"]) == len(en["sections"]) == 6
    for original, translation in zip(zh["sections"], en["sections"], strict=True):
        assert len(original.get("items", [])) == len(translation.get("items", []))
    assert [s["heading"] for s in en["sections"][:4]] == [
        "Recyclables (可回收物)", "Hazardous waste (有害垃圾)", "Wet waste (湿垃圾)", "Dry waste (干垃圾)"]
    hours = {section["heading"]: section for section in en["sections"]}["When and where"]
    assert hours["items"] == HUIYUAN_HOURS and "Huiyuan waste room" in hours["text"]
    assert plugin_answer(app, "fenglin_waste_guide", "community_content", COMMUNITY, locale="fr") is None
    # with the built-in duty only (no Huiyuan shifts plugin) the guide follows the built-in hours
    plain = community_app("hub", COMMUNITY, plugins=["fenglin_waste_guide"])
    [en] = plugin_answer(plain, "fenglin_waste_guide", "community_content", COMMUNITY, locale="en")
    assert en["sections"][4]["items"] == ["07:00–09:00", "11:00–13:00", "18:00–20:00"]


def test_the_credit_comes_from_the_settings(community_app):
    app = community_app("hub", COMMUNITY, plugins=PLUGINS,
                        settings={"fenglin_waste_guide": {"credit_en": "Translated by Ms Chen, building 7."}})
    pages = call_hook(app, COMMUNITY, "community_content", locale="en")
    assert {"Translated by Ms Chen, building 7."} == {page["credit"] for answer in pages for page in answer or ()}


def test_the_guide_page_is_in_english_for_fenglin_only(community_app):
    app = community_app("hub", COMMUNITY, plugins=PLUGINS)
    client = app.test_client()
    en = client.get(f"/guides/{COMMUNITY}/waste-sorting?lang=en")
    assert en.status_code == 200
    html = en.get_data(as_text=True)
    assert '<article lang="en">' in html and "<h1>Waste sorting at Huiyuan</h1>" in html
    assert all(hours in html for hours in HUIYUAN_HOURS) and "not been translated" not in html
    zh = client.get(f"/guides/{COMMUNITY}/waste-sorting?lang=zh_CN").get_data(as_text=True)
    assert '<article lang="zh-CN">' in zh and "<h1>汇园垃圾分类指南</h1>" in zh
    index = client.get(f"/guides/{COMMUNITY}?lang=en").get_data(as_text=True)
    assert "Waste sorting at Huiyuan" in index
    for other in OTHERS:  # the built-in guide, in Chinese, saying it has no English yet
        page = client.get(f"/guides/{other}/waste-sorting?lang=en").get_data(as_text=True)
        assert "生活垃圾分类投放指南" in page and "not been translated into English" in page
        assert "Huiyuan" not in page


def test_it_is_enabled_for_fenglin_huiyuan_only():
    with open(Path(__file__).resolve().parents[3] / "communities.toml", "rb") as handle:
        communities = tomllib.load(handle)["communities"]
    enabled = sorted(cid for cid, community in communities.items() if "fenglin_waste_guide" in community["plugins"])
    assert enabled == [COMMUNITY]
