"""What a meal service sells, as placement needs it: read in one go, with no ORM objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import (
    Dish,
    MealService,
    RetailItem,
    SetMeal,
    SetMealGroup,
    SetMealOption,
)
from linli.canteen.stock.models import DishStock, SetMealStock


class ServiceInfo(NamedTuple):
    id: int
    community_id: str
    service_date: dt.date
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    order_cutoff_at: dt.datetime
    dine_in: bool
    takeaway: bool

    def modes(self) -> list[str]:
        return [m for m, on in (("dine_in", self.dine_in), ("takeaway", self.takeaway)) if on]


class DishOffer(NamedTuple):
    stock_id: int
    id: int
    name_zh: str
    name_en: str
    full_price_fen: int
    half_price_fen: int | None


class RetailOffer(NamedTuple):
    id: int
    name_zh: str
    name_en: str
    price_fen: int


@dataclass
class Offers:
    service: ServiceInfo | None
    dishes: dict[int, DishOffer] = field(default_factory=dict)
    set_meals: dict[int, dict[str, Any]] = field(default_factory=dict)
    retail: dict[int, RetailOffer] = field(default_factory=dict)


def group_set_meals(rows: Iterable[Sequence[Any]]) -> dict[int, dict[str, Any]]:
    """Rows of (stock_id, set_meal_id, name_zh, name_en, price_fen, group_id, choose, dish_id, portion, code),
    ordered by group position and option → {set_meal_id: {stock_id, names, price_fen, code, groups}}."""
    offers: dict[int, dict[str, Any]] = {}
    for stock_id, set_meal_id, name_zh, name_en, price_fen, group_id, choose, dish_id, portion, code in rows:
        offer = offers.setdefault(set_meal_id, {"stock_id": stock_id, "name_zh": name_zh, "name_en": name_en,
                                                "price_fen": price_fen, "code": code, "groups": {}})
        group = offer["groups"].setdefault(group_id, {"choose": choose, "options": {}})
        group["options"][dish_id] = portion
    return offers


def load_offers(meal_service_id: int, set_meal_ids: set[int], retail_ids: set[int]) -> Offers:
    """The portable loader (SQLAlchemy Core); PostgreSQL uses ``fastpath.load_offers``."""
    ms = db.session.execute(sa.select(
        MealService.id, MealService.community_id, MealService.service_date, MealService.kind, MealService.starts_at,
        MealService.ends_at, MealService.order_cutoff_at, MealService.dine_in, MealService.takeaway,
    ).where(MealService.id == meal_service_id)).one_or_none()
    if ms is None:
        return Offers(service=None)
    offers = Offers(service=ServiceInfo(*ms))
    for row in db.session.execute(
            sa.select(DishStock.id, Dish.id, Dish.name_zh, Dish.name_en, Dish.full_price_fen, Dish.half_price_fen)
            .join(Dish, Dish.id == DishStock.dish_id)
            .where(DishStock.meal_service_id == meal_service_id, Dish.active.is_(True))):
        offers.dishes[row[1]] = DishOffer(*row)
    if set_meal_ids:
        offers.set_meals = group_set_meals(db.session.execute(
            sa.select(SetMealStock.id, SetMeal.id, SetMeal.name_zh, SetMeal.name_en, SetMeal.price_fen,
                      SetMealGroup.id, SetMealGroup.choose, SetMealOption.dish_id, SetMealOption.portion,
                      SetMeal.code)
            .join(SetMeal, SetMeal.id == SetMealStock.set_meal_id)
            .join(SetMealGroup, SetMealGroup.set_meal_id == SetMeal.id)
            .join(SetMealOption, SetMealOption.group_id == SetMealGroup.id)
            .where(SetMealStock.meal_service_id == meal_service_id, SetMealStock.set_meal_id.in_(set_meal_ids),
                   SetMeal.active.is_(True))
            .order_by(SetMealGroup.position, SetMealOption.id)).all())
    if retail_ids:
        for item in db.session.execute(
                sa.select(RetailItem.id, RetailItem.name_zh, RetailItem.name_en, RetailItem.price_fen)
                .where(RetailItem.id.in_(retail_ids), RetailItem.community_id == ms.community_id,
                       RetailItem.active.is_(True))):
            offers.retail[item[0]] = RetailOffer(*item)
    return offers
