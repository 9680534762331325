"""Real concurrent requests (gunicorn, both engines): eight corrections of one waste entry at once make
one correction; eight answers of one diner to a one-response survey at once store one response."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from linli.canteen.waste.testing import past_service
from linli.shared.localtime import local_today

pytestmark = pytest.mark.live
AT_ONCE = 8


def test_concurrent_corrections_and_survey_answers_keep_one(app, tokens, live_server):
    from linli.canteen.extensions import db
    from linli.canteen.surveys.models import SurveyResponse
    from linli.canteen.waste.models import WasteEntry

    yesterday = local_today() - dt.timedelta(days=1)
    with app.app_context():
        past_service("north-bund", yesterday, collected=10)
    server = live_server(app, workers=2, threads=4)
    staff = {"Authorization": f"Bearer {tokens('staff', sub='w1')}"}
    entry = requests.post(f"{server.url}/api/waste/entries", headers=staff, timeout=10, json={
        "community_id": "north-bund", "service_date": str(yesterday), "meal_kind": "lunch", "kind": "plate",
        "grams": 2000}).json()
    survey = requests.post(f"{server.url}/api/surveys", headers={"Authorization": f"Bearer {tokens('manager')}"},
                           timeout=10, json={
        "community_id": "north-bund", "title_zh": "满意度", "title_en": "Satisfaction", "identified": True,
        "opens_on": str(yesterday), "closes_on": str(local_today() + dt.timedelta(days=1)),
        "questions": [{"kind": "rating", "text_zh": "满意吗", "text_en": "Happy?"}]}).json()
    diner = {"Authorization": f"Bearer {tokens('diner', sub='d-1')}"}

    def correct(n: int) -> int:
        return requests.post(f"{server.url}/api/waste/entries/{entry['id']}/corrections", headers=staff, timeout=30,
                             json={"grams": 1500 + n, "reason": f"try {n}"}).status_code

    def answer(n: int) -> int:
        return requests.post(f"{server.url}/api/surveys/{survey['id']}/responses", headers=diner, timeout=30,
                             json={"answers": [{"question_id": survey["questions"][0]["id"], "rating": 1 + n % 5}]}
                             ).status_code

    with ThreadPoolExecutor(AT_ONCE) as pool:
        corrections = sorted(pool.map(correct, range(AT_ONCE)))
        answers = sorted(pool.map(answer, range(AT_ONCE)))
    assert corrections == [201] + [409] * (AT_ONCE - 1)
    assert answers == [201] + [409] * (AT_ONCE - 1)
    with app.app_context():
        states = sorted(db.session.scalars(sa.select(WasteEntry.state)))
        responses = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)))
    assert states == ["corrected", "current"] and responses == 1
