"""Demo kitchen waste: the past week (the seven days before the day of seeding) of meal services with
their served orders (the covers) and their weighings, in both communities, plus one correction.
Every figure depends on the day's offset from the seeding day only, so a seed at any hour of any day
gives the same tables. Safe to run twice: a meal service that has weighings is left alone."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from linli.canteen.demo import DEMO_STAFF, SERVICES
from linli.canteen.extensions import db
from linli.canteen.menu import service as menu
from linli.canteen.menu.models import Dish, MealService
from linli.canteen.orders.models import Order, OrderLine, PickupCounter
from linli.canteen.waste.models import WasteEntry
from linli.shared.localtime import local_at, local_today
from linli.shared.seeding import seeding

DAYS_BACK = 7
# community → meal kind → (covers low, high); Huiyuan serves no dinner
COVERS = {
    "north-bund": {"breakfast": (40, 60), "lunch": (95, 130), "dinner": (30, 50)},
    "fenglin-huiyuan": {"breakfast": (25, 35), "lunch": (60, 80)},
}
# kind → grams per cover (low, high)
GRAMS_PER_COVER = {"preparation": (28, 42), "unserved": (18, 36), "plate": (38, 62)}
MEAL_DISHES = {"breakfast": ["youtiao", "doujiang", "cifantuan"],
               "lunch": ["hongshao-rou", "baiqie-ji", "qingchao-shishu", "fanqie-chaodan", "mifan"],
               "dinner": ["hongshao-rou", "xianggu-qingcai", "fanqie-chaodan", "mifan"]}


def served_orders(service: MealService, dishes: list[Dish], count: int, *, rng: random.Random,
                  start_number: int = 1) -> int:
    """``count`` collected orders at a past meal service, one or two dish lines each (some half
    portions), written with two multi-row INSERTs. Returns the next free pickup number of that day."""
    collected = service.ends_at - dt.timedelta(minutes=30)
    orders, lines = [], []
    for index in range(count):
        picks = rng.sample(dishes, k=min(len(dishes), rng.randint(1, 2)))
        mine: list[dict[str, Any]] = []
        for dish in picks:
            portion = "half" if dish.half_price_fen is not None and rng.random() < 0.3 else "full"
            price = dish.full_price_fen if portion == "full" else dish.half_price_fen
            suffix_zh, suffix_en = ("（半份）", " (half)") if portion == "half" else ("", "")
            mine.append({"kind": "dish", "dish_id": dish.id, "portion": portion, "name_zh": dish.name_zh + suffix_zh,
                         "name_en": dish.name_en + suffix_en, "quantity": 1, "unit_price_fen": price,
                         "line_total_fen": price, "choices": []})
        total = sum(line["line_total_fen"] for line in mine)
        orders.append({"community_id": service.community_id, "meal_service_id": service.id, "diner_id": None,
                       "channel": rng.choice(("kiosk", "phone", "counter")), "mode": "dine_in",
                       "pickup_number": start_number + index, "pickup_date": service.service_date,
                       "pickup_ref": secrets.token_urlsafe(12), "state": "collected", "subtotal_fen": total,
                       "adjustments_fen": 0, "total_fen": total, "currency": "CNY", "note": "",
                       "expires_at": service.starts_at, "stock_released": False, "paid_at": service.starts_at,
                       "collected_at": collected, "created_at": service.starts_at, "updated_at": collected})
        lines.append(mine)
    if orders:  # Core inserts: no ORM bookkeeping for thousands of rows
        connection = db.session.connection()
        ids = connection.execute(sa.insert(Order.__table__).returning(Order.__table__.c.id,
                                                                      sort_by_parameter_order=True),
                                 orders).scalars().all()
        connection.execute(sa.insert(OrderLine.__table__),
                           [{**line, "order_id": order_id} for order_id, mine in zip(ids, lines, strict=True)
                            for line in mine])
    return start_number + count


def _past_service(community_id: str, day: dt.date, kind: str) -> MealService:
    existing = db.session.scalar(sa.select(MealService).where(
        MealService.community_id == community_id, MealService.service_date == day, MealService.kind == kind))
    if existing is not None:
        return existing
    _kind, start, end, cutoff, dine_in, takeaway = next(s for s in SERVICES if s[0] == kind)
    service = menu.create_meal_service(None, community_id=community_id, service_date=day, kind=kind,
                                       starts_at=local_at(day, start), ends_at=local_at(day, end),
                                       order_cutoff_at=local_at(day, cutoff), dine_in=dine_in,
                                       takeaway=takeaway, commit=False)
    db.session.flush()
    return service


def _weigh(service: MealService, covers: int, dishes: list[Dish], weigher: str, rng: random.Random) -> None:
    at = service.ends_at + dt.timedelta(minutes=20)

    def add(kind: str, grams: int, dish: Dish | None = None, edible: bool = True) -> None:
        db.session.add(WasteEntry(community_id=service.community_id, meal_service_id=service.id,
                                  service_date=service.service_date, meal_kind=service.kind, kind=kind, edible=edible,
                                  dish_id=dish.id if dish else None, grams=max(1, grams), weighed_by=weigher,
                                  weighed_at=at, state="current", created_at=at))

    low, high = GRAMS_PER_COVER["preparation"]
    prep = covers * rng.randint(low, high)
    add("preparation", prep * 2 // 3, edible=False)  # peel, bones, trimmings
    add("preparation", prep - prep * 2 // 3)
    low, high = GRAMS_PER_COVER["unserved"]
    unserved = covers * rng.randint(low, high)
    main, other = rng.sample(dishes, k=2)
    add("unserved", unserved * 3 // 5, main)
    add("unserved", unserved - unserved * 3 // 5, other)
    low, high = GRAMS_PER_COVER["plate"]
    add("plate", covers * rng.randint(low, high))


def seed_demo(app: Flask) -> None:
    with seeding(app):  # one transaction: all or nothing
        today = local_today()
        made = 0
        for community_id, kinds in COVERS.items():
            if community_id not in app.extensions["linli"].communities:
                continue
            dishes = {d.code: d for d in db.session.scalars(sa.select(Dish).where(Dish.community_id == community_id))}
            for offset in range(DAYS_BACK, 0, -1):
                day = today - dt.timedelta(days=offset)
                number = 1 + (db.session.scalar(sa.select(sa.func.max(Order.pickup_number)).where(
                    Order.community_id == community_id, Order.pickup_date == day)) or 0)
                for kind, (low, high) in kinds.items():
                    service = _past_service(community_id, day, kind)
                    if db.session.scalar(sa.select(WasteEntry.id).where(WasteEntry.meal_service_id == service.id)):
                        continue
                    rng = random.Random(f"{community_id}:{offset}:{kind}")
                    menu_dishes = [dishes[c] for c in MEAL_DISHES[kind] if c in dishes]
                    covers = rng.randint(low, high)
                    number = served_orders(service, menu_dishes, covers, rng=rng, start_number=number)
                    _weigh(service, covers, [d for d in menu_dishes if d.code != "mifan"], DEMO_STAFF[community_id], rng)
                    made += 1
                _bump_counter(community_id, day, number - 1)
            db.session.flush()
            _demo_correction(community_id, today - dt.timedelta(days=1))
        db.session.commit()
        click.echo(f"canteen: {made} past meal services with covers and waste weighed" if made
                   else "canteen: demo waste already seeded")


def _bump_counter(community_id: str, day: dt.date, last: int) -> None:
    counter = db.session.get(PickupCounter, (community_id, day))
    if counter is None:
        db.session.add(PickupCounter(community_id=community_id, pickup_date=day, last_number=last))
    elif counter.last_number < last:
        counter.last_number = last


def _demo_correction(community_id: str, day: dt.date) -> None:
    """Yesterday's lunch plate waste was weighed with the bin's lid on: corrected, both values kept."""
    entry = db.session.scalar(sa.select(WasteEntry).where(
        WasteEntry.community_id == community_id, WasteEntry.service_date == day, WasteEntry.meal_kind == "lunch",
        WasteEntry.kind == "plate", WasteEntry.state == "current"))
    if entry is None or entry.corrects_id is not None:
        return
    entry.state = "corrected"
    db.session.add(WasteEntry(**{c: getattr(entry, c) for c in (
        "community_id", "meal_service_id", "service_date", "meal_kind", "kind", "edible", "dish_id", "weighed_by",
        "weighed_at")}, grams=entry.grams - 850, note="", state="current", corrects_id=entry.id,
        correction_reason="bin lid weighed with it (850 g)", created_at=entry.weighed_at + dt.timedelta(minutes=5)))

