"""Routes of daily stock: what a meal service offers and how much is left."""

from __future__ import annotations

from flask_smorest import Blueprint

from linli.canteen.menu.service import get_meal_service
from linli.canteen.stock import service
from linli.canteen.stock.schemas import (
    DishStockSchema,
    OfferDishSchema,
    OfferSetMealSchema,
    ServiceStockSchema,
    SetMealStockSchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("canteen_stock_api", __name__, url_prefix="/api/meal-services",
                description="Daily stock per meal service, in units (full portion = 2, half = 1)")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.put("/<int:meal_service_id>/dishes/<int:dish_id>")
@blp.arguments(OfferDishSchema)
@blp.response(200, DishStockSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def offer_dish(data, meal_service_id, dish_id):
    """Put a dish on a meal service's menu with its planned portions (or change the plan)."""
    return service.offer_dish(require_identity(), meal_service_id=meal_service_id, dish_id=dish_id, **data)


@blp.put("/<int:meal_service_id>/set-meals/<int:set_meal_id>")
@blp.arguments(OfferSetMealSchema)
@blp.response(200, SetMealStockSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def offer_set_meal(data, meal_service_id, set_meal_id):
    """Offer a set meal at a meal service with its daily limit (or change the limit)."""
    return service.offer_set_meal(require_identity(), meal_service_id=meal_service_id, set_meal_id=set_meal_id,
                                  **data)


@blp.get("/<int:meal_service_id>/stock")
@blp.response(200, ServiceStockSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def service_stock(meal_service_id):
    """Planned and remaining stock of a meal service."""
    meal_service = get_meal_service(meal_service_id)
    require_identity().require_community(meal_service.community_id)
    return {"dishes": service.dish_stock_rows(meal_service_id),
            "set_meals": service.set_meal_stock_rows(meal_service_id)}
