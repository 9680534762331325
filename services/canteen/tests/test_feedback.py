"""Diner feedback (ratings of a collected order's dishes, comments, counter cards), food-safety
complaints to the outbox, a case taken up; surveys answered once, their results and export."""

import csv
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from linli.canteen.orders.testing import make_menu
from linli.shared.events.signing import HEADER, sign
from linli.shared.localtime import local_today
from linli.shared.testing.plugin import EVENT_SECRET


@pytest.fixture
def ids(app):
    with app.app_context():
        return make_menu(portions=20, set_meal_limit=10)


def collected_order(client, auth, ids, headers=None):
    """Pork (full) and a set meal (chicken half, greens half, egg half, rice), paid and collected."""
    placed = client.post("/api/orders", headers=headers or {}, json={
        "community_id": "north-bund", "meal_service_id": ids["meal_service"], "lines": [
            {"kind": "dish", "dish_id": ids["pork"]},
            {"kind": "set_meal", "set_meal_id": ids["set_meal"],
             "choices": [ids["chicken"], ids["greens"], ids["egg"], ids["rice"]]}]})
    assert placed.status_code == 201, placed.json
    order = placed.json
    staff = auth("staff")
    assert client.post(f"/api/orders/{order['id']}/payments", json={"provider": "cash"}, headers=staff).status_code < 300
    return order


def collect(client, auth, order):
    done = client.post("/api/kitchen/collect", json={"pickup_ref": order["pickup_ref"]}, headers=auth("staff"))
    assert done.status_code == 200, done.json


def counts(app):
    from linli.canteen.extensions import db
    from linli.canteen.feedback.models import DishRating, Feedback
    from linli.canteen.surveys.models import SurveyResponse

    with app.app_context():
        outbox = app.extensions["linli"].models.OutboxEvent
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Feedback, DishRating, SurveyResponse, outbox))


def test_kiosk_diner_rates_two_dishes_of_a_collected_order_once(app, client, auth, ids):
    order = collected_order(client, auth, ids)
    body = {"community_id": "north-bund", "channel": "kiosk", "order_id": order["id"], "ref": order["pickup_ref"],
            "ratings": [{"dish_id": ids["pork"], "rating": 5}, {"dish_id": ids["chicken"], "rating": 3}]}
    early = client.post("/api/feedback", json=body)
    assert early.status_code == 409 and early.json["code"] == "order_not_collected"
    collect(client, auth, order)
    bad = [({"ratings": [{"dish_id": ids["tofu"], "rating": 4}]}, 422, "unknown_dish"),  # not in this order
           ({"ratings": [{"dish_id": ids["pork"], "rating": 6}]}, 422, "validation_error"),
           ({"ratings": [{"dish_id": ids["pork"], "rating": 0}]}, 422, "validation_error"),
           ({"ref": "guessed"}, 401, "missing_token"),
           ({"complaint": True}, 422, "complaint_needs_comment"),
           ({"ratings": [{"dish_id": ids["pork"], "rating": 5}] * 2}, 422, "duplicate_dish")]
    for change, status, code in bad:
        response = client.post("/api/feedback", json={**body, **change})
        assert (response.status_code, response.json["code"]) == (status, code), change
    assert counts(app) == (0, 0, 0, 0)

    given = client.post("/api/feedback", json=body)
    assert given.status_code == 201 and given.json["channel"] == "kiosk"
    assert sorted((r["dish_id"], r["rating"]) for r in given.json["ratings"]) == sorted(
        [(ids["pork"], 5), (ids["chicken"], 3)])
    again = client.post("/api/feedback", json=body)
    assert again.status_code == 409 and again.json["code"] == "already_rated"
    assert counts(app) == (1, 2, 0, 0)


def test_a_complaint_goes_to_the_outbox_and_the_diner_sees_it_taken_up(app, client, auth, ids):
    diner = auth("diner", sub="diner-7")
    order = collected_order(client, auth, ids, headers=diner)
    collect(client, auth, order)
    given = client.post("/api/feedback", headers=diner, json={
        "community_id": "north-bund", "channel": "phone", "order_id": order["id"],
        "ratings": [{"dish_id": ids["chicken"], "rating": 1}], "comment": "鸡肉里面是生的，还有血水。",
        "complaint": True, "complaint_dish_id": ids["chicken"]})
    assert given.status_code == 201 and given.json["complaint_state"] == "raised"
    with app.app_context():
        state = app.extensions["linli"]
        (event,) = state.db.session.scalars(sa.select(state.models.OutboxEvent)).all()
        assert event.event_type == "canteen.feedback.food_safety" and event.community_id == "north-bund"
        assert set(event.payload) == {"title", "description", "feedback_id", "dish_name", "reported_at"}
        assert event.payload["feedback_id"] == str(given.json["id"]) and event.payload["dish_name"] == "白切鸡"
        assert "鸡肉里面是生的" in event.payload["description"] and "白切鸡" in event.payload["title"]
        event_id = event.id
    twice = client.post(f"/api/feedback/{given.json['id']}/complaint", headers=auth("staff"), json={})
    assert twice.status_code == 409 and twice.json["code"] == "already_raised"

    # the cases service tells us it opened a case for it (signed, delivered twice: applied once)
    body = json.dumps({"id": "case-evt-1", "type": "cases.case.opened", "community_id": "north-bund", "payload": {
        "case_id": "17", "reference": "NB-2026-0017", "title": event.payload["title"], "category": "food_safety",
        "state": "open", "source_event_type": "canteen.feedback.food_safety",
        "source_ref": str(given.json["id"])}}).encode()
    for _ in range(2):
        assert client.post("/events", data=body, headers={HEADER: sign(body, EVENT_SECRET)}).status_code == 200
    receipt = client.get(f"/api/feedback/receipts/{given.json['ref']}").json
    assert receipt["complaint_state"] == "taken_up" and receipt["case_reference"] == "NB-2026-0017"
    assert receipt["case_state"] == "open"
    assert event_id


def test_staff_raise_a_counter_card_comment(app, client, auth, ids):
    staff = auth("staff", sub="counter-1")
    card = client.post("/api/feedback", headers=staff, json={
        "community_id": "north-bund", "channel": "counter", "ratings": [{"dish_id": ids["greens"], "rating": 2}],
        "comment": "青菜有沙子"})
    assert card.status_code == 201 and card.json["complaint_state"] is None
    assert client.post("/api/feedback", json={"community_id": "north-bund", "channel": "counter",
                                              "comment": "x"}).json["code"] == "forbidden"
    raised = client.post(f"/api/feedback/{card.json['id']}/complaint", headers=staff, json={"dish_id": ids["greens"]})
    assert raised.status_code == 200 and raised.json["complaint_state"] == "raised"
    listed = client.get(f"/api/feedback?community_id=north-bund&date_from={local_today()}&date_to={local_today()}"
                        "&complaints_only=true", headers=staff).json
    assert [f["id"] for f in listed] == [card.json["id"]]
    assert counts(app)[3] == 1


SURVEY = {
    "community_id": "north-bund", "title_zh": "半份菜满意度", "title_en": "Half portions", "identified": True,
    "questions": [
        {"kind": "single", "text_zh": "您常点半份菜吗？", "text_en": "Do you order half portions?",
         "options": [{"value": "often", "label_zh": "经常", "label_en": "Often"},
                     {"value": "never", "label_zh": "从不", "label_en": "Never"}]},
        {"kind": "multiple", "text_zh": "想要哪些新菜？", "text_en": "Which new dishes?",
         "options": [{"value": "fish", "label_zh": "鱼", "label_en": "Fish"},
                     {"value": "tofu", "label_zh": "豆腐", "label_en": "Tofu"},
                     {"value": "soup", "label_zh": "汤", "label_en": "Soup"}], "required": False},
        {"kind": "rating", "text_zh": "总体满意度", "text_en": "Overall"},
        {"kind": "text", "text_zh": "其他建议", "text_en": "Anything else?", "required": False}]}


def make_survey(client, auth, **change):
    today = local_today()
    response = client.post("/api/surveys", headers=auth("manager"), json={
        **SURVEY, "opens_on": str(today - dt.timedelta(days=1)), "closes_on": str(today + dt.timedelta(days=7)),
        **change})
    assert response.status_code == 201, response.json
    return response.json


def answers(survey, single="often", many=("fish", "soup"), rating=4, text=None):
    q = [x["id"] for x in survey["questions"]]
    out = [{"question_id": q[0], "choices": [single]}, {"question_id": q[1], "choices": list(many)},
           {"question_id": q[2], "rating": rating}]
    return out + ([{"question_id": q[3], "text": text}] if text else [])


def test_survey_one_response_per_diner_results_and_export(app, client, auth):
    survey = make_survey(client, auth)
    url = f"/api/surveys/{survey['id']}/responses"
    assert client.post(url, json={"answers": answers(survey)}).status_code == 401
    for sub, kw in (("d1", {}), ("d2", {"single": "never", "many": ["tofu"], "rating": 2, "text": "菜太咸"}),
                    ("d3", {"rating": 5})):
        assert client.post(url, headers=auth("diner", sub=sub), json={"answers": answers(survey, **kw)}).status_code == 201
    before = counts(app)
    bad = [({"answers": answers(survey)}, "d1", 409, "already_responded"),
           ({"answers": answers(survey, single="sometimes")}, "d4", 422, "invalid_answer"),
           ({"answers": answers(survey, rating=9)}, "d4", 422, "validation_error"),
           ({"answers": answers(survey)[1:]}, "d4", 422, "answer_required"),
           ({"answers": [{"question_id": 999_999, "rating": 3}]}, "d4", 422, "unknown_question")]
    for body, sub, status, code in bad:
        response = client.post(url, headers=auth("diner", sub=sub), json=body)
        assert (response.status_code, response.json["code"]) == (status, code), code
    assert counts(app) == before

    results = client.get(f"/api/surveys/{survey['id']}/results", headers=auth("staff")).json
    assert results["responses"] == 3
    single, multiple, rating, text = results["questions"]
    assert single["counts"] == {"often": 2, "never": 1} and multiple["counts"] == {"fish": 2, "tofu": 1, "soup": 2}
    assert rating["average"] == round((4 + 2 + 5) / 3, 2) and rating["counts"]["5"] == 1
    assert [t["text"] for t in text["texts"]] == ["菜太咸"]
    sheet = client.get(f"/api/surveys/{survey['id']}/export", headers=auth("staff"))
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["q1"] for r in rows] == ["often", "never", "often"] and rows[1]["q2"] == "tofu"

    flagged = client.post(f"/api/surveys/answers/{text['texts'][0]['answer_id']}/complaint", headers=auth("staff"))
    assert flagged.status_code == 200 and flagged.json["channel"] == "survey"
    assert flagged.json["complaint_state"] == "raised" and counts(app)[3] == 1


def test_anonymous_survey_once_per_kiosk_session_and_only_while_open(app, client, auth):
    survey = make_survey(client, auth, identified=False)
    url = f"/api/surveys/{survey['id']}/responses"
    session = {"session_key": "kiosk-session-0001-abcdef", "channel": "kiosk"}
    assert client.post(url, json={"answers": answers(survey)}).json["code"] == "session_required"
    assert client.post(url, json={"answers": answers(survey), **session}).status_code == 201
    again = client.post(url, json={"answers": answers(survey), **session})
    assert again.status_code == 409 and again.json["code"] == "already_responded"
    other = client.post(url, json={"answers": answers(survey), **session, "session_key": "kiosk-session-0002-abcdef"})
    assert other.status_code == 201

    today = local_today()
    closed = make_survey(client, auth, opens_on=str(today - dt.timedelta(days=9)),
                         closes_on=str(today - dt.timedelta(days=1)))
    late = client.post(f"/api/surveys/{closed['id']}/responses", json={"answers": answers(closed), **session})
    assert late.status_code == 409 and late.json["code"] == "survey_closed"
    backwards = client.post("/api/surveys", headers=auth("manager"), json={
        **SURVEY, "opens_on": str(today), "closes_on": str(today - dt.timedelta(days=1))})
    assert backwards.status_code == 422
    one_option = client.post("/api/surveys", headers=auth("manager"), json={
        **SURVEY, "opens_on": str(today), "closes_on": str(today), "questions": [
            {"kind": "single", "text_zh": "?", "text_en": "?", "options": [
                {"value": "a", "label_zh": "a", "label_en": "a"}]}]})
    assert one_option.status_code == 422
    open_now = client.get("/api/surveys?community_id=north-bund&open_only=true").json
    assert {s["id"] for s in open_now} == {survey["id"]}


def test_staff_type_a_counter_card_and_raise_a_comment_from_the_page(app, client, tokens, ids):
    origin = {"Origin": "http://localhost"}
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    board = client.get("/feedback/north-bund/staff")
    assert board.status_code == 200 and "录入意见卡" in board.get_data(as_text=True)
    refused = client.post("/feedback/north-bund/staff/cards", headers=origin, follow_redirects=True,
                          data={"dish_id": str(ids["egg"]), "rating": "3", "comment": "", "complaint": "1"})
    assert "投诉需要写明哪里有问题。" in refused.get_data(as_text=True)
    assert counts(app) == (0, 0, 0, 0)
    saved = client.post("/feedback/north-bund/staff/cards", headers=origin, follow_redirects=True,
                        data={"dish_id": str(ids["egg"]), "rating": "2", "comment": "鸡蛋有怪味"})
    assert "卡片已保存。" in saved.get_data(as_text=True) and counts(app) == (1, 1, 0, 0)
    from linli.canteen.extensions import db
    from linli.canteen.feedback.models import Feedback

    with app.app_context():
        feedback_id = db.session.scalar(sa.select(Feedback.id))
    raised = client.post(f"/feedback/north-bund/staff/{feedback_id}/complaint", headers=origin, follow_redirects=True)
    assert "已作为食品安全投诉转给居委会。" in raised.get_data(as_text=True) and counts(app)[3] == 1
    assert "已转交" in client.get("/feedback/north-bund/staff").get_data(as_text=True)
    client.delete_cookie("linli_token")
    assert client.get("/feedback/north-bund/staff").status_code == 401
