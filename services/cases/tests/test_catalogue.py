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


def summary(client, community):
    return client.get(f"/api/communities/{community}/service-items/summary").json


def test_catalogue_sized_like_the_seeds(client):
    north, fenglin = summary(client, "north-bund"), summary(client, "fenglin-huiyuan")
    # 140 items pre-reviewable online (网上预审); North Bund delegates 14 of them (委托办理)
    assert north["online_prereview"] == 140 and north["delegated"] == 14 and north["sunk_down"] == 0
    # Fenglin: the subdistrict's first 15 items sunk down to the hub, plus its own (助浴 bathing help)
    assert fenglin["sunk_down"] == 15 and fenglin["delegated"] == 0
    assert fenglin["items"] == north["items"] + 3
    delegated = client.get("/api/communities/north-bund/service-items?delegated=true").json
    assert all(i["online_prereview"] and "door_to_door" in i["modes"] for i in delegated)
    sunk = {i["code"] for i in client.get("/api/communities/fenglin-huiyuan/service-items?sunk_down=true").json}
    assert {"medical-insurance-card-replacement", "senior-card"} <= sunk


def test_search_by_words_mode_and_category(client):
    def codes(query):
        response = client.get(f"/api/communities/fenglin-huiyuan/service-items?{query}")
        assert response.status_code == 200, response.json
        return [i["code"] for i in response.json]

    assert codes("q=助浴") == ["fenglin-bathing-help"]
    assert codes("q=bathing help") == ["fenglin-bathing-help"]
    assert "senior-card" in codes("q=敬老卡")
    door = codes("mode=door_to_door&category=elderly")
    assert "long-term-care-insurance" in door and "fenglin-bathing-help" in door and "senior-card" not in door
    assert codes("q=医保卡 补办&category=medical_insurance") == ["medical-insurance-card-replacement"]
    assert codes("q=nothing-like-this") == []
    reports = codes("accepts_reports=true")
    assert "report-ebike-charging" in reports and len(reports) == 7
    item = client.get("/api/communities/north-bund/service-items/senior-card").json
    assert [d["name_zh"] for d in item["documents"]] == ["居民身份证", "一寸证件照"]


def test_bad_catalogue_queries_are_problems(client):
    for query, code in (("mode=flying", "validation_error"), ("delegated=perhaps", "validation_error"),
                        ("q=" + "x" * 201, "validation_error")):
        response = client.get(f"/api/communities/north-bund/service-items?{query}")
        assert response.status_code == 422 and response.json["code"] == code
    missing = client.get("/api/communities/north-bund/service-items/no-such-item")
    assert missing.status_code == 404 and missing.json["code"] == "unknown_service_item"
