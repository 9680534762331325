"""The cases pages render for their readers, in Chinese first and in English, and drive the service:
catalogue search, booking by phone, the staff case page, the clearance board, a poll."""

import datetime as dt

from linli.cases.polls.service import record_household

ORIGIN = {"Origin": "http://localhost"}


def sign_in(client, tokens, *roles, sub="staff-gu", **claims):
    client.set_cookie("linli_token", tokens(*roles, sub=sub, **claims))


def test_catalogue_page_searches(client):
    page = client.get("/catalogue/fenglin-huiyuan?q=助浴").get_data(as_text=True)
    assert "助浴服务预约" in page and "找到1项。" in page
    english = client.get("/catalogue/north-bund?lang=en&delegated=true").get_data(as_text=True)
    assert "14 items found." in english and "Delegated: not one trip" in english
    odd = client.get("/catalogue/north-bund?mode=flying&delegated=maybe")
    assert odd.status_code == 200


def test_staff_pages_need_staff(client, tokens):
    for path in ("/staff/cases/north-bund", "/staff/clearance/north-bund"):
        assert client.get(path).status_code == 401
        sign_in(client, tokens, "diner", sub="resident")
        assert client.get(path).status_code == 403
        client.delete_cookie("linli_token")


def test_case_page_drives_the_case(client, tokens):
    sign_in(client, tokens, "staff")
    opened = client.post("/staff/cases/north-bund", data={"title": "楼道电瓶车充电", "category": "safety"},
                         headers=ORIGIN)
    assert opened.status_code == 303
    case_url = opened.headers["Location"]
    step = lambda name, **form: client.post(f"{case_url}/{name}", data=form, headers=ORIGIN)  # noqa: E731
    assert step("take-up").status_code == 303
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    step("invite", party_kind="property", party_name="北外滩物业公司", answer_due_on=due)
    page = client.get(case_url).get_data(as_text=True)
    assert "已约请相关方" in page and "北外滩物业公司" in page and "提篮桥社区单位" in page
    refused = step("resolve", summary="车库建好")  # nothing agreed yet: the page says so, the case stays
    assert refused.status_code == 303
    page = client.get(case_url).get_data(as_text=True)
    assert "这一步与当前进度不符。" in page and "已约请相关方" in page, page[page.find("<main"):page.find("<main") + 600]
    forged = client.post(f"{case_url}/take-up", data={}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    board = client.get("/staff/clearance/north-bund?lang=en").get_data(as_text=True)
    assert "Daily clearance" in board and "楼道电瓶车充电" in board


def test_poll_page_votes_once(app, client, tokens):
    with app.app_context():
        record_household(household_id=5, community_id="north-bund", label="5号", address="东海小区", active=True)
        app.extensions["linli"].db.session.commit()
    sign_in(client, tokens, "staff")
    poll = client.post("/api/polls", headers={"Authorization": f"Bearer {tokens('staff')}"}, json={
        "community_id": "north-bund", "title_zh": "楼道颜色", "closes_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat(),
        "options": [{"label_zh": "暖色"}, {"label_zh": "冷色"}]}).json
    url = f"/polls/north-bund/{poll['id']}"
    page = client.get(url).get_data(as_text=True)
    assert "楼道颜色" in page and "户号(上门收集的选票)" in page
    options = client.get(f"/api/polls/{poll['id']}/results").json["options"]
    assert client.post(url, data={"option_id": options[0]["id"], "household_id": "5"}, headers=ORIGIN).status_code == 303
    again = client.post(url, data={"option_id": options[1]["id"], "household_id": "5"}, headers=ORIGIN)
    assert again.status_code == 303
    results = client.get(f"/api/polls/{poll['id']}/results").json
    assert [o["votes"] for o in results["options"]] == [1, 0]
