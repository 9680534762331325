"""The staff page of residents and households: staff of the community only, special households
marked and their listing audited, households and residents added through forms checked by the
API's schemas, and bad forms change nothing."""

import pytest
import sqlalchemy as sa

from linli.hub.extensions import db, shared_models
from linli.hub.people.models import Household, Resident
from linli.hub.testing import make_households

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def households(app):
    return make_households(app)


def staff_client(app, tokens, communities=("north-bund",)):
    client = app.test_client()
    client.set_cookie("linli_token", tokens("staff", communities=list(communities), sub="17"))
    return client


def counts(app):
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Household)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Resident)))


def test_only_staff_of_the_community_see_the_page(app, tokens, households):
    anonymous = app.test_client().get("/staff/people?community=north-bund")
    assert anonymous.status_code == 401
    volunteer = app.test_client()
    volunteer.set_cookie("linli_token", tokens("volunteer", sub="v1"))
    assert volunteer.get("/staff/people?community=north-bund").status_code == 403  # signed in, not staff
    other = staff_client(app, tokens, communities=("fenglin-huiyuan",))
    refused = other.get("/staff/people?community=north-bund")
    assert refused.status_code == 403 and "赵阿婆" not in refused.get_data(as_text=True)


def test_staff_see_households_with_age_bands_groups_and_languages_and_the_listing_is_audited(app, tokens,
                                                                                             households):
    page = staff_client(app, tokens).get("/staff/people?community=north-bund").get_data(as_text=True)
    assert "共 2 户、2 位居民" in page
    assert "瑞虹新城 3号楼 2单元 601室" in page and "赵阿婆" in page and "80+" in page and "孤老" in page
    assert "上海话" in page and "Tom Baker" in page
    only_alone = staff_client(app, tokens).get("/staff/people?community=north-bund&group=elderly_alone")
    assert "赵阿婆" in only_alone.get_data(as_text=True) and "Tom Baker" not in only_alone.get_data(as_text=True)
    with app.app_context():
        entries = db.session.scalars(sa.select(shared_models.AuditLogEntry)).all()
        assert {(e.actor, e.action, e.subject_id) for e in entries} == {
            ("17", "household.list", str(households["special"]))}
        assert len(entries) == 2  # two listings, each audited; the ordinary household never


def test_staff_register_a_household_and_a_resident(app, tokens, households):
    client = staff_client(app, tokens)
    added = client.post("/staff/households?community=north-bund", headers=ORIGIN, follow_redirects=True,
                        data={"compound": "提篮桥小区", "building": "12", "unit": "", "room": "203", "phone": ""})
    assert "家庭已登记。" in added.get_data(as_text=True)
    with app.app_context():
        household = db.session.scalar(sa.select(Household).where(Household.compound == "提篮桥小区"))
        assert (household.building, household.room, household.phone) == ("12", "203", None)
    resident = client.post(f"/staff/households/{household.id}/residents?community=north-bund", headers=ORIGIN,
                           follow_redirects=True,
                           data={"name": "钱伯伯", "birth_date": "1950-10-11", "gender": "m",
                                 "languages": "zh, shanghainese", "groups": ["disabled"]})
    assert "居民已添加。" in resident.get_data(as_text=True)
    with app.app_context():
        added_resident = db.session.scalar(sa.select(Resident).where(Resident.name == "钱伯伯"))
        assert added_resident.groups == ["disabled"] and added_resident.languages == ["zh", "shanghainese"]


@pytest.mark.parametrize("data", [
    {"name": "", "birth_date": "1950-10-11"},
    {"name": "未来人", "birth_date": "2999-01-01"},
    {"name": "日期错", "birth_date": "1950-13-45"},
    {"name": "群体错", "groups": ["vip"]},
    {"name": "性别错", "gender": "q"},
])
def test_a_bad_resident_form_changes_nothing(app, tokens, households, data):
    client = staff_client(app, tokens)
    before = counts(app)
    response = client.post(f"/staff/households/{households['ordinary']}/residents?community=north-bund",
                           headers=ORIGIN, data=data, follow_redirects=True)
    assert response.status_code == 200 and "请检查：" in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_household_registered_twice_or_in_another_community_changes_nothing(app, tokens, households):
    client = staff_client(app, tokens)
    before = counts(app)
    again = client.post("/staff/households?community=north-bund", headers=ORIGIN, follow_redirects=True,
                        data={"compound": "瑞虹新城", "building": "5", "room": "102"})
    assert "这户家庭已经登记过了。" in again.get_data(as_text=True)
    elsewhere = client.post("/staff/households?community=fenglin-huiyuan", headers=ORIGIN,
                            data={"compound": "汇园", "building": "1", "room": "101"})
    assert elsewhere.status_code == 403  # not staff of that community: refused before the action runs
    forged = client.post("/staff/households?community=north-bund", data={"compound": "x", "building": "1",
                                                                         "room": "1"})
    assert forged.status_code == 403  # no Origin: not from our page
    assert counts(app) == before
