"""Reports: sales per dish and portion per meal service (with half-portion uptake), covers per meal
service per day (the waste metrics divide by these), takings per payment method; CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import MealService
from linli.canteen.orders.models import Order, OrderLine
from linli.canteen.orders.states import SOLD_STATES
from linli.canteen.payments.service import takings_by_method
from linli.shared.auth import Identity
from linli.shared.errors import Unprocessable

MAX_DAYS = 366


def _window(identity: Identity | None, community_id: str, date_from: dt.date, date_to: dt.date) -> None:
    if identity is not None:
        identity.require_community(community_id)
    if date_to < date_from or (date_to - date_from).days >= MAX_DAYS:
        raise Unprocessable(f"date_from ≤ date_to, at most {MAX_DAYS} days.", code="invalid_range")


def _sold_lines(community_id: str, date_from: dt.date, date_to: dt.date) -> list[Any]:
    return list(db.session.execute(
        sa.select(MealService.id.label("meal_service_id"), MealService.service_date, MealService.kind,
                  OrderLine.kind.label("line_kind"), OrderLine.dish_id, OrderLine.portion, OrderLine.set_meal_id,
                  OrderLine.retail_item_id, OrderLine.name_zh, OrderLine.name_en, OrderLine.choices,
                  OrderLine.quantity, OrderLine.line_total_fen)
        .join(Order, Order.id == OrderLine.order_id)
        .join(MealService, MealService.id == Order.meal_service_id)
        .where(Order.community_id == community_id, Order.state.in_(SOLD_STATES),
               MealService.service_date >= date_from, MealService.service_date <= date_to)
        .order_by(MealService.service_date, MealService.starts_at, OrderLine.id)))


def sales(identity: Identity | None, *, community_id: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Per meal service: dishes by portion (sold on their own and inside set meals), set meals, retail;
    per dish the half-portion uptake = half portions / all portions sold on their own."""
    _window(identity, community_id, date_from, date_to)
    dishes: dict[tuple[int, int], dict[str, Any]] = {}
    others: dict[tuple[int, str, int], dict[str, Any]] = {}
    for row in _sold_lines(community_id, date_from, date_to):
        base = {"service_date": row.service_date, "meal_service_id": row.meal_service_id, "meal_kind": row.kind}
        if row.line_kind == "dish":
            entry = dishes.setdefault((row.meal_service_id, row.dish_id), {
                **base, "dish_id": row.dish_id, "name_zh": row.name_zh.removesuffix("（半份）"),
                "name_en": row.name_en.removesuffix(" (half)"), "full": 0, "half": 0, "full_in_set_meals": 0,
                "half_in_set_meals": 0, "revenue_fen": 0})
            entry[row.portion] += row.quantity
            entry["revenue_fen"] += row.line_total_fen
        else:
            item_id = row.set_meal_id if row.line_kind == "set_meal" else row.retail_item_id
            entry = others.setdefault((row.meal_service_id, row.line_kind, item_id), {
                **base, "kind": row.line_kind, "item_id": item_id, "name_zh": row.name_zh, "name_en": row.name_en,
                "quantity": 0, "revenue_fen": 0})
            entry["quantity"] += row.quantity
            entry["revenue_fen"] += row.line_total_fen
            for choice in row.choices or ():
                dish = dishes.setdefault((row.meal_service_id, choice["dish_id"]), {
                    **base, "dish_id": choice["dish_id"], "name_zh": choice["name_zh"], "name_en": choice["name_en"],
                    "full": 0, "half": 0, "full_in_set_meals": 0, "half_in_set_meals": 0, "revenue_fen": 0})
                dish[f"{choice['portion']}_in_set_meals"] += row.quantity
    for entry in dishes.values():
        alone = entry["full"] + entry["half"]
        entry["half_uptake"] = round(entry["half"] / alone, 4) if alone else None
    return {"community_id": community_id, "date_from": date_from, "date_to": date_to,
            "dishes": list(dishes.values()), "items": list(others.values())}


def covers(identity: Identity | None, *, community_id: str, date_from: dt.date,
           date_to: dt.date) -> list[dict[str, Any]]:
    """Covers (orders served, refunds excluded) per meal service per day, with takeaway share and revenue."""
    _window(identity, community_id, date_from, date_to)
    rows = db.session.execute(
        sa.select(MealService.service_date, MealService.id, MealService.kind, sa.func.count(Order.id),
                  sa.func.sum(sa.case((Order.mode == "takeaway", 1), else_=0)), sa.func.sum(Order.total_fen))
        .select_from(MealService)
        .join(Order, sa.and_(Order.meal_service_id == MealService.id, Order.state.in_(SOLD_STATES)), isouter=True)
        .where(MealService.community_id == community_id, MealService.service_date >= date_from,
               MealService.service_date <= date_to)
        .group_by(MealService.service_date, MealService.id, MealService.kind, MealService.starts_at)
        .order_by(MealService.service_date, MealService.starts_at))
    return [{"service_date": day, "meal_service_id": ms_id, "meal_kind": kind, "covers": int(n or 0),
             "takeaway": int(takeaway or 0), "revenue_fen": int(revenue or 0)}
            for day, ms_id, kind, n, takeaway, revenue in rows]


def takings(identity: Identity | None, *, community_id: str, date_from: dt.date,
            date_to: dt.date) -> list[dict[str, Any]]:
    """Net takings per payment method, read through the payments module's own report function."""
    _window(identity, community_id, date_from, date_to)
    return [{"method": method, "amount_fen": amount}
            for method, amount in takings_by_method(community_id, date_from, date_to).items()]


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


SALES_COLUMNS = ["service_date", "meal_service_id", "meal_kind", "dish_id", "name_zh", "name_en", "full", "half",
                 "half_uptake", "full_in_set_meals", "half_in_set_meals", "revenue_fen"]
ITEM_COLUMNS = ["service_date", "meal_service_id", "meal_kind", "kind", "item_id", "name_zh", "name_en",
                "quantity", "revenue_fen"]
COVERS_COLUMNS = ["service_date", "meal_service_id", "meal_kind", "covers", "takeaway", "revenue_fen"]
TAKINGS_COLUMNS = ["method", "amount_fen"]


def sales_csv(report: dict[str, Any]) -> str:
    """Dish rows (kind ``dish``) then set meal and retail rows, in one sheet."""
    rows = [{**d, "kind": "dish", "item_id": d["dish_id"], "quantity": d["full"] + d["half"]}
            for d in report["dishes"]] + report["items"]
    return to_csv(rows, ["kind", "item_id", *[c for c in SALES_COLUMNS if c != "dish_id"], "quantity"])
