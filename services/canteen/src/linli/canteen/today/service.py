"""The menu of the day: every meal service of a date with its dishes, set meals and stock, plus the
annotations from the ``menu_annotations`` hook (solar term); featured dishes first.

``menu_etag`` costs one small query (revision + stock versions), so a conditional GET answers 304
without building the menu, and an unchanged menu is served from a per-process cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from flask import current_app

from linli.canteen.extensions import db
from linli.canteen.menu.models import (
    UNITS_PER_PORTION,
    Dish,
    MealService,
    RetailItem,
    SetMeal,
    SetMealGroup,
    SetMealOption,
)
from linli.canteen.stock.models import DishStock, SetMealStock
from linli.shared.db import UTCDateTime, utcnow
from linli.shared.errors import Conflict
from linli.shared.state import service_state

_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def _cache() -> OrderedDict[tuple[str, str], tuple[str, bytes]]:
    """Per app (so per database): ``{(community, date): (etag, body)}``."""
    return current_app.extensions.setdefault("canteen_menu_cache", OrderedDict())


_FINGERPRINT = sa.text("""
SELECT
  (SELECT coalesce(max(revision), 0) FROM canteen_menu_revision WHERE community_id = :c),
  (SELECT coalesce(sum(s.version + 1), 0) FROM canteen_dish_stock s JOIN canteen_meal_service m
     ON m.id = s.meal_service_id WHERE m.community_id = :c AND m.service_date = :d),
  (SELECT coalesce(sum(s.version + 1), 0) FROM canteen_set_meal_stock s JOIN canteen_meal_service m
     ON m.id = s.meal_service_id WHERE m.community_id = :c AND m.service_date = :d),
  (SELECT coalesce(sum(version + 1), 0) FROM canteen_retail_item WHERE community_id = :c),
  (SELECT count(*) FROM canteen_meal_service WHERE community_id = :c AND service_date = :d
     AND order_cutoff_at <= :now)
""").bindparams(sa.bindparam("d", type_=sa.Date()), sa.bindparam("now", type_=UTCDateTime()))


def read_row(statement: sa.Executable, params: dict[str, Any] | None = None) -> sa.Row[Any]:
    """One row read for a validator. On PostgreSQL outside any transaction (autocommit): no BEGIN and
    ROLLBACK round trips on a path clients poll."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return connection.execute(statement, params or {}).one()
    return db.session.execute(statement, params or {}).one()


def menu_etag(community_id: str, day: dt.date, now: dt.datetime | None = None) -> str:
    """A strong validator of the menu of ``day``: one query over the menu revision, the stock rows'
    versions (every reservation bumps one) and how many services are past their cut-off."""
    row = read_row(_FINGERPRINT, {"c": community_id, "d": day, "now": now or utcnow()})
    fingerprint = f"{community_id}|{day.isoformat()}|" + "|".join(str(int(x)) for x in row)
    return hashlib.blake2s(fingerprint.encode(), digest_size=12).hexdigest()


def menu_of_the_day_cached(community_id: str, day: dt.date, etag: str | None = None) -> tuple[str, bytes]:
    """``(etag, JSON body)`` of the menu, rebuilt only when the etag changed."""
    etag = etag or menu_etag(community_id, day)
    key, cache = (community_id, day.isoformat()), _cache()
    with _CACHE_LOCK:
        hit = cache.get(key)
        if hit and hit[0] == etag:
            cache.move_to_end(key)
            return hit
    body = json.dumps(menu_of_the_day(community_id, day), ensure_ascii=False, default=str).encode()
    with _CACHE_LOCK:
        cache[key] = (etag, body)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return etag, body


def _annotations(community_id: str, day: dt.date) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for result in service_state().hooks_for(community_id).menu_annotations(community=service_state()
                                                                            .communities.require(community_id),
                                                                            date=day):
        if result:
            tags = merged.get("featured_tags", []) + list(result.get("featured_tags", []))
            merged.update(result)
            merged["featured_tags"] = list(dict.fromkeys(tags))
    merged.setdefault("featured_tags", [])
    return merged


def _dish_entry(dish: Dish, stock: DishStock, featured: set[str]) -> dict[str, Any]:
    remaining = stock.remaining_units
    half = None
    if dish.half_price_fen is not None:
        half = {"price_fen": dish.half_price_fen, "available": remaining // UNITS_PER_PORTION["half"]}
    return {
        "id": dish.id, "code": dish.code, "name_zh": dish.name_zh, "name_en": dish.name_en,
        "description_zh": dish.description_zh, "description_en": dish.description_en,
        "category": dish.category, "allergens": list(dish.allergens or []), "tags": list(dish.tags or []),
        "photo_url": dish.photo_url, "featured": bool(featured.intersection(dish.tags or [])),
        "full": {"price_fen": dish.full_price_fen, "available": remaining // UNITS_PER_PORTION["full"]},
        "half": half, "remaining_units": remaining, "planned_units": stock.planned_units,
    }


def _rows(ids: list[int]) -> tuple[list[sa.Row[Any]], list[sa.Row[Any]], list[sa.Row[Any]], dict[int, SetMealGroup]]:
    """The stock rows of these meal services: dishes, set meals, set meal options, set meal groups."""
    if not ids:
        return [], [], [], {}
    dish_rows = list(db.session.execute(
        sa.select(DishStock, Dish).join(Dish, Dish.id == DishStock.dish_id)
        .where(DishStock.meal_service_id.in_(ids), Dish.active.is_(True))
        .order_by(DishStock.position, Dish.id)).all())
    set_rows = list(db.session.execute(
        sa.select(SetMealStock, SetMeal).join(SetMeal, SetMeal.id == SetMealStock.set_meal_id)
        .where(SetMealStock.meal_service_id.in_(ids), SetMeal.active.is_(True))
        .order_by(SetMeal.id)).all())
    if not set_rows:
        return dish_rows, set_rows, [], {}
    set_meal_ids = {sm.id for _, sm in set_rows}
    option_rows = list(db.session.execute(
        sa.select(SetMealGroup.set_meal_id, SetMealGroup.id, SetMealOption.dish_id, SetMealOption.portion,
                  Dish.name_zh, Dish.name_en)
        .join(SetMealOption, SetMealOption.group_id == SetMealGroup.id)
        .join(Dish, Dish.id == SetMealOption.dish_id)
        .where(SetMealGroup.set_meal_id.in_(set_meal_ids))
        .order_by(SetMealGroup.position, SetMealOption.id)).all())
    groups = {g.id: g for g in db.session.scalars(
        sa.select(SetMealGroup).where(SetMealGroup.set_meal_id.in_(set_meal_ids))
        .options(sa.orm.noload(SetMealGroup.options)))}
    return dish_rows, set_rows, option_rows, groups


def _service_entry(service: MealService, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": service.id, "kind": service.kind, "service_date": service.service_date.isoformat(),
        "starts_at": service.starts_at.isoformat(), "ends_at": service.ends_at.isoformat(),
        "order_cutoff_at": service.order_cutoff_at.isoformat(), "ordering_open": now < service.order_cutoff_at,
        "modes": service.modes(), "note": service.note, "dishes": [], "set_meals": [],
    }


def _set_meal_entry(stock: SetMealStock, set_meal: SetMeal, option_rows: list[sa.Row[Any]],
                    groups: dict[int, SetMealGroup], remaining: dict[tuple[int, int], int]) -> dict[str, Any]:
    """A set meal of a meal service with its groups; ``remaining`` is the dish units left per
    ``(meal service, dish)``, which bounds each option."""
    sm_groups: dict[int, dict[str, Any]] = {}
    for set_meal_id, group_id, dish_id, portion, name_zh, name_en in option_rows:
        if set_meal_id != set_meal.id:
            continue
        group = groups[group_id]
        g = sm_groups.setdefault(group_id, {"id": group_id, "name_zh": group.name_zh, "name_en": group.name_en,
                                            "choose": group.choose, "options": []})
        left = remaining.get((stock.meal_service_id, dish_id), 0)
        g["options"].append({"dish_id": dish_id, "portion": portion, "name_zh": name_zh, "name_en": name_en,
                             "available": left // UNITS_PER_PORTION[portion]})
    for g in sm_groups.values():
        g["fixed"] = len(g["options"]) == g["choose"]
    return {
        "id": set_meal.id, "code": set_meal.code, "name_zh": set_meal.name_zh, "name_en": set_meal.name_en,
        "description_zh": set_meal.description_zh, "description_en": set_meal.description_en,
        "tags": list(set_meal.tags or []), "photo_url": set_meal.photo_url, "price_fen": set_meal.price_fen,
        "daily_limit": stock.daily_limit, "remaining": stock.remaining, "groups": list(sm_groups.values()),
    }


def _retail_entries(community_id: str) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "brand": r.brand,
         "description_zh": r.description_zh, "description_en": r.description_en, "photo_url": r.photo_url,
         "price_fen": r.price_fen, "stock_remaining": r.stock_remaining}
        for r in db.session.scalars(sa.select(RetailItem).where(RetailItem.community_id == community_id,
                                                                RetailItem.active.is_(True)).order_by(RetailItem.id))
    ]


def menu_of_the_day(community_id: str, day: dt.date) -> dict[str, Any]:
    community = service_state().communities.require(community_id)
    annotations = _annotations(community_id, day)
    featured = set(annotations["featured_tags"])
    now = utcnow()
    services = list(db.session.scalars(sa.select(MealService).where(
        MealService.community_id == community_id, MealService.service_date == day).order_by(MealService.starts_at)))
    dish_rows, set_rows, option_rows, groups = _rows([s.id for s in services])
    out_services = [_service_entry(s, now) for s in services]
    by_service = {entry["id"]: entry for entry in out_services}
    remaining_by_service: dict[tuple[int, int], int] = {}
    for stock, dish in dish_rows:
        by_service[stock.meal_service_id]["dishes"].append(_dish_entry(dish, stock, featured))
        remaining_by_service[(stock.meal_service_id, dish.id)] = stock.remaining_units
    for entry in out_services:
        entry["dishes"].sort(key=lambda d: not d["featured"])  # stable: featured first, plan order kept
    for stock, set_meal in set_rows:
        by_service[stock.meal_service_id]["set_meals"].append(
            _set_meal_entry(stock, set_meal, option_rows, groups, remaining_by_service))
    canteen = community.setting("canteen", {}) or {}
    return {
        "community_id": community_id, "date": day.isoformat(), "currency": "CNY",
        "canteen": {"name_zh": canteen.get("name_zh", community.name_zh),
                    "name_en": canteen.get("name_en", community.name_en)},
        "annotations": annotations, "services": out_services, "retail": _retail_entries(community_id),
    }


def check_stock(entry: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """Whether a meal service's entry of the menu of the day (with ``retail`` added) has enough left
    for all of ``lines`` (order lines: dishes, set meals with their choices, retail goods), so that
    sold out shows before an order is placed. Raises ``sold_out``."""
    units: dict[int, int] = {}
    sets: dict[int, int] = {}
    goods: dict[int, int] = {}
    set_meals = {s["id"]: s for s in entry["set_meals"]}
    for line in lines:
        if line["kind"] == "dish":
            units[line["dish_id"]] = units.get(line["dish_id"], 0) + UNITS_PER_PORTION[line["portion"]] * line[
                "quantity"]
            continue
        if line["kind"] == "retail":
            goods[line["retail_item_id"]] = goods.get(line["retail_item_id"], 0) + line["quantity"]
            continue
        sets[line["set_meal_id"]] = sets.get(line["set_meal_id"], 0) + line["quantity"]
        portions = {o["dish_id"]: o["portion"] for g in set_meals[line["set_meal_id"]]["groups"] for o in g["options"]}
        for dish_id in line["choices"]:
            units[dish_id] = units.get(dish_id, 0) + UNITS_PER_PORTION[portions[dish_id]] * line["quantity"]
    dishes = {d["id"]: d for d in entry["dishes"]}
    retail = {r["id"]: r for r in entry["retail"]}
    short = (any(dish_id not in dishes or dishes[dish_id]["remaining_units"] < needed for dish_id, needed in units.items())
             or any(set_meals[set_meal_id]["remaining"] < needed for set_meal_id, needed in sets.items())
             or any(item_id not in retail or retail[item_id]["stock_remaining"] < needed
                    for item_id, needed in goods.items()))
    if short:
        raise Conflict("sold out", code="sold_out")
