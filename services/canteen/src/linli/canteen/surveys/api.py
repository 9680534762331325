"""Routes of surveys: staff build and read them, diners answer (once)."""

from __future__ import annotations

from flask_smorest import Blueprint

from linli.canteen.feedback.schemas import FeedbackSchema
from linli.canteen.surveys import service
from linli.canteen.surveys.schemas import (
    ExportQuerySchema,
    ResponseCreateSchema,
    ResponseSchema,
    ResultsSchema,
    SurveyCreateSchema,
    SurveyListQuerySchema,
    SurveySchema,
)
from linli.canteen.waste.export import XLSX, download
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles

blp = Blueprint("canteen_surveys_api", __name__, url_prefix="/api/surveys",
                description="Surveys (问卷): questions, one response per diner or kiosk session, results")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.post("")
@blp.arguments(SurveyCreateSchema)
@blp.response(201, SurveySchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def create(data):
    """Build a survey: single/multiple choice, rating and free-text questions; open and close dates."""
    return service.create_survey(require_identity(), **data)


@blp.get("")
@blp.arguments(SurveyListQuerySchema, location="query")
@blp.response(200, SurveySchema(many=True))
@blp.doc(security=[{}])
def listing(query):
    """A canteen's surveys (``open_only`` for those diners can answer today)."""
    return service.list_surveys(query["community_id"], open_only=query["open_only"])


@blp.get("/<int:survey_id>")
@blp.response(200, SurveySchema)
@blp.doc(security=[{}])
def survey(survey_id):
    """One survey with its questions."""
    return service.get_survey(survey_id)


@blp.post("/<int:survey_id>/responses")
@blp.arguments(ResponseCreateSchema)
@blp.response(201, ResponseSchema)
@blp.doc(security=[{}, {"bearer": []}])
def respond(data, survey_id):
    """Answer a survey while it is open: once per diner (identified) or per kiosk session (anonymous)."""
    return service.respond(current_identity(), survey_id, **data)


@blp.get("/<int:survey_id>/results")
@blp.response(200, ResultsSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def results(survey_id):
    """Counts per option, rating averages, free-text answers."""
    return service.results(require_identity(), survey_id)


@blp.get("/<int:survey_id>/export")
@blp.arguments(ExportQuerySchema, location="query")
@blp.doc(security=SECURITY, responses={"200": {"description": "A sheet: CSV (UTF-8 with BOM) or Excel", "content": {
    "text/csv": {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@require_roles(*STAFF_ROLES)
def export(query, survey_id):
    """Every response, one row each (CSV or Excel)."""
    columns, rows = service.export_rows(require_identity(), survey_id)
    return download(rows, columns, f"survey-{survey_id}", query["format"])


@blp.post("/answers/<int:answer_id>/complaint")
@blp.response(200, FeedbackSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def flag(answer_id):
    """Flag a free-text answer as a food-safety complaint: it opens a case like a comment does."""
    return service.flag_answer(require_identity(), answer_id)
