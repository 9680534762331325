"""Routes of the menu: dishes, set meals, retail goods, meal services (the menu of the day with its
stock is ``linli.canteen.today.api``)."""

from __future__ import annotations

from flask_smorest import Blueprint

from linli.canteen.menu import service
from linli.canteen.menu.schemas import (
    DateQuerySchema,
    DishCreateSchema,
    DishSchema,
    DishUpdateSchema,
    MealServiceCreateSchema,
    MealServiceSchema,
    MealServiceUpdateSchema,
    RestockSchema,
    RetailItemCreateSchema,
    RetailItemSchema,
    SetMealCreateSchema,
    SetMealSchema,
)
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles
from linli.shared.localtime import local_today

blp = Blueprint("canteen_menu_api", __name__, url_prefix="/api",
                description="Menu (菜单): dishes with half portions, set meals, retail goods, meal services")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.get("/communities/<community_id>/dishes")
@blp.response(200, DishSchema(many=True))
def list_dishes(community_id):
    """All active dishes of a community's canteen."""
    return service.list_dishes(community_id)


@blp.post("/communities/<community_id>/dishes")
@blp.arguments(DishCreateSchema)
@blp.response(201, DishSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def create_dish(data, community_id):
    """Add a dish (full portion, optionally a half portion with its own price)."""
    return service.create_dish(require_identity(), community_id=community_id, **data)


@blp.patch("/dishes/<int:dish_id>")
@blp.arguments(DishUpdateSchema)
@blp.response(200, DishSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def update_dish(data, dish_id):
    """Change a dish: prices, names, tags (e.g. a solar-term tag), or retire it (active=false)."""
    return service.update_dish(require_identity(), dish_id, **data)


@blp.get("/communities/<community_id>/set-meals")
@blp.response(200, SetMealSchema(many=True))
def list_set_meals(community_id):
    """Set meals (套餐) with their groups of fixed items and choices."""
    return service.list_set_meals(community_id)


@blp.post("/communities/<community_id>/set-meals")
@blp.arguments(SetMealCreateSchema)
@blp.response(201, SetMealSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def create_set_meal(data, community_id):
    """Add a set meal at a bundle price, e.g. 粮心套餐: one meat, two vegetables, rice."""
    return service.create_set_meal(require_identity(), community_id=community_id, **data)


@blp.get("/communities/<community_id>/retail-items")
@blp.response(200, RetailItemSchema(many=True))
def list_retail_items(community_id):
    """Time-honoured brand goods (老字号) with their stock."""
    return service.list_retail_items(community_id)


@blp.post("/communities/<community_id>/retail-items")
@blp.arguments(RetailItemCreateSchema)
@blp.response(201, RetailItemSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def create_retail_item(data, community_id):
    """Add a retail good with its opening stock."""
    return service.create_retail_item(require_identity(), community_id=community_id, **data)


@blp.post("/retail-items/<int:item_id>/restock")
@blp.arguments(RestockSchema)
@blp.response(200, RetailItemSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def restock_retail_item(data, item_id):
    """Add stock to a retail good (or write some off); never below zero."""
    return service.restock_retail_item(require_identity(), item_id, data["delta"])


@blp.get("/communities/<community_id>/meal-services")
@blp.arguments(DateQuerySchema(), location="query")
@blp.response(200, MealServiceSchema(many=True))
def list_meal_services(query, community_id):
    """Meal services (餐次) of a date: hours, order cut-off, dine-in/takeaway."""
    return service.list_meal_services(community_id, query["date"] or local_today())


@blp.post("/communities/<community_id>/meal-services")
@blp.arguments(MealServiceCreateSchema)
@blp.response(201, MealServiceSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def create_meal_service(data, community_id):
    """Open a meal service on a date (breakfast, lunch, dinner, raw-food takeaway window)."""
    return service.create_meal_service(current_identity(), community_id=community_id, **data)


@blp.patch("/meal-services/<int:meal_service_id>")
@blp.arguments(MealServiceUpdateSchema)
@blp.response(200, MealServiceSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def update_meal_service(data, meal_service_id):
    """Change a meal service's hours, order cut-off, dine-in/takeaway or note."""
    return service.update_meal_service(require_identity(), meal_service_id, **data)
