"""Daily stock: what a meal service offers, and reserving/releasing units without ever overselling.

Reservations are conditional UPDATEs (``... WHERE remaining >= n``, rowcount checked) on rows taken
in a fixed order (dish stock by id, then set-meal stock by id, then retail goods by id), so that
concurrent orders neither oversell nor deadlock; CHECK (remaining >= 0) backs it in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import UNITS_PER_PORTION, RetailItem
from linli.canteen.menu.service import bump_revision, get_dish, get_meal_service, get_set_meal
from linli.canteen.stock.models import DishStock, SetMealStock
from linli.shared.auth import Identity
from linli.shared.db import changed_rows
from linli.shared.errors import Conflict, Unprocessable


@dataclass
class Draws:
    """What an order takes from stock: units per dish-stock row, count per set-meal-stock row and retail item."""

    dish_units: dict[int, int] = field(default_factory=dict)
    set_meals: dict[int, int] = field(default_factory=dict)
    retail: dict[int, int] = field(default_factory=dict)

    @staticmethod
    def _add(target: dict[int, int], key: int, n: int) -> None:
        target[key] = target.get(key, 0) + n

    def add_dish(self, dish_stock_id: int, portion: str, quantity: int) -> None:
        self._add(self.dish_units, dish_stock_id, UNITS_PER_PORTION[portion] * quantity)

    def add_set_meal(self, set_meal_stock_id: int, quantity: int) -> None:
        self._add(self.set_meals, set_meal_stock_id, quantity)

    def add_retail(self, item_id: int, quantity: int) -> None:
        self._add(self.retail, item_id, quantity)


_DISH = sa.text("UPDATE canteen_dish_stock SET remaining_units = remaining_units - :n, version = version + 1 "
                "WHERE id = :id AND remaining_units >= :n")
_SET = sa.text("UPDATE canteen_set_meal_stock SET remaining = remaining - :n, version = version + 1 "
               "WHERE id = :id AND remaining >= :n")
_RETAIL = sa.text("UPDATE canteen_retail_item SET stock_remaining = stock_remaining - :n, version = version + 1 "
                  "WHERE id = :id AND stock_remaining >= :n")
_DISH_BACK = sa.text("UPDATE canteen_dish_stock SET remaining_units = remaining_units + :n, version = version + 1 "
                     "WHERE id = :id")
_SET_BACK = sa.text("UPDATE canteen_set_meal_stock SET remaining = remaining + :n, version = version + 1 "
                    "WHERE id = :id")
_RETAIL_BACK = sa.text("UPDATE canteen_retail_item SET stock_remaining = stock_remaining + :n, "
                       "version = version + 1 WHERE id = :id")


def _apply(statement: sa.TextClause, rows: Mapping[int, int], what: str, *, check: bool) -> None:
    session = db.session
    for row_id in sorted(rows):  # fixed lock order: no deadlocks between concurrent orders
        n = rows[row_id]
        if n <= 0:
            continue
        result = session.execute(statement, {"id": row_id, "n": n})
        if check and changed_rows(result) != 1:
            raise Conflict(f"Sold out: not enough {what} left.", code="sold_out", item=what, stock_id=row_id)


def reserve(draws: Draws) -> None:
    """Take ``draws`` from stock in the current transaction, or raise Conflict(sold_out) (roll back then)."""
    _apply(_DISH, draws.dish_units, "dish", check=True)
    _apply(_SET, draws.set_meals, "set_meal", check=True)
    _apply(_RETAIL, draws.retail, "retail", check=True)


def release(draws: Draws) -> None:
    """Give ``draws`` back to stock in the current transaction (same lock order as ``reserve``)."""
    _apply(_DISH_BACK, draws.dish_units, "dish", check=False)
    _apply(_SET_BACK, draws.set_meals, "set_meal", check=False)
    _apply(_RETAIL_BACK, draws.retail, "retail", check=False)


# --- what a meal service offers ---------------------------------------------------------------


def offer_dish(identity: Identity | None, *, meal_service_id: int, dish_id: int, planned_portions: int,
               position: int = 0, commit: bool = True) -> DishStock:
    """Offer a dish at a meal service with ``planned_portions`` full portions (= 2 units each).
    Offering it again changes the plan; what was already sold stays sold."""
    service = get_meal_service(meal_service_id)
    if identity is not None:
        identity.require_community(service.community_id)
    dish = get_dish(dish_id, service.community_id)
    if planned_portions < 0:
        raise Unprocessable("Planned portions cannot be negative.", code="invalid_quantity")
    planned_units = planned_portions * UNITS_PER_PORTION["full"]
    stock = db.session.scalar(sa.select(DishStock).where(DishStock.meal_service_id == meal_service_id,
                                                         DishStock.dish_id == dish.id).with_for_update())
    if stock is None:
        stock = DishStock(community_id=service.community_id, meal_service_id=meal_service_id, dish_id=dish.id,
                          planned_units=planned_units, remaining_units=planned_units, position=position)
        db.session.add(stock)
    else:
        sold = stock.planned_units - stock.remaining_units
        if planned_units < sold:
            raise Conflict(f"{sold} units are already sold.", code="below_sold", sold_units=sold)
        stock.planned_units, stock.remaining_units = planned_units, planned_units - sold
        stock.position = position
        stock.version += 1
    bump_revision(service.community_id)
    if commit:
        db.session.commit()
    return stock


def offer_set_meal(identity: Identity | None, *, meal_service_id: int, set_meal_id: int, daily_limit: int,
                   commit: bool = True) -> SetMealStock:
    """Offer a set meal at a meal service, limited to ``daily_limit``; again = change the limit."""
    service = get_meal_service(meal_service_id)
    if identity is not None:
        identity.require_community(service.community_id)
    set_meal = get_set_meal(set_meal_id, service.community_id)
    if daily_limit < 0:
        raise Unprocessable("The limit cannot be negative.", code="invalid_quantity")
    stock = db.session.scalar(sa.select(SetMealStock).where(SetMealStock.meal_service_id == meal_service_id,
                                                            SetMealStock.set_meal_id == set_meal.id)
                              .with_for_update())
    if stock is None:
        stock = SetMealStock(community_id=service.community_id, meal_service_id=meal_service_id,
                             set_meal_id=set_meal.id, daily_limit=daily_limit, remaining=daily_limit)
        db.session.add(stock)
    else:
        sold = stock.daily_limit - stock.remaining
        if daily_limit < sold:
            raise Conflict(f"{sold} are already sold.", code="below_sold", sold=sold)
        stock.daily_limit, stock.remaining = daily_limit, daily_limit - sold
        stock.version += 1
    bump_revision(service.community_id)
    if commit:
        db.session.commit()
    return stock


def dish_stock_rows(meal_service_id: int) -> list[DishStock]:
    return list(db.session.scalars(sa.select(DishStock).where(DishStock.meal_service_id == meal_service_id)
                                   .order_by(DishStock.position, DishStock.id)))


def set_meal_stock_rows(meal_service_id: int) -> list[SetMealStock]:
    return list(db.session.scalars(sa.select(SetMealStock).where(SetMealStock.meal_service_id == meal_service_id)
                                   .order_by(SetMealStock.id)))


def retail_stock(item_id: int) -> int:
    return int(db.session.scalar(sa.select(RetailItem.stock_remaining).where(RetailItem.id == item_id)) or 0)
