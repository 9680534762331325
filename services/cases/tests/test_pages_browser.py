"""In Chromium: a member of staff drives one case through every state on the case page, reopens it,
and reads the clearance board; residents search the catalogue, book an appointment and vote.
Screenshots in Chinese and English land in test-artifacts/; axe finds nothing serious or critical."""

import datetime as dt

import pytest

from linli.cases.casework.sla import LOCAL_TZ
from linli.cases.polls.service import record_household
from linli.shared.auth import mint_token
from linli.shared.keys import ensure_signing_key
from linli.shared.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.engines("sqlite")]


def clean(page):
    assert axe_violations(page) == []


def overdue_and_due_soon_cases(app, client, auth):
    """Two more cases for the board: one past its first-response deadline, one due in three hours."""
    import sqlalchemy as sa

    from linli.cases.casework.models import Deadline

    now = dt.datetime.now(dt.UTC)
    for title, category, due in (("食堂午餐鸡肉没熟", "food_safety", now - dt.timedelta(hours=5)),
                                 ("5号楼楼道灯坏了", "facilities", now + dt.timedelta(hours=3))):
        case = client.post("/api/cases", headers=auth("staff", sub="陈晓"), json={
            "community_id": "north-bund", "title": title, "category": category, "assigned_to": "陈晓"}).json
        with app.app_context():
            db = app.extensions["linli"].db
            db.session.execute(sa.update(Deadline).where(Deadline.case_id == case["id"]).values(due_at=due))
            db.session.commit()


def test_one_case_through_every_state_in_chromium(app, client, auth, tokens, live_server, browser_page,
                                                  artifacts_dir):
    overdue_and_due_soon_cases(app, client, auth)
    server = live_server(app, workers=1, threads=4)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="顾薇"), "url": server.url}])
    page.goto(f"{server.url}/staff/cases/north-bund")
    page.get_by_text("立案", exact=True).first.click()
    page.get_by_label("标题").fill("东海小区电瓶车楼道充电")
    page.get_by_label("类别").select_option("safety")
    page.get_by_label("情况描述").fill("3号楼楼道每晚有电瓶车飞线充电,居民担心火灾。")
    page.get_by_role("button", name="立案", exact=True).click()
    page.get_by_role("heading", name="东海小区电瓶车楼道充电").wait_for()
    state = page.locator("#case-state")

    def step(button, expect):
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
        assert state.inner_text() == expect, page.locator("main").inner_text()[:500]

    step("受理", "居委会已受理")
    page.get_by_label("答复期限").fill((dt.date.today() + dt.timedelta(days=3)).isoformat())
    assert page.get_by_label("单位", exact=True).input_value() == "北外滩物业公司"  # proposed by route_case
    step("约请", "已约请相关方")
    page.get_by_role("button", name="同意参加 – 北外滩物业公司").click()
    page.get_by_text("答复已记录。").wait_for()
    held = (dt.datetime.now(LOCAL_TZ) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("会议时间").fill(held)
    page.get_by_label("地点").fill("居委会议事厅")
    page.get_by_label("参会人(每行一位)").fill("居委会 顾薇\n北外滩物业 王经理\n提篮桥社区单位 李科长")
    page.get_by_label("会议纪要").fill("社区单位仓库的一半改建非机动车停车库,配标准充电桩、干粉灭火装置和自动报警装置。")
    step("保存会议纪要", "协商中")
    page.get_by_label("事项", exact=True).fill("改建非机动车停车库")
    page.get_by_label("责任方").fill("北外滩物业公司")
    page.get_by_label("完成期限").fill((dt.date.today() + dt.timedelta(days=20)).isoformat())
    step("商定", "已商定措施")
    page.get_by_label("佐证").fill("车库已验收,照片存档")
    step("标记完成 – 改建非机动车停车库", "已商定措施")
    page.get_by_label("解决情况").fill("非机动车停车库建成,楼道不再充电。")
    page.get_by_label("出资方(每行一个)").fill("居委自治项目\n北外滩物业")
    step("办结解决", "已解决")
    step("记录回访", "已回访")
    page.get_by_label("居民", exact=True).fill("resident-1")
    step("记录评价", "满意度评价")
    step("办结归档", "已办结")
    timeline = page.locator(".timeline li")
    assert timeline.count() == 11
    page.screenshot(path=str(artifacts_dir / "cases-case-closed-zh.png"), full_page=True)
    clean(page)
    page.goto(page.url + "?lang=en")
    assert state.inner_text() == "Closed"
    assert "We invited 北外滩物业公司 to talk it over with us." in page.locator(".timeline").inner_text()
    page.screenshot(path=str(artifacts_dir / "cases-case-closed-en.png"), full_page=True)
    clean(page)
    page.get_by_text("Reopen", exact=True).first.click()
    page.get_by_label("Reason").fill("Someone charges in the corridor again")
    step("Reopen", "Taken up by the committee")

    page.goto(f"{server.url}/staff/clearance/north-bund?lang=zh_CN")
    page.get_by_role("heading", name="日日清").wait_for()
    rows = page.locator("table").first.inner_text()
    assert rows.index("食堂午餐鸡肉没熟") < rows.index("5号楼楼道灯坏了") < rows.index("东海小区电瓶车楼道充电")
    assert page.locator(".timer-overdue").count() == 1 and page.locator(".timer-due_soon").count() == 1
    page.screenshot(path=str(artifacts_dir / "cases-clearance-zh.png"), full_page=True)
    clean(page)
    page.goto(f"{server.url}/staff/clearance/north-bund?lang=en")
    page.get_by_role("heading", name="Daily clearance").wait_for()
    page.screenshot(path=str(artifacts_dir / "cases-clearance-en.png"), full_page=True)
    clean(page)


def test_residents_search_book_and_vote_in_chromium(app, client, auth, live_server, browser_page, artifacts_dir):
    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    staff = auth("staff", communities=["fenglin-huiyuan"])
    slot = client.post("/api/appointments/slots", headers=staff, json={
        "community_id": "fenglin-huiyuan", "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(minutes=30)).isoformat(), "capacity": 2, "door_to_door": True}).json
    with app.app_context():
        record_household(household_id=12, community_id="fenglin-huiyuan", label="3号502室", address="徐家汇花园",
                         active=True)
        app.extensions["linli"].db.session.commit()
    poll = client.post("/api/polls", headers=staff, json={
        "community_id": "fenglin-huiyuan", "title_zh": "美丽楼道配色征询", "title_en": "Stairway colours",
        "kind": "beautiful_stairway", "closes_at": (start + dt.timedelta(days=5)).isoformat(),
        "options": [{"label_zh": "暖色调", "label_en": "Warm"}, {"label_zh": "冷色调", "label_en": "Cool"}]}).json
    server = live_server(app, workers=1, threads=4)
    key = ensure_signing_key(app.config["LINLI_VAR_DIR"])
    token = mint_token(key, issuer="linli-hub", audience="linli", subject="wu-ayi", roles=["diner"],
                       communities=["fenglin-huiyuan"], extra={"household_id": 12})
    page = browser_page
    page.context.add_cookies([{"name": "linli_token", "value": token, "url": server.url}])

    page.goto(f"{server.url}/catalogue/fenglin-huiyuan")
    page.get_by_label("搜索").fill("助浴")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("heading", name="助浴服务预约").wait_for()
    page.screenshot(path=str(artifacts_dir / "cases-catalogue-zh.png"), full_page=True)
    clean(page)
    page.get_by_role("link", name="预约办理 – 助浴服务预约").click()
    page.get_by_label("上门办", exact=True).check()
    page.get_by_label("您的姓名").fill("吴阿姨")
    page.get_by_label("电话").fill("13800000000")
    page.get_by_label("地址(上门办理时填写)").fill("徐家汇花园3号502室")
    page.screenshot(path=str(artifacts_dir / "cases-book-zh.png"), full_page=True)
    clean(page)
    page.get_by_role("button", name="预约").click()
    page.get_by_role("heading", name="您的预约").wait_for()
    assert "材料清单" in page.locator("main").inner_text()
    clean(page)
    assert slot["id"]

    page.goto(f"{server.url}/polls/fenglin-huiyuan/{poll['id']}?lang=en")
    page.get_by_label("Cool").check()
    page.get_by_role("button", name="Vote").click()
    page.get_by_text("Thank you, your household's vote is counted.").wait_for()
    assert "1 of 1 households voted" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "cases-poll-en.png"), full_page=True)
    clean(page)
