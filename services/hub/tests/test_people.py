import datetime as dt

import pytest
import sqlalchemy as sa

from linli.hub.extensions import db, shared_models
from linli.hub.people import service
from linli.hub.people.models import Household, Resident
from linli.hub.testing import make_households
from linli.shared.communities import Community
from linli.shared.errors import NotFound, Unprocessable


@pytest.fixture
def households(app):
    return make_households(app)


def audit_rows(app):
    with app.app_context():
        entry = shared_models.AuditLogEntry
        return [(e.actor, e.action, e.subject_id) for e in db.session.scalars(sa.select(entry).order_by(entry.id))]


def test_staff_reads_household_and_special_reads_are_audited(app, client, auth, households):
    staff = auth("staff", communities=["north-bund"], sub="17")
    special = client.get(f"/api/people/households/{households['special']}", headers=staff)
    assert special.status_code == 200
    resident = special.json["residents"][0]
    assert resident["groups"] == ["elderly_alone"] and resident["age_band"] == "80+"
    assert resident["languages"] == ["zh", "shanghainese"]
    assert audit_rows(app) == [("17", "household.read", str(households["special"]))]
    assert client.get(f"/api/people/households/{households['ordinary']}", headers=staff).status_code == 200
    assert len(audit_rows(app)) == 1  # ordinary households are not audited
    listed = client.get("/api/people/households?community_id=north-bund&group=elderly_alone", headers=staff)
    assert [h["id"] for h in listed.json] == [households["special"]]
    assert audit_rows(app)[-1] == ("17", "household.list", str(households["special"]))
    log = client.get("/api/people/audit?community_id=north-bund", headers=auth("manager", communities=["north-bund"]))
    assert len(log.json) == 2


@pytest.mark.parametrize(("who", "status"), [
    (("staff", ["fenglin-huiyuan"]), 403),  # staff of another community
    (("team_lead", ["north-bund"]), 403),  # not staff
    (("volunteer", ["north-bund"]), 403),
])
def test_personal_data_only_for_staff_of_the_community(app, client, auth, households, who, status):
    role, communities = who
    response = client.get(f"/api/people/households/{households['special']}", headers=auth(role, communities=communities))
    assert response.status_code == status and response.content_type == "application/problem+json"
    assert client.get(f"/api/people/households/{households['special']}").status_code == 401
    assert audit_rows(app) == []


def test_age_bands_follow_the_community_settings():
    today = dt.date(2026, 11, 23)
    assert service.age_band(dt.date(1950, 1, 1), (60, 70, 80), today) == "70+"
    assert service.age_band(dt.date(1970, 1, 1), (60, 70, 80), today) is None
    community = Community("x", "x", "x", "", "", settings={"hub": {"people": {"age_bands": [65, 75]}}})
    assert service.age_bands(community) == (65, 75)
    assert service.age_band(dt.date(1950, 1, 1), service.age_bands(community), today) == "75+"


def test_bad_resident_input_changes_nothing(app, client, auth, households):
    staff = auth("staff", communities=["north-bund"])
    url = f"/api/people/households/{households['ordinary']}/residents"
    for body in ({"name": "X", "groups": ["vip"]}, {"name": "X", "birth_date": "2999-01-01"}, {"name": ""}):
        response = client.post(url, json=body, headers=staff)
        assert response.status_code == 422 and response.content_type == "application/problem+json"
    other = client.post("/api/people/households", headers=staff, json={
        "community_id": "fenglin-huiyuan", "compound": "汇园", "building": "1", "room": "101"})
    assert other.status_code == 403 and other.json["code"] == "wrong_community"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 2
        assert len(db.session.get(Household, households["ordinary"]).residents) == 1


def test_born_today_in_shanghai_is_not_in_the_future_before_8_in_the_morning(app, client, auth, households):
    """At 07:00 on 3 December in Shanghai it is still 2 December in UTC: a baby born that morning has a
    birth date of today, not one in the future; tomorrow stays refused (the check used the UTC date)."""
    import time_machine

    from linli.shared.localtime import LOCAL_TZ

    url = f"/api/people/households/{households['ordinary']}/residents"
    at = dt.datetime(2026, 12, 3, 7, 0, tzinfo=LOCAL_TZ).astimezone(dt.UTC)  # UTC: the server's zone stays
    with time_machine.travel(at, tick=False):
        staff = auth("staff", communities=["north-bund"])
        born = client.post(url, json={"name": "小宝", "birth_date": "2026-12-03"}, headers=staff)
        assert born.status_code == 201, born.get_data(as_text=True)
        assert born.json["birth_date"] == "2026-12-03"
        tomorrow = client.post(url, json={"name": "明天", "birth_date": "2026-12-04"}, headers=staff)
        assert tomorrow.status_code == 422 and tomorrow.content_type == "application/problem+json"


def test_a_resident_is_found_by_number_or_by_a_name_only_one_has(app, households):
    with app.app_context():
        zhao = db.session.scalar(sa.select(Resident.id).where(Resident.name == "赵阿婆"))
        assert service.find_resident_id("north-bund", "赵阿婆") == zhao
        assert service.find_resident_id("north-bund", str(zhao)) == zhao
        with pytest.raises(NotFound) as unknown:
            service.find_resident_id("north-bund", "无名氏")
        assert unknown.value.code == "resident_not_found"
        with pytest.raises(NotFound):  # a name in another community is not found here
            service.find_resident_id("fenglin-huiyuan", "赵阿婆")
        service.add_resident(None, households["ordinary"], name="赵阿婆")
        with pytest.raises(Unprocessable) as twice:
            service.find_resident_id("north-bund", "赵阿婆")
        assert twice.value.code == "ambiguous_name"
