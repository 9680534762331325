"""Routes of the service-item catalogue."""

from flask_smorest import Blueprint

from linli.cases.catalogue.schemas import ServiceItemSchema
from linli.cases.catalogue.service import catalogue_for

blp = Blueprint("catalogue", __name__, url_prefix="/api/communities", description="Service-item catalogue (服务事项)")


@blp.get("/<community_id>/service-items")
@blp.response(200, ServiceItemSchema(many=True))
def list_service_items(community_id: str):  # type: ignore[no-untyped-def]
    """The service items a community offers, with their service modes."""
    return catalogue_for(community_id)
