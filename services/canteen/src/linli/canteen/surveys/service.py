"""Surveys: build, answer once, read the results, export. Callable without HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from linli.canteen.extensions import db
from linli.canteen.feedback.service import complaint_from_answer
from linli.canteen.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from linli.shared.auth import Identity
from linli.shared.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from linli.shared.localtime import local_today
from linli.shared.state import service_state


def _manager(identity: Identity, community_id: str) -> None:
    service_state().communities.require(community_id)
    if not identity.is_staff:
        raise Forbidden("Only canteen staff build surveys.", code="forbidden")
    identity.require_community(community_id)


def create_survey(identity: Identity, *, community_id: str, questions: list[dict[str, Any]], **fields: Any) -> Survey:
    _manager(identity, community_id)
    survey = Survey(community_id=community_id, created_by=identity.subject, **fields,
                    questions=[SurveyQuestion(position=i, **q) for i, q in enumerate(questions, start=1)])
    db.session.add(survey)
    db.session.commit()
    return survey


def get_survey(survey_id: int, community_id: str | None = None) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or (community_id is not None and survey.community_id != community_id):
        raise NotFound("No such survey.", code="not_found")
    return survey


def is_open(survey: Survey, today: dt.date | None = None) -> bool:
    today = today or local_today()
    return survey.opens_on <= today <= survey.closes_on


def list_surveys(community_id: str, *, open_only: bool = False) -> list[Survey]:
    service_state().communities.require(community_id)
    where = [Survey.community_id == community_id]
    if open_only:
        today = local_today()
        where += [Survey.opens_on <= today, Survey.closes_on >= today]
    return list(db.session.scalars(sa.select(Survey).where(*where).order_by(Survey.opens_on.desc(), Survey.id.desc())))


def respondent_key(survey: Survey, identity: Identity | None, session_key: str | None) -> str:
    if survey.identified:
        if identity is None:
            raise Unauthorized("This survey is for signed-in diners: please sign in.", code="missing_token")
        identity.require_community(survey.community_id)
        return f"diner:{identity.subject}"
    if not session_key:
        raise Unprocessable("An anonymous survey needs the session that answers it.", code="session_required")
    return f"session:{session_key}"


def has_responded(survey: Survey, key: str) -> bool:
    return db.session.scalar(sa.select(SurveyResponse.id).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.respondent_key == key)) is not None


def _answer(question: SurveyQuestion, given: dict[str, Any] | None) -> SurveyAnswer | None:
    errors: dict[str, Any] = {"question_id": question.id}
    if given is None:
        if question.required:
            raise Unprocessable("Please answer every required question.", code="answer_required", **errors)
        return None
    values = {o["value"] for o in question.options}
    if question.kind in ("single", "multiple"):
        choices = given.get("choices") or []
        if given.get("rating") is not None or given.get("text"):
            raise Unprocessable("A choice question takes choices only.", code="invalid_answer", **errors)
        if not choices and question.required:
            raise Unprocessable("Please choose an option.", code="answer_required", **errors)
        if (question.kind == "single" and len(choices) > 1) or len(set(choices)) != len(choices) \
                or not set(choices) <= values:
            raise Unprocessable("Choose among the question's options.", code="invalid_answer", **errors)
        return SurveyAnswer(question_id=question.id, choices=choices) if choices else None
    if question.kind == "rating":
        if given.get("choices") or given.get("text"):
            raise Unprocessable("A rating question takes a rating from 1 to 5.", code="invalid_answer", **errors)
        if given.get("rating") is None:
            if question.required:
                raise Unprocessable("Please give a rating.", code="answer_required", **errors)
            return None
        return SurveyAnswer(question_id=question.id, rating=given["rating"], choices=[])
    if given.get("choices") or given.get("rating") is not None:
        raise Unprocessable("A free-text question takes text.", code="invalid_answer", **errors)
    text = (given.get("text") or "").strip()
    if not text:
        if question.required:
            raise Unprocessable("Please write an answer.", code="answer_required", **errors)
        return None
    return SurveyAnswer(question_id=question.id, text=text, choices=[])


def respond(identity: Identity | None, survey_id: int, *, answers: list[dict[str, Any]], channel: str = "phone",
            session_key: str | None = None) -> SurveyResponse:
    """One response per diner (identified) or per kiosk session (anonymous), while the survey is open."""
    survey = get_survey(survey_id)
    if not is_open(survey):
        raise Conflict("This survey is not open now.", code="survey_closed", opens_on=str(survey.opens_on),
                       closes_on=str(survey.closes_on))
    key = respondent_key(survey, identity, session_key)
    by_question: dict[int, dict[str, Any]] = {}
    for given in answers:
        if given["question_id"] in by_question:
            raise Unprocessable("Answer each question once.", code="invalid_answer", question_id=given["question_id"])
        by_question[given["question_id"]] = given
    known = {q.id for q in survey.questions}
    if not set(by_question) <= known:
        raise Unprocessable("That question is not in this survey.", code="unknown_question",
                            question_ids=sorted(set(by_question) - known))
    rows = [a for q in survey.questions if (a := _answer(q, by_question.get(q.id))) is not None]
    if not rows:
        raise Unprocessable("Please answer at least one question.", code="answer_required")
    if has_responded(survey, key):
        raise Conflict("You have answered this survey already. Thank you!", code="already_responded")
    response = SurveyResponse(survey_id=survey.id, respondent_key=key, channel=channel,
                              diner_id=identity.subject if survey.identified and identity else None, answers=rows)
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:  # the same respondent twice at once: the unique key keeps one
        db.session.rollback()
        raise Conflict("You have answered this survey already. Thank you!", code="already_responded") from None
    return response


def results(identity: Identity, survey_id: int) -> dict[str, Any]:
    """Counts per option, rating averages and distributions, the free-text answers."""
    survey = get_survey(survey_id)
    _manager(identity, survey.community_id)
    responses = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))
                                  .where(SurveyResponse.survey_id == survey.id)) or 0
    answers: dict[int, list[SurveyAnswer]] = {}
    for answer in db.session.scalars(sa.select(SurveyAnswer).join(SurveyResponse)
                                     .where(SurveyResponse.survey_id == survey.id).order_by(SurveyAnswer.id)):
        answers.setdefault(answer.question_id, []).append(answer)
    out = []
    for question in survey.questions:
        given = answers.get(question.id, [])
        entry: dict[str, Any] = {"question_id": question.id, "kind": question.kind, "text_zh": question.text_zh,
                                 "text_en": question.text_en, "answered": len(given), "counts": {},
                                 "average": None, "texts": [], "options": question.options}
        if question.kind in ("single", "multiple"):
            entry["counts"] = {o["value"]: 0 for o in question.options}
            for answer in given:
                for choice in answer.choices:
                    entry["counts"][choice] = entry["counts"].get(choice, 0) + 1
        elif question.kind == "rating":
            entry["counts"] = {str(n): 0 for n in range(1, 6)}
            for answer in given:
                entry["counts"][str(answer.rating)] += 1
            entry["average"] = round(sum(a.rating or 0 for a in given) / len(given), 2) if given else None
        else:
            entry["texts"] = [{"answer_id": a.id, "text": a.text} for a in given]
        out.append(entry)
    return {"survey": survey, "responses": int(responses), "questions": out}


def export_rows(identity: Identity, survey_id: int) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per response, one column per question (choices joined with ';')."""
    survey = get_survey(survey_id)
    _manager(identity, survey.community_id)
    columns = ["response_id", "created_at", "channel", *[f"q{q.position}" for q in survey.questions]]
    position = {q.id: q.position for q in survey.questions}
    rows = []
    for response in db.session.scalars(sa.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                       .order_by(SurveyResponse.id)):
        row: dict[str, Any] = {"response_id": response.id, "created_at": response.created_at,
                               "channel": response.channel}
        for answer in response.answers:
            value: Any = ";".join(answer.choices) if answer.choices else answer.rating if answer.rating else answer.text
            row[f"q{position[answer.question_id]}"] = value
        rows.append(row)
    return columns, rows


def flag_answer(identity: Identity, answer_id: int) -> Any:
    """Staff flag a free-text answer as a food-safety complaint: it is raised like a comment."""
    answer = db.session.get(SurveyAnswer, answer_id)
    if answer is None or not answer.text:
        raise NotFound("No such free-text answer.", code="not_found")
    survey = get_survey(answer.response.survey_id)
    _manager(identity, survey.community_id)
    return complaint_from_answer(identity, community_id=survey.community_id, survey_answer_id=answer.id,
                                 text=answer.text, diner_id=answer.response.diner_id)
