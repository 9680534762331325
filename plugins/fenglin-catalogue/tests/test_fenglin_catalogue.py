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


def test_items_on_the_catalogue_page(client):
    page = client.get("/catalogue/fenglin-huiyuan?lang=en").get_data(as_text=True)
    assert "Bathing help booking" in page and "Day care registration" in page
