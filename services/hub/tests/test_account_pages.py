"""Staff open accounts on a page, managers disable them, everyone changes their own password."""

import sqlalchemy as sa

from linli.hub.accounts import service
from linli.hub.accounts.models import Account
from linli.hub.extensions import db

ORIGIN = {"Origin": "http://localhost"}


def signed_in_client(app, username, password="linli-demo"):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password}, headers=ORIGIN)
    assert response.status_code == 303, response.get_data(as_text=True)[:200]
    return client


def make(app, username, roles, kind="staff"):
    with app.app_context():
        return service.create_account(None, username=username, password="linli-demo", display_name=username,
                                      kind=kind, roles=roles, communities=["north-bund"]).id


def test_staff_open_a_volunteer_account_which_signs_in_and_changes_its_password(app):
    make(app, "nb.staff", ["staff"])
    staff = signed_in_client(app, "nb.staff")
    page = staff.get("/staff/accounts?community=north-bund").get_data(as_text=True)
    assert "开通账号" in page and "nb.staff" in page and "停用" not in page  # staff may not disable
    opened = staff.post("/staff/accounts?community=north-bund", headers=ORIGIN, follow_redirects=True,
                        data={"display_name": "王老师", "username": "Wang.Laoshi", "kind": "volunteer",
                              "password": "first-pass-1"})
    assert "账号已开通" in opened.get_data(as_text=True)
    with app.app_context():
        account = db.session.scalar(sa.select(Account).where(Account.username == "wang.laoshi"))
        assert account.roles == ["diner", "volunteer"] and account.communities == ["north-bund"]
    volunteer = signed_in_client(app, "wang.laoshi", "first-pass-1")
    differ = volunteer.post("/account", headers=ORIGIN, follow_redirects=True, data={
        "current_password": "first-pass-1", "new_password": "my-own-pass", "repeat_password": "my-own-pas"})
    assert "两次输入的新密码不一样" in differ.get_data(as_text=True)
    changed = volunteer.post("/account", headers=ORIGIN, follow_redirects=True, data={
        "current_password": "first-pass-1", "new_password": "my-own-pass", "repeat_password": "my-own-pass"})
    assert "密码已修改" in changed.get_data(as_text=True)
    signed_in_client(app, "wang.laoshi", "my-own-pass")


def test_bad_account_forms_change_nothing(app):
    make(app, "nb.staff", ["staff"])
    make(app, "taken.name", ["diner"], kind="resident")
    staff = signed_in_client(app, "nb.staff")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Account))
    for data, message in (
            ({"display_name": "x", "username": "ab", "kind": "resident", "password": "long-enough"}, "请检查"),
            ({"display_name": "x", "username": "new.one", "kind": "resident", "password": "short"}, "请检查"),
            ({"display_name": "x", "username": "new.two", "kind": "staff", "password": "long-enough"}, "请检查"),
            ({"display_name": "x", "username": "taken.name", "kind": "resident", "password": "long-enough"},
             "taken.name")):
        response = staff.post("/staff/accounts?community=north-bund", headers=ORIGIN, data=data,
                              follow_redirects=True)
        assert message in response.get_data(as_text=True), data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == before


def test_a_manager_disables_and_enables_an_account(app):
    make(app, "nb.manager", ["manager", "staff"])
    target = make(app, "nb.volunteer", ["volunteer"], kind="volunteer")
    manager = signed_in_client(app, "nb.manager")
    assert "停用 nb.volunteer" in manager.get("/staff/accounts?community=north-bund").get_data(as_text=True)
    manager.post(f"/staff/accounts/{target}/disable?community=north-bund", headers=ORIGIN)
    refused = app.test_client().post("/login", data={"username": "nb.volunteer", "password": "linli-demo"},
                                     headers=ORIGIN)
    assert refused.status_code == 403
    manager.post(f"/staff/accounts/{target}/enable?community=north-bund", headers=ORIGIN)
    signed_in_client(app, "nb.volunteer")
    staff_only = signed_in_client(app, "nb.manager")  # a plain staff member may not: see the first test
    assert staff_only.get("/staff/accounts?community=fenglin-huiyuan").status_code == 403
