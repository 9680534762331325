"""Routes of the visit diary (民情日记): personal data, staff of the community only, special-group reads audited."""

from __future__ import annotations

from flask_smorest import Blueprint

from linli.hub.visits import service
from linli.hub.visits.schemas import (
    AssignSchema,
    BalanceSchema,
    CountsSchema,
    DueItemSchema,
    DueQuerySchema,
    HouseholdVisitsSchema,
    OverviewQuerySchema,
    OverviewSchema,
    ReportQuerySchema,
    ReportSchema,
    VisitCreateSchema,
    VisitProblemSchema,
    VisitSchema,
)
from linli.shared.auth import require_identity, require_roles

blp = Blueprint("visits", __name__, url_prefix="/api/visits",
                description="Household visits, what is due, the managers' overview and the Monday meeting report")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]
STAFF = ("staff", "manager")


@blp.post("")
@blp.arguments(VisitCreateSchema)
@blp.response(201, VisitSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def record_visit(data):
    """Write a visit into the diary; with ``problem`` the cases service opens a case for it."""
    return service.record_visit(require_identity(), **data)


@blp.get("/<int:visit_id>")
@blp.response(200, VisitSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def get_visit(visit_id):
    """One visit with its case state (audited for special-group households)."""
    return service.get_visit(require_identity(), visit_id)


@blp.post("/<int:visit_id>/problem")
@blp.arguments(VisitProblemSchema)
@blp.response(200, VisitSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def raise_problem(data, visit_id):
    """Raise what a visit found as a problem (once): event ``hub.visit.problem_found``."""
    return service.raise_problem(require_identity(), visit_id, **data)


@blp.get("/households/<int:household_id>")
@blp.response(200, HouseholdVisitsSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def household_visits(household_id):
    """A household's visits, newest first; each read of a special-group household adds an audit row."""
    household, visits = service.household_visits(require_identity(), household_id)
    return {"household": household, "visits": visits}


@blp.post("/assignments")
@blp.arguments(AssignSchema)
@blp.response(200, CountsSchema)
@blp.doc(security=SECURITY)
@require_roles("manager")
def assign(data):
    """Contract households to a staff member (bulk)."""
    return {"assigned": service.assign(require_identity(), **data), "per_staff": {}}


@blp.post("/assignments/balance")
@blp.arguments(BalanceSchema)
@blp.response(200, CountsSchema)
@blp.doc(security=SECURITY)
@require_roles("manager")
def balance(data):
    """Assign every unassigned household (and a leaving staff member's) so that counts stay balanced."""
    counts = service.balance(require_identity(), **data)
    return {"assigned": sum(counts.values()), "per_staff": {str(k): v for k, v in counts.items()}}


@blp.get("/due")
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, DueItemSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def due(query):
    """A staff member's households due this week, most urgent first (overdue, never visited, today, this week)."""
    return service.due_list(require_identity(), **query)


@blp.get("/overview")
@blp.arguments(OverviewQuerySchema, location="query")
@blp.response(200, OverviewSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles("manager")
def overview(query):
    """Per staff member: households, special ones, never visited, overdue, due today and this week."""
    return service.overview(require_identity(), **query)


@blp.get("/report")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def report(query):
    """The Monday meeting report (例会汇报) of one week (default: last week)."""
    monday, rows = service.weekly_report(require_identity(), **query)
    return {"monday": monday, "staff": rows}
