"""Routes of reports (manager and staff); ``?format=csv`` for a spreadsheet."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from linli.canteen.reports import service
from linli.canteen.reports.schemas import (
    CoversSchema,
    ReportQuerySchema,
    SalesReportSchema,
    TakingsRowSchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("canteen_reports_api", __name__, url_prefix="/api/reports",
                description="Sales per dish and portion, covers per meal service, takings per payment method")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def csv_doc(json_schema: dict) -> dict:
    """The 200 response in both forms: JSON, or a CSV sheet with ``format=csv``."""
    return {"200": {"description": "JSON, or with format=csv a CSV sheet (UTF-8 with BOM)",
                    "content": {"application/json": {"schema": json_schema},
                                "text/csv": {"schema": {"type": "string"}}}}}


def _csv(text: str, name: str, query: dict) -> Response:
    filename = f"{name}-{query['community_id']}-{query['date_from']}-{query['date_to']}.csv"
    return Response("\ufeff" + text, mimetype="text/csv",  # BOM: Excel opens the Chinese names right
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _args(query: dict) -> dict:
    return {k: query[k] for k in ("community_id", "date_from", "date_to")}


@blp.get("/sales")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, SalesReportSchema)
@blp.doc(security=SECURITY, responses=csv_doc({"$ref": "#/components/schemas/SalesReport"}))
@require_roles(*STAFF_ROLES)
def sales(query):
    """Sales per dish and portion per meal service, half-portion uptake; set meals and retail goods."""
    report = service.sales(require_identity(), **_args(query))
    return _csv(service.sales_csv(report), "sales", query) if query["format"] == "csv" else report


@blp.get("/covers")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, CoversSchema(many=True))
@blp.doc(security=SECURITY, responses=csv_doc({"type": "array", "items": {"$ref": "#/components/schemas/Covers"}}))
@require_roles(*STAFF_ROLES)
def covers(query):
    """Covers (orders served) per meal service per day."""
    rows = service.covers(require_identity(), **_args(query))
    return _csv(service.to_csv(rows, service.COVERS_COLUMNS), "covers", query) if query["format"] == "csv" else rows


@blp.get("/takings")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, TakingsRowSchema(many=True))
@blp.doc(security=SECURITY, responses=csv_doc({"type": "array", "items": {"$ref": "#/components/schemas/TakingsRow"}}))
@require_roles(*STAFF_ROLES)
def takings(query):
    """Net takings per payment method (cash, meal card, subsidy, Stripe), refunds deducted."""
    rows = service.takings(require_identity(), **_args(query))
    return _csv(service.to_csv(rows, service.TAKINGS_COLUMNS), "takings", query) if query["format"] == "csv" else rows
