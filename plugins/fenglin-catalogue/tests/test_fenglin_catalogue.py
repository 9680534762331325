"""The plugin's service items appear in Fenglin Huiyuan only, through the cases API and page."""

import pytest

from linli.cases.app import create_app


@pytest.fixture
def client(service_app):
    return service_app("cases", create_app).test_client()


def test_items_only_where_enabled(client):
    fenglin = {i["code"] for i in client.get("/api/communities/fenglin-huiyuan/service-items").json}
    north = {i["code"] for i in client.get("/api/communities/north-bund/service-items").json}
    assert {"fenglin-bathing-help", "fenglin-day-care", "fenglin-talk-room"} <= fenglin
    assert not {c for c in north if c.startswith("fenglin-")}
    care = {i["code"]: i for i in client.get("/api/communities/fenglin-huiyuan/service-items?q=day care").json}
    assert set(care) == {"elderly-day-care", "fenglin-day-care"}  # the subdistrict's care homes, and the hub's own
    assert "elderly-service room" in care["fenglin-day-care"]["description_en"]


def test_items_on_the_catalogue_page(client):
    page = client.get("/catalogue/fenglin-huiyuan?lang=en").get_data(as_text=True)
    assert "Bathing help booking" in page and "Day care registration" in page
