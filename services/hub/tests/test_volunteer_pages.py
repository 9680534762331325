import datetime as dt

from linli.hub.activities import service as activities
from linli.hub.extensions import db
from linli.hub.volunteers import service
from linli.hub.volunteers.models import HourLog, ShiftAssignment
from linli.shared.auth import Identity
from linli.shared.localtime import local_today

STAFF = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))


def volunteer_client(app, tokens, sub="v1"):
    client = app.test_client()
    client.set_cookie("linli_token", tokens("volunteer", sub=sub))
    return client


def post(client, url, **data):
    return client.post(url, data=data, headers={"Origin": "http://localhost"})


def test_volunteer_pages_sign_up_log_hours_and_register_activity(app, tokens):
    with app.test_request_context(method="POST"):
        service.generate_shifts("north-bund", "waste-sorting", start_date=local_today() + dt.timedelta(days=1),
                                days=2)
    client = volunteer_client(app, tokens)
    assert client.get("/volunteer").status_code == 200  # profile form first
    assert "成为志愿者" in client.get("/volunteer").get_data(as_text=True)
    assert post(client, "/volunteer/profile", display_name="李阿姨", talents="剪纸").status_code == 303

    page = client.get("/volunteer/shifts").get_data(as_text=True)
    assert page.count("垃圾分类值守") == 6 and "报名" in page
    english = client.get("/volunteer/shifts?lang=en").get_data(as_text=True)
    assert "Waste-sorting duty" in english and "Sign up" in english
    client.get("/volunteer/shifts?lang=zh_CN")  # the switch is remembered in a cookie; back to Chinese

    with app.app_context():
        shift_id = service.list_shifts("north-bund", start=service.utcnow(),
                                       end=service.utcnow() + dt.timedelta(days=7))[0][0].id
    fragment = client.post(f"/volunteer/shifts/{shift_id}/sign-up",
                           headers={"Origin": "http://localhost", "HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'id="shift-' in fragment.get_data(as_text=True) and 'id="notice"' in fragment.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ShiftAssignment).count() == 1

    # a cross-site form post is refused and changes nothing
    forged = client.post(f"/volunteer/shifts/{shift_id}/sign-up", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403

    logged = post(client, "/volunteer/hours", work_date=local_today().isoformat(), hours="2", note="值守")
    assert logged.status_code == 303
    hours_page = client.get("/volunteer/hours").get_data(as_text=True)
    assert "待审核" in hours_page
    with app.app_context():
        assert db.session.query(HourLog).one().minutes == 120

    tomorrow = (local_today() + dt.timedelta(days=3)).isoformat()
    made = post(client, "/volunteer/activities/new", title_zh="剪纸课", date=tomorrow, start="14:00", end="16:00",
                capacity="10", repeat_weeks="0")
    assert made.status_code == 303
    backwards = post(client, "/volunteer/activities/new", title_zh="剪纸课", date=tomorrow, start="16:00",
                     end="14:00", capacity="10")
    assert backwards.status_code == 303
    assert "结束时间必须晚于开始时间" in client.get(backwards.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        titles = [a.title_zh for _s, a in activities.list_sessions("north-bund")]
        assert titles == ["剪纸课"]


def test_pages_need_a_signed_in_volunteer(app, tokens):
    anonymous = app.test_client()
    assert anonymous.get("/volunteer/shifts").status_code == 401
    diner = app.test_client()
    diner.set_cookie("linli_token", tokens("diner", sub="d1"))
    assert diner.get("/volunteer").status_code == 403  # signed in, but not as a volunteer


def test_resident_signs_up_for_an_activity_page(app, tokens):
    start = service.utcnow() + dt.timedelta(days=2)
    with app.test_request_context(method="POST"):
        activities.create_activity(STAFF, community_id="north-bund", title_zh="葫芦丝乐队排练", capacity=1,
                                   organiser_kind="team", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    anonymous = app.test_client().get("/activities").get_data(as_text=True)
    assert "葫芦丝乐队排练" in anonymous and "登录后报名" in anonymous
    first = volunteer_client(app, tokens, "r1")
    page = first.get("/activities").get_data(as_text=True)
    session_id = int(page.split('id="session-')[1].split('"')[0])
    assert post(first, f"/activities/sessions/{session_id}/sign-up").status_code == 303
    assert "你已报名" in first.get("/activities").get_data(as_text=True)
    second = volunteer_client(app, tokens, "r2")
    post(second, f"/activities/sessions/{session_id}/sign-up")
    assert "候补" in second.get("/activities").get_data(as_text=True)


def test_swap_offer_is_answered_and_staff_approve_hours_on_pages(app, tokens):
    volunteer_a = Identity("va", frozenset({"volunteer"}), frozenset({"north-bund"}))
    with app.test_request_context(method="POST"):
        shift = service.generate_shifts("north-bund", "waste-sorting",
                                        start_date=local_today() + dt.timedelta(days=1), days=1)[0]
        service.save_profile(volunteer_a, community_id="north-bund", display_name="甲")
        b = service.save_profile(Identity("vb", frozenset({"volunteer"}), frozenset({"north-bund"})),
                                 community_id="north-bund", display_name="乙")
        given = service.sign_up(volunteer_a, shift.id)
        swap = service.propose_swap(volunteer_a, given.id, to_volunteer_id=b.id)
        service.log_hours(volunteer_a, community_id="north-bund", work_date=local_today(), minutes=90)
    client_b = volunteer_client(app, tokens, "vb")
    home = client_b.get("/volunteer").get_data(as_text=True)
    assert "甲 请你接这个班" in home
    assert post(client_b, f"/volunteer/swaps/{swap.id}/accept").status_code == 303
    assert "退出这个班次" in client_b.get("/volunteer").get_data(as_text=True)

    assert client_b.get("/volunteer/approvals").status_code == 403  # volunteers do not approve
    staff = app.test_client()
    staff.set_cookie("linli_token", tokens("staff", sub="staff-1"))
    page = staff.get("/volunteer/approvals").get_data(as_text=True)
    assert "甲" in page and "1.5 小时" in page
    with app.app_context():
        hours_id = db.session.query(HourLog).one().id
    assert post(staff, f"/volunteer/approvals/{hours_id}/approve").status_code == 303
    with app.app_context():
        assert db.session.get(HourLog, hours_id).status == "approved"
    assert "没有待审核的时长" in staff.get("/volunteer/approvals").get_data(as_text=True)


def test_volunteer_running_an_activity_checks_people_in(app, tokens):
    teacher = Identity("teacher", frozenset({"volunteer"}), frozenset({"north-bund"}))
    start = service.utcnow() + dt.timedelta(hours=1)
    with app.test_request_context(method="POST"):
        service.save_profile(teacher, community_id="north-bund", display_name="王老师")
        service.register_activity(teacher, community_id="north-bund", title_zh="书法班", capacity=1,
                                  starts_at=start, ends_at=start + dt.timedelta(hours=2))
        session_id = activities.list_sessions("north-bund")[0][0].id
        came = activities.sign_up(Identity("r1", frozenset({"diner"}), frozenset({"north-bund"}), name="张阿姨"),
                                  session_id)
        activities.sign_up(Identity("r2", frozenset({"diner"}), frozenset({"north-bund"}), name="周老伯"), session_id)
    client = volunteer_client(app, tokens, "teacher")
    home = client.get("/volunteer").get_data(as_text=True)
    assert "我组织的活动" in home and f"/volunteer/sessions/{session_id}" in home
    roster = client.get(f"/volunteer/sessions/{session_id}").get_data(as_text=True)
    assert "张阿姨" in roster and "候补 1 号" in roster and roster.count(">签到</button>") == 1
    assert post(client, f"/volunteer/registrations/{came.id}/check-in").status_code == 303
    assert "✓ 已到" in client.get(f"/volunteer/sessions/{session_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(activities.Registration, came.id).checked_in_by == "teacher"

    # at the front desk the teacher signs up a resident who has no phone, by name
    from linli.hub.people.models import Household, Resident

    with app.app_context():
        household = Household(community_id="north-bund", compound="瑞虹", building="3", unit="1", room="402")
        db.session.add(household)
        db.session.flush()
        db.session.add(Resident(household_id=household.id, community_id="north-bund", name="钱阿婆"))
        db.session.commit()
    missing = post(client, f"/volunteer/sessions/{session_id}/sign-up-resident", resident="无名氏")
    assert "找不到这个姓名或编号的居民" in client.get(missing.headers["Location"]).get_data(as_text=True)
    assert post(client, f"/volunteer/sessions/{session_id}/sign-up-resident", resident="钱阿婆").status_code == 303
    assert "钱阿婆" in client.get(f"/volunteer/sessions/{session_id}").get_data(as_text=True)


def test_odd_numbers_in_page_forms_get_a_message_not_an_error(app, tokens):
    client = volunteer_client(app, tokens, sub="v9")
    post(client, "/volunteer/profile", display_name="周老师")
    today = local_today().isoformat()
    for hours in ("inf", "nan", "1e400", "abc"):
        response = post(client, "/volunteer/hours", work_date=today, hours=hours)
        assert response.status_code == 303, hours
        assert "请填写日期和小时数" in client.get(response.headers["Location"]).get_data(as_text=True)
    for extra in ({"repeat_weeks": "x"}, {"capacity": "99999999999999"}, {"capacity": "1.5"}):
        data = {"title_zh": "书法课", "date": today, "start": "14:00", "end": "15:00", "capacity": "5", **extra}
        response = post(client, "/volunteer/activities/new", **data)
        assert response.status_code == 303, extra
    with app.app_context():
        assert db.session.query(HourLog).count() == 0
        assert activities.list_sessions("north-bund") == []
