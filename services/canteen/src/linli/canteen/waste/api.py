"""Routes of the waste log and the waste KPIs (staff and managers); ``?format=csv|xlsx`` for a sheet."""

from __future__ import annotations

from flask_smorest import Blueprint

from linli.canteen.waste import export, kpi, service
from linli.canteen.waste.schemas import (
    CorrectionSchema,
    DishWasteSchema,
    EntryCreateSchema,
    EntrySchema,
    KpiQuerySchema,
    KpiReportSchema,
    LogQuerySchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("canteen_waste_api", __name__, url_prefix="/api/waste",
                description="Kitchen waste (厨余垃圾): the weighing log, corrections, waste per cover and the score")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def sheet_doc(json_schema: dict) -> dict:
    return {"200": {"description": "JSON, or a sheet with format=csv (UTF-8 with BOM) or format=xlsx",
                    "content": {"application/json": {"schema": json_schema},
                                "text/csv": {"schema": {"type": "string"}},
                                export.XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@blp.post("/entries")
@blp.arguments(EntryCreateSchema)
@blp.response(201, EntrySchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def record(data):
    """Weigh: grams of one kind of waste from one meal service that has run."""
    return service.record_entry(require_identity(), **data)


@blp.get("/entries")
@blp.arguments(LogQuerySchema, location="query")
@blp.response(200, EntrySchema(many=True))
@blp.doc(security=SECURITY, responses=sheet_doc({"type": "array", "items": {"$ref": "#/components/schemas/Entry"}}))
@require_roles(*STAFF_ROLES)
def entries(query):
    """The log with its audit trail: a correction is a new entry (``corrects_id``), the old one stays."""
    rows = service.log(require_identity(), community_id=query["community_id"], date_from=query["date_from"],
                       date_to=query["date_to"], include_history=query["include_history"])
    if query["format"] != "json":
        name = f"waste-log-{query['community_id']}-{query['date_from']}-{query['date_to']}"
        return export.download(export.log_rows(rows), export.LOG_COLUMNS, name, query["format"])
    return rows


@blp.post("/entries/<int:entry_id>/corrections")
@blp.arguments(CorrectionSchema)
@blp.response(201, EntrySchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def correct(data, entry_id):
    """Correct an entry: a new entry replaces it; the original keeps its values (state ``corrected``)."""
    return service.correct_entry(require_identity(), entry_id, **data)


@blp.post("/entries/<int:entry_id>/undo")
@blp.response(200, EntrySchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def undo(entry_id):
    """Undo one's own weighing within a minute (it stays in the log as ``undone``)."""
    return service.undo_entry(require_identity(), entry_id)


@blp.get("/kpi")
@blp.arguments(KpiQuerySchema, location="query")
@blp.response(200, KpiReportSchema)
@blp.doc(security=SECURITY, responses=sheet_doc({"$ref": "#/components/schemas/KpiReport"}))
@require_roles(*STAFF_ROLES)
def kpi_table(query):
    """Waste per cover by kind per day, week or month: change on the period before, target, score."""
    report = kpi.kpi_report(require_identity(), community_id=query["community_id"], date_from=query["date_from"],
                            date_to=query["date_to"], by=query["by"])
    if query["format"] != "json":
        name = f"waste-kpi-{query['community_id']}-{query['date_from']}-{query['date_to']}"
        return export.download(export.kpi_rows(report), export.KPI_COLUMNS, name, query["format"])
    return report


@blp.get("/dishes")
@blp.arguments(KpiQuerySchema(only=("community_id", "date_from", "date_to")), location="query")
@blp.response(200, DishWasteSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def dishes(query):
    """Dishes with the most unserved grams in the range."""
    return service.dishes_most_unserved(require_identity(), **query)
