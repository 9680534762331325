"""Routes of the service-item catalogue (public: residents read it at the front desk or at home)."""

from typing import Any

from flask_smorest import Blueprint

from linli.cases.catalogue import service
from linli.cases.catalogue.schemas import (
    CatalogueQuerySchema,
    CatalogueSummarySchema,
    ServiceItemSchema,
)

blp = Blueprint("catalogue", __name__, url_prefix="/api/communities", description="Service-item catalogue (服务事项)")


@blp.get("/<community_id>/service-items")
@blp.arguments(CatalogueQuerySchema, location="query")
@blp.response(200, ServiceItemSchema(many=True))
def list_service_items(query: dict[str, Any], community_id: str) -> Any:
    """The service items a community offers: search by words, filter by mode, category and flags."""
    return [item.as_dict() for item in service.search(community_id, **query)]


@blp.get("/<community_id>/service-items/summary")
@blp.response(200, CatalogueSummarySchema)
def catalogue_summary(community_id: str) -> Any:
    """How many items, how many pre-reviewable online, delegated, sunk down, open to reports."""
    return service.counts(service.catalogue_for(community_id))


@blp.get("/<community_id>/service-items/<code>")
@blp.response(200, ServiceItemSchema)
def get_service_item(community_id: str, code: str) -> Any:
    """One item with the documents it needs."""
    return service.find_item(community_id, code).as_dict()
