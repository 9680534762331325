"""Past meal services with served orders, for tests and the benchmark: the covers the waste report
divides by come from real order rows, never from a typed-in number."""

from __future__ import annotations

import datetime as dt
import random
import secrets

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu import service as menu
from linli.canteen.menu.models import Dish, MealService
from linli.canteen.orders.models import Order, OrderLine
from linli.canteen.waste.demo import served_orders
from linli.shared.localtime import local_at


def past_service(community_id: str, day: dt.date, kind: str = "lunch", *, collected: int = 0,
                 other_states: dict[str, int] | None = None) -> MealService:
    """A meal service on ``day`` with ``collected`` served orders and orders in ``other_states``
    (e.g. {"cancelled": 2, "pending_payment": 1}) that are not covers."""
    service = menu.create_meal_service(None, community_id=community_id, service_date=day, kind=kind,
                                       starts_at=local_at(day, "11:00"), ends_at=local_at(day, "13:00"),
                                       order_cutoff_at=local_at(day, "12:45"), commit=False)
    db.session.flush()
    dishes = list(db.session.scalars(sa.select(Dish).where(Dish.community_id == community_id)))
    if not dishes:
        dishes = [menu.create_dish(None, community_id=community_id, commit=False, code=f"dish-{day}-{kind}",
                                   name_zh="红烧肉", name_en="Braised pork", category="meat", full_price_fen=1600,
                                   half_price_fen=900)]
        db.session.flush()
    start = 1 + (db.session.scalar(sa.select(sa.func.max(Order.pickup_number)).where(
        Order.community_id == community_id, Order.pickup_date == day)) or 0)
    number = served_orders(service, dishes, collected, rng=random.Random(str(day)), start_number=start)
    for state, count in (other_states or {}).items():
        for _ in range(count):
            db.session.add(Order(community_id=community_id, meal_service_id=service.id, pickup_number=number,
                                 pickup_date=day, pickup_ref=secrets.token_urlsafe(12), state=state,
                                 subtotal_fen=1000, total_fen=1000, expires_at=service.starts_at))
            number += 1
    db.session.commit()
    return service


def collected_order(service: MealService, dishes: list[Dish]) -> Order:
    """One collected order of one full portion of each dish at ``service`` (any hour of the day)."""
    number = 1 + (db.session.scalar(sa.select(sa.func.max(Order.pickup_number)).where(
        Order.community_id == service.community_id, Order.pickup_date == service.service_date)) or 0)
    total = sum(d.full_price_fen for d in dishes)
    order = Order(community_id=service.community_id, meal_service_id=service.id, channel="kiosk", pickup_number=number,
                  pickup_date=service.service_date, pickup_ref=secrets.token_urlsafe(12), state="collected",
                  subtotal_fen=total, total_fen=total, expires_at=service.starts_at, paid_at=service.starts_at,
                  collected_at=service.starts_at,
                  lines=[OrderLine(kind="dish", dish_id=d.id, portion="full", name_zh=d.name_zh, name_en=d.name_en,
                                   quantity=1, unit_price_fen=d.full_price_fen, line_total_fen=d.full_price_fen,
                                   choices=[]) for d in dishes])
    db.session.add(order)
    db.session.commit()
    return order
