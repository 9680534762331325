"""Routes of households and residents (personal data: staff of the community only)."""

from flask_smorest import Blueprint

from linli.hub.people import service
from linli.hub.people.schemas import (
    AuditEntrySchema,
    AuditQuerySchema,
    HouseholdCreateSchema,
    HouseholdQuerySchema,
    HouseholdSchema,
    ResidentCreateSchema,
    ResidentSchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("people", __name__, url_prefix="/api/people",
                description="Households and residents; reads of special-group households are audited")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.get("/households")
@blp.arguments(HouseholdQuerySchema, location="query")
@blp.response(200, HouseholdSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def list_households(query):
    """Households of one community, optionally those with a member in a group (e.g. elderly_alone)."""
    return service.list_households(require_identity(), **query)


@blp.post("/households")
@blp.arguments(HouseholdCreateSchema)
@blp.response(201, HouseholdSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def create_household(data):
    """Register a household (building, unit, room in a compound)."""
    return service.create_household(require_identity(), **data)


@blp.get("/households/<int:household_id>")
@blp.response(200, HouseholdSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def get_household(household_id):
    """One household with its residents (audited when special groups live there)."""
    return service.read_household(require_identity(), household_id)


@blp.post("/households/<int:household_id>/residents")
@blp.arguments(ResidentCreateSchema)
@blp.response(201, ResidentSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def add_resident(data, household_id):
    """Add a resident with groups and languages."""
    return service.add_resident(require_identity(), household_id, **data)


@blp.get("/audit")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
@blp.doc(security=SECURITY)
@require_roles("manager")
def audit_log(query):
    """Who read special-group households, newest first (managers)."""
    return service.audit_entries(require_identity(), **query)
