"""Order placement on PostgreSQL in few round trips (psycopg pipeline mode on the session's connection).

Reads: meal service, its dishes, the set meals and retail goods asked for — one round trip.
Writes: one conditional UPDATE per stock row in a fixed order (dish stock, set-meal stock, retail, each
by id), then one statement that takes the pickup number, inserts the order and its lines — all sent
at once, one round trip; every UPDATE's row count is checked before COMMIT. So the hot stock rows are
locked for two round trips (this one and COMMIT), not one per statement.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import psycopg

from linli.canteen.extensions import db
from linli.canteen.orders.offers import DishOffer, Offers, RetailOffer, ServiceInfo, group_set_meals
from linli.canteen.stock.service import Draws
from linli.shared.errors import Conflict

_MEAL_SERVICE = ("SELECT id, community_id, service_date, kind, starts_at, ends_at, order_cutoff_at, dine_in, takeaway "
                 "FROM canteen_meal_service WHERE id = %s")
_DISHES = ("SELECT s.id, d.id, d.name_zh, d.name_en, d.full_price_fen, d.half_price_fen FROM canteen_dish_stock s "
           "JOIN canteen_dish d ON d.id = s.dish_id WHERE s.meal_service_id = %s AND d.active")
_SET_MEALS = ("SELECT s.id, m.id, m.name_zh, m.name_en, m.price_fen, g.id, g.choose, o.dish_id, o.portion, m.code "
              "FROM canteen_set_meal_stock s JOIN canteen_set_meal m ON m.id = s.set_meal_id "
              "JOIN canteen_set_meal_group g ON g.set_meal_id = m.id JOIN canteen_set_meal_option o ON o.group_id = g.id "
              "WHERE s.meal_service_id = %s AND s.set_meal_id = ANY(%s) AND m.active ORDER BY g.position, o.id")
_RETAIL = ("SELECT id, name_zh, name_en, price_fen FROM canteen_retail_item WHERE id = ANY(%s) AND active "
           "AND community_id = (SELECT community_id FROM canteen_meal_service WHERE id = %s)")

DISH_UPDATE = ("UPDATE canteen_dish_stock SET remaining_units = remaining_units - %(n)s, version = version + 1 "
               "WHERE id = %(id)s AND remaining_units >= %(n)s")
SET_MEAL_UPDATE = ("UPDATE canteen_set_meal_stock SET remaining = remaining - %(n)s, version = version + 1 "
                   "WHERE id = %(id)s AND remaining >= %(n)s")
RETAIL_UPDATE = ("UPDATE canteen_retail_item SET stock_remaining = stock_remaining - %(n)s, version = version + 1 "
                 "WHERE id = %(id)s AND stock_remaining >= %(n)s")
ORDER_INSERT = """
WITH n AS (
  INSERT INTO canteen_pickup_counter (community_id, pickup_date, last_number) VALUES (%(community_id)s, %(pickup_date)s, 1)
  ON CONFLICT (community_id, pickup_date) DO UPDATE SET last_number = canteen_pickup_counter.last_number + 1
  RETURNING last_number
), o AS (
  INSERT INTO canteen_order (community_id, diner_id, meal_service_id, channel, mode, pickup_number, pickup_date,
    pickup_ref, pickup_time, state, subtotal_fen, adjustments_fen, total_fen, currency, note, expires_at,
    stock_released, created_at, updated_at)
  SELECT %(community_id)s, %(diner_id)s, %(meal_service_id)s, %(channel)s, %(mode)s, n.last_number, %(pickup_date)s,
    %(pickup_ref)s, %(pickup_time)s, %(state)s, %(subtotal_fen)s, %(adjustments_fen)s, %(total_fen)s, %(currency)s,
    %(note)s, %(expires_at)s, %(stock_released)s, %(created_at)s, %(updated_at)s FROM n
  RETURNING id, pickup_number
), l AS (
  INSERT INTO canteen_order_line (order_id, kind, dish_id, portion, set_meal_id, retail_item_id, choices, name_zh,
    name_en, quantity, unit_price_fen, line_total_fen)
  SELECT o.id, x.kind, x.dish_id, x.portion, x.set_meal_id, x.retail_item_id, x.choices, x.name_zh, x.name_en,
    x.quantity, x.unit_price_fen, x.line_total_fen
  FROM o, jsonb_to_recordset(%(lines)s::jsonb) AS x(kind text, dish_id int, portion text,
    set_meal_id int, retail_item_id int, choices json, name_zh text, name_en text, quantity int,
    unit_price_fen int, line_total_fen int, pos int)
  ORDER BY x.pos
  RETURNING id
)
SELECT o.id, o.pickup_number, (SELECT array_agg(l.id ORDER BY l.id) FROM l) FROM o
"""
ADJUSTMENTS_INSERT = (
    "INSERT INTO canteen_order_adjustment (order_id, code, label_zh, label_en, amount_fen) "
    "SELECT o.id, x.code, x.label_zh, x.label_en, x.amount_fen FROM canteen_order o, "
    "jsonb_to_recordset(%(adjustments)s::jsonb) AS x(code text, label_zh text, label_en text, amount_fen int) "
    "WHERE o.pickup_ref = %(pickup_ref)s")


def is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _raw() -> psycopg.Connection[Any]:
    """The psycopg connection under the session's transaction."""
    return db.session.connection().connection.driver_connection  # type: ignore[return-value]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def load_offers(meal_service_id: int, set_meal_ids: set[int], retail_ids: set[int]) -> Offers:
    conn = _raw()
    with conn.pipeline():
        ms, dishes, sets, retail = conn.cursor(), conn.cursor(), conn.cursor(), conn.cursor()
        ms.execute(_MEAL_SERVICE, (meal_service_id,))
        dishes.execute(_DISHES, (meal_service_id,))
        if set_meal_ids:
            sets.execute(_SET_MEALS, (meal_service_id, list(set_meal_ids)))
        if retail_ids:
            retail.execute(_RETAIL, (list(retail_ids), meal_service_id))
    row = ms.fetchone()
    if row is None:
        return Offers(service=None)
    service = ServiceInfo(row[0], row[1], row[2], row[3], _utc(row[4]), _utc(row[5]), _utc(row[6]), row[7], row[8])
    offers = Offers(service=service, dishes={r[1]: DishOffer(*r) for r in dishes.fetchall()})
    if set_meal_ids:
        offers.set_meals = group_set_meals(sets.fetchall())
    if retail_ids:
        offers.retail = {r[0]: RetailOffer(*r) for r in retail.fetchall()}
    return offers


def write(draws: Draws, values: dict[str, Any], lines: list[dict[str, Any]],
          adjustments: list[dict[str, Any]]) -> tuple[int, int, list[int]]:
    """Reserve stock and insert the order in one round trip; raises Conflict(sold_out) (caller rolls back)."""
    conn = _raw()
    checks: list[tuple[psycopg.Cursor[Any], str, int]] = []
    with conn.pipeline():
        for statement, rows, what in ((DISH_UPDATE, draws.dish_units, "dish"),
                                      (SET_MEAL_UPDATE, draws.set_meals, "set_meal"),
                                      (RETAIL_UPDATE, draws.retail, "retail")):
            for row_id in sorted(rows):  # fixed lock order: no deadlocks between concurrent orders
                cur = conn.cursor()
                cur.execute(statement, {"id": row_id, "n": rows[row_id]})
                checks.append((cur, what, row_id))
        insert = conn.cursor()
        numbered = [{**line, "pos": pos} for pos, line in enumerate(lines)]
        insert.execute(ORDER_INSERT, {**values, "lines": json.dumps(numbered, ensure_ascii=False)})
        if adjustments:
            conn.cursor().execute(ADJUSTMENTS_INSERT, {"adjustments": json.dumps(adjustments, ensure_ascii=False),
                                                       "pickup_ref": values["pickup_ref"]})
    for cur, what, row_id in checks:
        if cur.rowcount != 1:
            raise Conflict(f"Sold out: not enough {what} left.", code="sold_out", item=what, stock_id=row_id)
    order_id, number, line_ids = insert.fetchone()  # type: ignore[misc]
    return order_id, number, list(line_ids)
