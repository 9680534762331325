"""Routes of cases."""

from flask_smorest import Blueprint

from linli.cases.casework import service
from linli.cases.casework.schemas import CaseCreateSchema, CaseQuerySchema, CaseSchema
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("cases", __name__, url_prefix="/api/cases", description="Cases (约请制): discover, consult, resolve")


@blp.post("")
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def open_case(data):  # type: ignore[no-untyped-def]
    """Open a case for a problem residents share."""
    return service.open_case(require_identity(), **data)


@blp.get("")
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def list_cases(query):  # type: ignore[no-untyped-def]
    """Cases of one community, newest first."""
    return service.list_cases(require_identity(), **query)
