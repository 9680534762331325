"""route_case: the built-in default reads the community's settings; a community plugin replaces it
for its own community only."""

from linli.cases import hookimpl
from linli.cases.app import create_app


class ParkingRouter:
    @hookimpl
    def route_case(self, community, case):
        if case.category != "parking":
            return None  # leave other categories to the built-in default
        return [{"kind": "department", "name": "区交警支队", "contact": "021-0000"}]


def open_case(client, auth, community, category):
    headers = auth("staff", communities=[community])
    case = client.post("/api/cases", headers=headers, json={
        "community_id": community, "title": "停车难", "category": category}).json
    return client.get(f"/api/cases/{case['id']}/proposed-invitations", headers=headers).json


def test_builtin_routing_from_settings(client, auth):
    assert [p["name"] for p in open_case(client, auth, "north-bund", "food_safety")] == [
        "北外滩市场监督管理所", "北外滩社区食堂"]
    assert open_case(client, auth, "north-bund", "other") == []


def test_a_community_plugin_replaces_route_case(service_app, communities_with, auth):
    app = service_app("cases", create_app, LINLI_EXTRA_PLUGINS=[("parking_router", ParkingRouter())],
                      LINLI_COMMUNITIES_FILE=communities_with({"north-bund": ["parking_router"]}))
    client = app.test_client()
    assert open_case(client, auth, "north-bund", "parking") == [
        {"kind": "department", "name": "区交警支队", "contact": "021-0000", "invited": False}]
    # other categories still get the built-in default, and Fenglin never sees the plugin
    assert [p["name"] for p in open_case(client, auth, "north-bund", "property")] == ["北外滩物业公司", "东海小区业委会"]
    assert open_case(client, auth, "fenglin-huiyuan", "parking") == []
