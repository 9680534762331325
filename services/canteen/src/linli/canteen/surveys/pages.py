"""Survey pages: diners answer an open survey on the phone or at the kiosk (anonymous surveys once per
browser or kiosk session, identified ones once per signed-in diner); staff read the results with a
chart per question and export them."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from linli.canteen.pages.common import register_filters
from linli.canteen.surveys import service
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import transaction
from linli.shared.errors import Problem
from linli.shared.pages import (
    act,
    check_same_origin,
    community_or_404,
    friendly,
    name,
    signed_in,
    staff_page,
)

pages = Blueprint("canteen_surveys", __name__, url_prefix="/surveys")
register_filters(pages)
SESSION_KEY = "canteen_survey_session"


def _session_key() -> str:
    """This browser's (or kiosk session's) key for anonymous surveys."""
    if not session.get(SESSION_KEY):
        session[SESSION_KEY] = secrets.token_urlsafe(18)
    return str(session[SESSION_KEY])


def _survey(community: Community, survey_id: int) -> Any:
    """The community's survey (``service.get_survey``), else 404."""
    try:
        return service.get_survey(survey_id, community.id)
    except Problem:
        abort(404)


@pages.get("/<community_id>")
def index(community_id: str) -> Any:
    community = community_or_404(community_id)
    return render_template("canteen/surveys/index.html", community=community,
                           surveys=service.list_surveys(community.id, open_only=True))


def _answered(survey: Any) -> bool:
    identity = signed_in()
    if survey.identified and identity is None:
        return False
    key = service.respondent_key(survey, identity, None if survey.identified else _session_key())
    return service.has_responded(survey, key)


def _form_answers(survey: Any) -> list[dict[str, Any]]:
    answers = []
    for q in survey.questions:
        name = f"q{q.id}"
        if q.kind == "single" and request.form.get(name):
            answers.append({"question_id": q.id, "choices": [request.form[name][:32]]})
        elif q.kind == "multiple" and request.form.getlist(name):
            answers.append({"question_id": q.id, "choices": [v[:32] for v in request.form.getlist(name)][:20]})
        elif q.kind == "rating" and request.form.get(name):
            value = request.form[name]
            if value not in ("1", "2", "3", "4", "5"):
                raise Problem(_("Choose from 1 to 5 stars."), code="page_message")
            answers.append({"question_id": q.id, "rating": int(value)})
        elif q.kind == "text" and request.form.get(name, "").strip():
            answers.append({"question_id": q.id, "text": request.form[name][:2000]})
    return answers


@pages.route("/<community_id>/<int:survey_id>", methods=["GET", "POST"])
def answer(community_id: str, survey_id: int) -> Any:
    community = community_or_404(community_id)
    survey = _survey(community, survey_id)
    via = "kiosk" if request.values.get("via") == "kiosk" else "phone"
    error = None
    if request.method == "POST":
        try:
            check_same_origin()
            with transaction():
                service.respond(signed_in(), survey.id, answers=_form_answers(survey), channel=via,
                                session_key=None if survey.identified else _session_key())
            return redirect(url_for(".thanks", community_id=community.id, survey_id=survey.id, via=via), code=303)
        except Problem as problem:
            messages = {"already_responded": _("You have answered this survey already. Thank you!"),
                        "survey_closed": _("This survey is closed."),
                        "answer_required": _("Please answer every question marked as needed."),
                        "invalid_answer": _("Please choose among the answers shown."),
                        "missing_token": _("Please sign in to answer this survey.")}
            error = messages.get(problem.code or "") or friendly(problem)
    answered = not error and _answered(survey)
    return render_template("canteen/surveys/answer.html", community=community, survey=survey, via=via,
                           error=error, answered=answered, is_open=service.is_open(survey),
                           needs_sign_in=survey.identified and signed_in() is None,
                           form=request.form), 422 if error else 200


@pages.get("/<community_id>/<int:survey_id>/thanks")
def thanks(community_id: str, survey_id: int) -> Any:
    community = community_or_404(community_id)
    survey = _survey(community, survey_id)
    return render_template("canteen/surveys/thanks.html", community=community, survey=survey,
                           via="kiosk" if request.args.get("via") == "kiosk" else "phone")


@pages.get("/<community_id>/<int:survey_id>/results")
@staff_page
def results(community: Community, identity: Identity, survey_id: int) -> Any:
    survey = _survey(community, survey_id)
    report = service.results(identity, survey.id)
    charts = []
    for q in report["questions"]:
        if q["kind"] in ("single", "multiple"):
            labels = {o["value"]: o for o in q["options"]}
            charts.append({"id": q["question_id"], "labels": [name_of(labels.get(v, {"label_zh": v, "label_en": v}))
                                                              for v in q["counts"]],
                           "values": list(q["counts"].values())})
        elif q["kind"] == "rating":
            charts.append({"id": q["question_id"], "labels": [f"{n} ★" for n in q["counts"]],
                           "values": list(q["counts"].values())})
    return render_template("canteen/surveys/results.html", community=community, identity=identity, survey=survey,
                           report=report, charts=charts, answers_label=_("Answers"))


def name_of(option: dict[str, Any]) -> str:
    return name(option, "label")


@pages.post("/<community_id>/<int:survey_id>/answers/<int:answer_id>/complaint")
@staff_page
def flag(community: Community, identity: Identity, survey_id: int, answer_id: int) -> Any:
    """Staff flag a free-text answer as a food-safety complaint (it opens a case)."""
    _survey(community, survey_id)
    return act(lambda: service.flag_answer(identity, answer_id),
               _("Passed on to the residents' committee as a food-safety complaint."),
               url_for(".results", community_id=community.id, survey_id=survey_id))
