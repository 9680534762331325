"""The cart of a page flow, kept in the Flask session (a signed cookie; anonymous ordering is allowed).

A cart holds order lines as the orders service takes them (dish + portion, set meal + choices, or a
retail good) per flow, community and meal service. Prices and names shown come from the menu of the day
(which also says whether enough is left: ``today.service.check_stock``); the order's real prices are
computed by the orders service when it is placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import session
from flask_babel import gettext as _

from linli.shared.errors import Problem
from linli.shared.pages import is_en, name

MAX_QUANTITY = 50


class PageMessage(Problem):
    """A problem whose detail is already the message to show (translated)."""

    status, code, title = 422, "page_message", "Please check"


@dataclass
class CartLine:
    index: int
    title: str
    detail: str
    quantity: int
    unit_fen: int

    @property
    def total_fen(self) -> int:
        return self.unit_fen * self.quantity


@dataclass
class CartView:
    lines: list[CartLine] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


def _key(flow: str, community_id: str, meal_service_id: int) -> str:
    return f"{flow}:{community_id}:{meal_service_id}"


def load(flow: str, community_id: str, meal_service_id: int) -> list[dict[str, Any]]:
    carts = session.get("canteen_carts") or {}
    return [dict(line) for line in carts.get(_key(flow, community_id, meal_service_id), [])]


def save(flow: str, community_id: str, meal_service_id: int, lines: list[dict[str, Any]]) -> None:
    carts = {k: v for k, v in (session.get("canteen_carts") or {}).items() if k.startswith(f"{flow}:")}
    key = _key(flow, community_id, meal_service_id)
    if lines:
        carts = {key: lines}  # one open cart per flow: the cookie stays small
    else:
        carts.pop(key, None)
    session["canteen_carts"] = carts


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    fields = ("kind", "dish_id", "portion", "set_meal_id", "retail_item_id")
    return all(a.get(f) == b.get(f) for f in fields) and sorted(a.get("choices") or []) == sorted(
        b.get("choices") or [])


def _within(quantity: int, limit: int) -> int:
    if quantity > limit:
        raise Problem(_("At most %(n)d of one item per order. For more, please ask at the counter.", n=limit),
                      code="page_message", status=422)
    return quantity


def add(lines: list[dict[str, Any]], new: dict[str, Any], limit: int = MAX_QUANTITY) -> list[dict[str, Any]]:
    """The cart with ``new`` added; more than ``limit`` of one item is refused with a message."""
    for line in lines:
        if _same(line, new):
            line["quantity"] = _within(line["quantity"] + new["quantity"], limit)
            return lines
    return [*lines, new]


def change(lines: list[dict[str, Any]], index: int, delta: int, limit: int = MAX_QUANTITY) -> list[dict[str, Any]]:
    if 0 <= index < len(lines):
        lines[index]["quantity"] = _within(lines[index]["quantity"] + delta, limit) if delta > 0 else \
            lines[index]["quantity"] + delta
    return [line for line in lines if line["quantity"] > 0]


def order_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines in the orders service's shape."""
    out = []
    for line in lines:
        if line["kind"] == "dish":
            out.append({"kind": "dish", "dish_id": line["dish_id"], "portion": line["portion"],
                        "quantity": line["quantity"]})
        elif line["kind"] == "retail":
            out.append({"kind": "retail", "retail_item_id": line["retail_item_id"], "quantity": line["quantity"]})
        else:
            out.append({"kind": "set_meal", "set_meal_id": line["set_meal_id"], "choices": line["choices"],
                        "quantity": line["quantity"]})
    return out


# --- reading the menu -------------------------------------------------------------------------


def _dishes(entry: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {d["id"]: d for d in entry["dishes"]}


def _set_meals(entry: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {s["id"]: s for s in entry["set_meals"]}


def _retail(entry: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {r["id"]: r for r in entry["retail"]}


def dish_line(entry: dict[str, Any], dish_id: int, portion: str) -> dict[str, Any]:
    dish = _dishes(entry).get(dish_id)
    if dish is None or portion not in ("full", "half"):
        raise PageMessage(_("That dish is not on this menu any more."))
    if dish[portion] is None:
        raise PageMessage(_("This dish has no half portion."))
    return {"kind": "dish", "dish_id": dish_id, "portion": portion, "quantity": 1}


def set_meal_line(entry: dict[str, Any], set_meal_id: int, picked: dict[int, list[int]]) -> dict[str, Any]:
    """A set meal line from the choices per group (``{group_id: [dish ids]}``); fixed groups fill themselves."""
    set_meal = _set_meals(entry).get(set_meal_id)
    if set_meal is None:
        raise PageMessage(_("That set meal is not on this menu any more."))
    choices: list[int] = []
    for group in set_meal["groups"]:
        offered = {o["dish_id"] for o in group["options"]}
        if group["fixed"]:
            choices.extend(o["dish_id"] for o in group["options"])
            continue
        chosen = list(dict.fromkeys(d for d in picked.get(group["id"], []) if d in offered))
        if len(chosen) != group["choose"]:
            raise PageMessage(_("Please choose %(n)d for “%(group)s”.", n=group["choose"], group=name(group)))
        choices.extend(chosen)
    return {"kind": "set_meal", "set_meal_id": set_meal_id, "choices": choices, "quantity": 1}


def retail_line(entry: dict[str, Any], retail_item_id: int) -> dict[str, Any]:
    if retail_item_id not in _retail(entry):
        raise PageMessage(_("That item is not on sale any more."))
    return {"kind": "retail", "retail_item_id": retail_item_id, "quantity": 1}


def view(entry: dict[str, Any], lines: list[dict[str, Any]]) -> CartView:
    dishes, set_meals, retail = _dishes(entry), _set_meals(entry), _retail(entry)
    out = CartView()
    for index, line in enumerate(lines):
        if line["kind"] == "dish" and line["dish_id"] in dishes:
            dish = dishes[line["dish_id"]]
            portion = _("Half portion") if line["portion"] == "half" else _("Full portion")
            out.lines.append(CartLine(index, name(dish), portion, line["quantity"], dish[line["portion"]]["price_fen"]))
        elif line["kind"] == "set_meal" and line["set_meal_id"] in set_meals:
            set_meal = set_meals[line["set_meal_id"]]
            names = {o["dish_id"]: name(o) for g in set_meal["groups"] for o in g["options"]}
            detail = (", " if is_en() else "、").join(names.get(d, "") for d in line["choices"])
            out.lines.append(CartLine(index, name(set_meal), detail, line["quantity"], set_meal["price_fen"]))
        elif line["kind"] == "retail" and line["retail_item_id"] in retail:
            item = retail[line["retail_item_id"]]
            out.lines.append(CartLine(index, name(item), item["brand"], line["quantity"], item["price_fen"]))
    return out

