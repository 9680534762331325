def test_builtin_catalogue_in_north_bund(client):
    response = client.get("/api/communities/north-bund/service-items")
    assert response.status_code == 200
    codes = {item["code"] for item in response.json}
    assert "senior-card" in codes
    assert not any(code.startswith("fenglin-") for code in codes)


def test_fenglin_plugin_only_in_fenglin(client):
    fenglin = {i["code"]: i for i in client.get("/api/communities/fenglin-huiyuan/service-items").json}
    north = {i["code"]: i for i in client.get("/api/communities/north-bund/service-items").json}
    assert "fenglin-bathing-help" in fenglin and "fenglin-bathing-help" not in north
    # the plugin replaces a built-in item in its own community only
    assert fenglin["medical-insurance-card-replacement"]["handling"] == "on_the_spot"
    assert north["medical-insurance-card-replacement"]["handling"] == "passed_on"


def test_unknown_community_is_404_problem(client):
    response = client.get("/api/communities/atlantis/service-items")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "unknown_community"
