"""ruihong-ebike: Ruihong's items answer with its settings, and only where the plugin is enabled."""

from linli.shared.testing.plugins import call_hook, create_app_of, plugin_answer

COMMUNITY = "ruihong"
OTHERS = ["north-bund", "fenglin-huiyuan"]


def test_service_items_name_the_community_garage(community_app):
    app = community_app("cases", COMMUNITY, plugins=["ruihong_ebike"],
                        settings={"ruihong_ebike": {"garage_zh": "3号仓库充电车库", "garage_en": "warehouse 3 garage"}})
    garage, fire = plugin_answer(app, "ruihong_ebike", "service_items", COMMUNITY)
    assert garage["name_zh"] == "电动自行车3号仓库充电车库车位登记"
    assert garage["name_en"] == "E-bike place in the warehouse 3 garage"
    assert fire["modes"] == ["door_to_door"]
    # the built-in catalogue answers beside it
    assert len(call_hook(app, COMMUNITY, "service_items")) >= 2


def test_the_catalogue_lists_the_items_only_where_enabled(community_app):
    app = community_app("cases", COMMUNITY, plugins=["ruihong_ebike"])
    client = app.test_client()
    items = {i["code"]: i for i in client.get(f"/api/communities/{COMMUNITY}/service-items").json}
    assert items["ruihong-ebike-garage"]["online_prereview"] is True
    assert "ruihong-fire-check" in items
    found = client.get(f"/api/communities/{COMMUNITY}/service-items?q=e-bike").json
    assert "ruihong-ebike-garage" in {i["code"] for i in found}  # its keywords are searchable
    page = client.get(f"/catalogue/{COMMUNITY}?lang=en").get_data(as_text=True)
    assert "Home fire-safety check" in page
    for other in OTHERS:
        assert not {i["code"] for i in client.get(f"/api/communities/{other}/service-items").json
                    if i["code"].startswith("ruihong-")}


def test_the_project_communities_file_enables_it_for_ruihong(service_app):
    client = service_app("cases", create_app_of("cases")).test_client()  # the project's communities.toml
    assert "ruihong-ebike-garage" in {i["code"] for i in client.get("/api/communities/ruihong/service-items").json}
