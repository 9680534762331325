"""One case driven through every state over the API; wrong transitions are 409s that change nothing."""

import datetime as dt

import pytest
import sqlalchemy as sa

from linli.cases.casework import lifecycle
from linli.cases.casework.models import CASE_STATES, Case, Deadline, TimelineEntry
from linli.cases.extensions import db, shared_models

CASE = {"community_id": "north-bund", "title": "电瓶车在楼道充电 E-bikes charging in the corridor",
        "category": "safety", "description": "东海小区3号楼楼道里每晚有电瓶车飞线充电", "residents": ["resident-1"]}
TODAY = dt.date.today()


def snapshot(app, case_id):
    """Everything a refused change must leave as it was."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(TimelineEntry))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(shared_models.OutboxEvent))
        deadlines = db.session.execute(sa.select(Deadline.milestone, Deadline.met_at).order_by(Deadline.id)).all()
        return case.state, case.updated_at, entries, events, deadlines


def outbox(app):
    with app.app_context():
        return [(e.event_type, e.payload["state"]) for e in
                db.session.scalars(sa.select(shared_models.OutboxEvent).order_by(shared_models.OutboxEvent.created_at))]


def refused(app, client, case_id, path, body, headers, status, code):
    before = snapshot(app, case_id)
    response = client.post(f"/api/cases/{case_id}{path}", json=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json" and response.json["code"] == code
    assert snapshot(app, case_id) == before
    return response.json


def test_a_case_through_every_state_and_back(app, client, auth):
    staff = auth("staff", sub="staff-gu")
    opened = client.post("/api/cases", json=CASE, headers=staff)
    assert opened.status_code == 201, opened.json
    case_id = opened.json["id"]
    assert opened.json["state"] == "reported" and opened.json["reference"].startswith("NB-")
    post = lambda path, body: client.post(f"/api/cases/{case_id}{path}", json=body, headers=staff)  # noqa: E731

    # resolve before anything was agreed: 409, nothing changed
    problem = refused(app, client, case_id, "/resolve", {"summary": "done"}, staff, 409, "invalid_transition")
    assert problem["state"] == "reported" and "take_up" in problem["allowed"]
    refused(app, client, case_id, "/meetings", {"held_at": "2026-01-05T10:00:00+08:00", "place": "居委会",
                                                "attendees": ["物业"], "minutes": "x"}, staff, 409, "invalid_transition")

    assert post("/take-up", {}).json["state"] == "taken_up"
    proposed = client.get(f"/api/cases/{case_id}/proposed-invitations", headers=staff).json
    assert [p["name"] for p in proposed] == ["北外滩物业公司", "街道消防救援站", "提篮桥社区单位"]
    due = (TODAY + dt.timedelta(days=3)).isoformat()
    invitation = post("/invitations", {"party_kind": "property", "party_name": "北外滩物业公司",
                                       "contact_person": "王经理", "answer_due_on": due})
    assert invitation.status_code == 201
    post("/invitations", {"party_kind": "unit", "party_name": "提篮桥社区单位", "answer_due_on": due})
    refused(app, client, case_id, "/invitations", {"party_kind": "property", "party_name": "北外滩物业公司",
                                                   "answer_due_on": due}, staff, 409, "already_invited")
    assert [p["invited"] for p in client.get(f"/api/cases/{case_id}/proposed-invitations", headers=staff).json] == [
        True, False, True]
    answered = post(f"/invitations/{invitation.json['id']}/answer", {"answer": "accepted"})
    assert answered.json["answer"] == "accepted"

    meeting = post("/meetings", {"held_at": dt.datetime.now(dt.UTC).isoformat(), "place": "居委会议事厅",
                                 "attendees": ["居委会 顾主任", "北外滩物业 王经理", "社区单位 李科长"],
                                 "minutes": "社区单位仓库的一半改建非机动车停车库,配充电桩、灭火装置和报警装置。"})
    assert meeting.status_code == 201
    action = post("/actions", {"description": "改建非机动车停车库", "responsible_party": "北外滩物业公司",
                               "due_on": (TODAY + dt.timedelta(days=20)).isoformat()})
    assert action.status_code == 201
    refused(app, client, case_id, "/resolve", {"summary": "车库建好"}, staff, 409, "actions_not_done")
    refused(app, client, case_id, f"/actions/{action.json['id']}", {"state": "done"}, staff, 422, "evidence_required")
    done = post(f"/actions/{action.json['id']}", {"state": "done", "evidence": "车库已验收,照片存档"})
    assert done.json["state"] == "done" and done.json["done_at"]

    resolved = post("/resolve", {"summary": "非机动车停车库建成,楼道不再充电",
                                 "funded_by": ["居委自治项目", "北外滩物业"]})
    assert resolved.json["state"] == "resolved" and resolved.json["funded_by"] == ["居委自治项目", "北外滩物业"]
    assert post("/follow-up", {"held": True, "note": "一个月后复查,楼道无充电"}).json["state"] == "follow_up"
    # the resident who is affected rates it; someone else may not
    refused(app, client, case_id, "/ratings", {"score": 5}, auth("diner", sub="stranger"), 403, "not_your_case")
    rating = client.post(f"/api/cases/{case_id}/ratings", json={"score": 5, "comment": "很满意"},
                         headers=auth("diner", sub="resident-1"))
    assert rating.status_code == 201
    refused(app, client, case_id, "/ratings", {"score": 1}, auth("diner", sub="resident-1"), 409, "already_rated")
    assert post("/close", {"note": "居民满意"}).json["state"] == "closed"
    refused(app, client, case_id, "/close", {}, staff, 409, "invalid_transition")

    reopened = post("/reopen", {"reason": "又有人在楼道充电"})
    assert reopened.json["state"] == "taken_up" and reopened.json["reopened_count"] == 1

    detail = client.get(f"/api/cases/{case_id}", headers=staff).json
    states = [e["to_state"] for e in detail["timeline"]]
    assert set(CASE_STATES) <= set(states)
    assert all(e["actor"] and e["at"] for e in detail["timeline"])
    assert detail["satisfaction"] == 5.0
    assert detail["allowed_actions"] == lifecycle.allowed_actions("taken_up")
    # every milestone was met once in the first round; the reopened round waits for a consultation
    milestones = [(d["milestone"], d["round"], d["met_at"] is not None) for d in detail["deadlines"]]
    assert milestones == [("first_response", 0, True), ("consultation", 0, True), ("resolution", 0, True),
                          ("follow_up", 0, True), ("consultation", 1, False)]
    assert outbox(app) == [("cases.case.opened", "reported"), ("cases.case.resolved", "resolved"),
                           ("cases.case.closed", "closed")]

    # the resident reads it in plain words, in Chinese by default and in English on request
    mine = client.get(f"/api/cases/{case_id}/progress", headers=auth("diner", sub="resident-1"))
    assert mine.status_code == 200 and mine.json["state_text"] == "居委会已受理"
    texts = [e["text"] for e in mine.json["entries"]]
    assert "我们邀请了北外滩物业公司一起商量解决。" in texts
    english = client.get(f"/api/cases/{case_id}/progress?lang=en", headers=auth("diner", sub="resident-1")).json
    assert "We invited 北外滩物业公司 to talk it over with us." in [e["text"] for e in english["entries"]]
    assert [s["current"] for s in english["steps"]].index(True) == CASE_STATES.index("taken_up")
    other = client.get(f"/api/cases/{case_id}/progress", headers=auth("diner", sub="stranger"))
    assert other.status_code == 403 and other.json["code"] == "not_your_case"


def test_follow_up_that_failed_reopens(app, client, auth):
    staff = auth("staff")
    with app.app_context():
        case = Case(community_id="north-bund", title="Stair light", category="facilities", opened_by="x",
                    state="resolved", reference="NB-T-1")
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    response = client.post(f"/api/cases/{case_id}/follow-up", json={"held": False, "note": "灯又坏了"}, headers=staff)
    assert response.json["state"] == "taken_up" and response.json["reopened_count"] == 1


def test_resident_reports_and_follows_their_case(client, auth):
    resident = auth("diner", sub="resident-9")
    reported = client.post("/api/cases/reports", headers=resident, json={
        "community_id": "north-bund", "title": "楼道灯坏了", "category": "facilities", "address": "东海小区5号楼"})
    assert reported.status_code == 201, reported.json
    assert reported.json["state"] == "reported" and reported.json["entries"][0]["text"] == "我们收到了您的反映。"
    assert [c["title"] for c in client.get("/api/cases/mine", headers=resident).json] == ["楼道灯坏了"]
    assert client.get("/api/cases/mine", headers=auth("diner", sub="other")).json == []


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in CASE_STATES for a in lifecycle.TRANSITIONS
                                               if s not in lifecycle.TRANSITIONS[a]])
def test_transition_table_refuses_what_it_does_not_list(state, action):
    case = Case(state=state)
    with pytest.raises(Exception) as error:
        lifecycle.check(case, action)
    assert error.value.status == 409 and error.value.code == "invalid_transition"
