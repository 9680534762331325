"""Ordering: prices on the server, stock in units, bad input refused with nothing changed, expiry, cancel."""

import datetime as dt

import pytest
import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import RetailItem
from linli.canteen.orders import service as orders
from linli.canteen.orders.models import Order, OrderLine
from linli.canteen.orders.tasks import tick
from linli.canteen.orders.testing import make_menu
from linli.canteen.stock.models import DishStock, SetMealStock
from linli.shared.errors import Conflict

PROBLEM = "application/problem+json"


@pytest.fixture
def ids(app):
    with app.app_context():
        return make_menu(portions=20, set_meal_limit=10, retail_stock=5)


def snapshot(app):
    """Everything an order may change: stock per row, and how many orders/lines exist."""
    with app.app_context():
        return (
            sorted(db.session.execute(sa.select(DishStock.id, DishStock.remaining_units)).all()),
            sorted(db.session.execute(sa.select(SetMealStock.id, SetMealStock.remaining)).all()),
            sorted(db.session.execute(sa.select(RetailItem.id, RetailItem.stock_remaining)).all()),
            db.session.scalar(sa.select(sa.func.count()).select_from(Order)),
            db.session.scalar(sa.select(sa.func.count()).select_from(OrderLine)),
        )


def units(app, meal_service_id, dish_id):
    with app.app_context():
        return db.session.scalar(sa.select(DishStock.remaining_units).where(
            DishStock.meal_service_id == meal_service_id, DishStock.dish_id == dish_id))


def body(ids, *lines, **extra):
    return {"community_id": "north-bund", "meal_service_id": ids["meal_service"], "lines": list(lines), **extra}


def set_meal_line(ids, choices=None, quantity=1):
    return {"kind": "set_meal", "set_meal_id": ids["set_meal"], "quantity": quantity,
            "choices": choices if choices is not None else [ids["pork"], ids["greens"], ids["egg"]]}


def test_order_prices_on_the_server_and_draws_stock_in_units(app, client, ids):
    response = client.post("/api/orders", json=body(
        ids, {"kind": "dish", "dish_id": ids["pork"], "portion": "half"},
        {"kind": "dish", "dish_id": ids["pork"], "quantity": 2},
        set_meal_line(ids), {"kind": "retail", "retail_item_id": ids["beans"], "quantity": 2}))
    assert response.status_code == 201, response.json
    order = response.json
    assert order["state"] == "pending_payment" and order["currency"] == "CNY"
    assert [ln["line_total_fen"] for ln in order["lines"]] == [900, 3200, 1500, 3000]
    assert order["subtotal_fen"] == order["total_fen"] == 8600
    assert order["pickup_number"] == 1 and order["pickup_date"] == "2030-03-04"
    assert response.headers["Location"].endswith(f"/api/orders/{order['id']}")
    # pork: half (1) + 2 full (4) + set meal half (1) = 6 of 40 units; greens and egg: half each; rice full
    assert units(app, ids["meal_service"], ids["pork"]) == 40 - 6
    assert units(app, ids["meal_service"], ids["greens"]) == 39
    assert units(app, ids["meal_service"], ids["rice"]) == 38
    with app.app_context():
        assert db.session.scalar(sa.select(SetMealStock.remaining)) == 9
        assert db.session.get(RetailItem, ids["beans"]).stock_remaining == 3
    second = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["rice"]}))
    assert second.json["pickup_number"] == 2


@pytest.mark.parametrize("case", [
    "zero_quantity", "negative_quantity", "unknown_dish", "half_where_none", "choice_outside_set_meal",
    "too_few_choices", "same_choice_twice", "sold_out_set_meal", "sold_out_retail", "wrong_community_token",
    "unknown_meal_service", "retail_of_other_line_kind",
])
def test_bad_orders_are_refused_and_change_nothing(app, client, ids, auth, case):
    with app.app_context():
        other = make_menu("fenglin-huiyuan", prefix="fl-")
    pork = {"kind": "dish", "dish_id": ids["pork"]}
    cases = {
        "zero_quantity": (body(ids, {**pork, "quantity": 0}), {}, 422, "validation_error"),
        "negative_quantity": (body(ids, {**pork, "quantity": -2}), {}, 422, "validation_error"),
        "unknown_dish": (body(ids, {"kind": "dish", "dish_id": 999_999}), {}, 422, "unknown_dish"),
        "half_where_none": (body(ids, {"kind": "dish", "dish_id": ids["rice"], "portion": "half"}), {}, 422,
                            "no_half_portion"),
        "choice_outside_set_meal": (body(ids, set_meal_line(ids, [ids["pork"], ids["greens"], ids["rice"] + 1000])),
                                    {}, 422, "invalid_choice"),
        "too_few_choices": (body(ids, set_meal_line(ids, [ids["pork"], ids["greens"]])), {}, 422, "invalid_choice"),
        "same_choice_twice": (body(ids, set_meal_line(ids, [ids["pork"], ids["greens"], ids["greens"]])), {}, 422,
                              "invalid_choice"),
        "sold_out_set_meal": (body(ids, pork, set_meal_line(ids, quantity=11)), {}, 409, "sold_out"),
        "sold_out_retail": (body(ids, pork, {"kind": "retail", "retail_item_id": ids["beans"], "quantity": 6}), {},
                            409, "sold_out"),
        "wrong_community_token": (body(ids, pork), auth("diner", communities=["fenglin-huiyuan"]), 403,
                                  "wrong_community"),
        "unknown_meal_service": (body(ids, pork, meal_service_id=other["meal_service"]), {}, 404,
                                 "unknown_meal_service"),
        "retail_of_other_line_kind": (body(ids, {"kind": "retail", "dish_id": ids["pork"]}), {}, 422,
                                      "validation_error"),
    }
    payload, headers, status, code = cases[case]
    before = snapshot(app)
    response = client.post("/api/orders", json=payload, headers=headers)
    assert response.status_code == status, response.json
    assert response.mimetype == PROBLEM
    assert response.json["code"] == code
    assert snapshot(app) == before


def test_sold_out_is_exact_on_the_last_units(app, client, ids):
    with app.app_context():
        ids2 = make_menu(day=dt.date(2030, 3, 5), portions=1, prefix="x-")  # 2 units of each dish
    half = {"kind": "dish", "dish_id": ids2["pork"], "portion": "half"}
    assert client.post("/api/orders", json=body(ids2, half)).status_code == 201
    full = client.post("/api/orders", json=body(ids2, {"kind": "dish", "dish_id": ids2["pork"]}))
    assert full.status_code == 409 and full.json["code"] == "sold_out"
    assert client.post("/api/orders", json=body(ids2, half)).status_code == 201
    assert units(app, ids2["meal_service"], ids2["pork"]) == 0


def test_an_unpaid_order_expires_and_its_stock_returns_once(app, client, ids):
    placed = client.post("/api/orders", json=body(ids, set_meal_line(ids),
                                                          {"kind": "retail", "retail_item_id": ids["beans"]})).json
    assert units(app, ids["meal_service"], ids["pork"]) == 39
    with app.app_context():
        db.session.execute(sa.update(Order).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        db.session.commit()
    # expired wherever it is read, before tick has run
    seen = client.get(f"/api/orders/{placed['id']}?ref={placed['pickup_ref']}").json
    assert seen["state"] == "expired"
    with app.app_context():
        with pytest.raises(Conflict) as error:
            orders.mark_paid(orders.lock_order(placed["id"]))
        assert error.value.code == "order_expired"
        db.session.rollback()
    assert tick(app) == {"orders_expired": 1}
    assert tick(app) == {"orders_expired": 0}
    assert units(app, ids["meal_service"], ids["pork"]) == 40
    with app.app_context():
        assert db.session.scalar(sa.select(SetMealStock.remaining)) == 10
        assert db.session.get(RetailItem, ids["beans"]).stock_remaining == 5
        assert db.session.get(Order, placed["id"]).state == "expired"
    cancel = client.post(f"/api/orders/{placed['id']}/cancel?ref={placed['pickup_ref']}")
    assert cancel.status_code == 409 and cancel.json["code"] == "order_expired"
    assert units(app, ids["meal_service"], ids["pork"]) == 40


def test_stock_held_by_an_expired_order_is_reclaimed_when_ordering(app, client, ids):
    first = client.post("/api/orders", json=body(ids, set_meal_line(ids, quantity=10)))
    assert first.status_code == 201
    assert client.post("/api/orders", json=body(ids, set_meal_line(ids))).json["code"] == "sold_out"
    with app.app_context():
        db.session.execute(sa.update(Order).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        db.session.commit()
    again = client.post("/api/orders", json=body(ids, set_meal_line(ids)))
    assert again.status_code == 201, again.json
    with app.app_context():
        assert db.session.scalar(sa.select(SetMealStock.remaining)) == 9
        assert db.session.get(Order, first.json["id"]).state == "expired"


def test_cancel_returns_stock_and_only_the_owner_may(app, client, ids, auth):
    mine = auth("diner", sub="diner-1")
    placed = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["egg"]}),
                         headers=mine).json
    assert placed["diner_id"] == "diner-1"
    assert units(app, ids["meal_service"], ids["egg"]) == 38
    other = client.post(f"/api/orders/{placed['id']}/cancel", headers=auth("diner", sub="diner-2"))
    assert other.status_code == 403 and other.json["code"] == "not_your_order"
    assert client.post(f"/api/orders/{placed['id']}/cancel").status_code == 401
    done = client.post(f"/api/orders/{placed['id']}/cancel", headers=mine)
    assert done.status_code == 200 and done.json["state"] == "cancelled"
    assert client.post(f"/api/orders/{placed['id']}/cancel", headers=mine).json["state"] == "cancelled"
    assert units(app, ids["meal_service"], ids["egg"]) == 40


def test_anonymous_kiosk_order_is_read_with_its_reference_and_has_a_qr_code(app, client, ids, auth):
    placed = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["rice"]},
                                                          channel="kiosk")).json
    assert placed["diner_id"] is None
    assert client.get(f"/api/orders/{placed['id']}").status_code == 401
    assert client.get(f"/api/orders/{placed['id']}?ref=wrong").status_code == 401
    assert client.get(f"/api/orders/{placed['id']}?ref={placed['pickup_ref']}").status_code == 200
    assert client.get(f"/api/orders/by-ref/{placed['pickup_ref']}").json["id"] == placed["id"]
    assert client.get(f"/api/orders/{placed['id']}", headers=auth("staff")).status_code == 200
    qr = client.get(f"/api/orders/{placed['id']}/qr.svg?ref={placed['pickup_ref']}")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def test_pickup_numbers_count_per_canteen_per_day(app, client, ids):
    with app.app_context():
        other = make_menu("fenglin-huiyuan", prefix="fl-")
        next_day = make_menu(day=dt.date(2030, 3, 5), prefix="nd-")
    numbers = [client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["rice"]}))
               .json["pickup_number"] for _ in range(3)]
    assert numbers == [1, 2, 3]
    fl = client.post("/api/orders", json={"community_id": "fenglin-huiyuan",
                                                  "meal_service_id": other["meal_service"],
                                                  "lines": [{"kind": "dish", "dish_id": other["rice"]}]})
    assert fl.json["pickup_number"] == 1
    nd = client.post("/api/orders", json=body(next_day, {"kind": "dish", "dish_id": next_day["rice"]}))
    assert nd.json["pickup_number"] == 1


def test_payments_contract_mark_paid_is_idempotent_and_refund_needs_payment(app, client, ids):
    placed = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["rice"]})).json
    with app.app_context():
        order = orders.lock_order(placed["id"])
        with pytest.raises(Conflict):
            orders.mark_refunded(order)
        orders.mark_paid(order)
        paid_at = order.paid_at
        orders.mark_paid(order)
        db.session.commit()
        order = orders.get_order(placed["id"])
        assert order.state == "paid" and order.paid_at == paid_at
        orders.mark_refunded(order)
        orders.mark_refunded(order)
        db.session.commit()
        assert orders.get_order(placed["id"]).state == "refunded"
        with pytest.raises(Conflict):
            orders.mark_paid(orders.get_order(placed["id"]))


def test_ordering_closes_at_the_cut_off(app, client, ids):
    with app.app_context():
        from linli.canteen.menu.models import MealService

        db.session.execute(sa.update(MealService).values(
            order_cutoff_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        db.session.commit()
    before = snapshot(app)
    response = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["rice"]}))
    assert response.status_code == 409 and response.json["code"] == "ordering_closed"
    assert snapshot(app) == before


class LunchPromotion:
    """A community plugin's promotion: 2 yuan off a lunch of 30 yuan or more."""

    from linli.canteen import hookimpl

    @hookimpl
    def price_adjustments(self, community, order):
        if order["meal_service"]["kind"] == "lunch" and order["subtotal_fen"] >= 3000:
            return [{"code": "lunch_promo", "label_zh": "午市优惠", "label_en": "Lunch promotion", "amount_fen": -200}]
        return None


def test_price_adjustments_hook_changes_the_total_on_the_server(service_app, client):
    from linli.canteen.app import create_app

    app = service_app("canteen", create_app,
                      LINLI_EXTRA_PLUGINS=[("builtin.test_lunch_promotion", LunchPromotion())])
    client = app.test_client()
    with app.app_context():
        ids = make_menu()
    small = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["pork"]}))
    assert small.json["total_fen"] == 1600 and small.json["adjustments"] == []
    big = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["pork"], "quantity": 2}))
    assert big.status_code == 201
    assert (big.json["subtotal_fen"], big.json["adjustments_fen"], big.json["total_fen"]) == (3200, -200, 3000)
    assert big.json["adjustments"][0]["label_zh"] == "午市优惠"
    read = client.get(f"/api/orders/{big.json['id']}?ref={big.json['pickup_ref']}").json
    assert read["total_fen"] == 3000 and read["adjustments"][0]["amount_fen"] == -200


def test_counter_staff_order_for_a_diner_and_modes_follow_the_meal_service(app, client, ids, auth):
    staff, diner = auth("staff", sub="counter-1"), auth("diner", sub="diner-9")
    line = {"kind": "dish", "dish_id": ids["rice"]}
    for_diner = client.post("/api/orders", headers=staff,
                            json=body(ids, line, diner_id="diner-9", channel="counter", mode="takeaway"))
    assert for_diner.status_code == 201 and for_diner.json["diner_id"] == "diner-9"
    assert client.get(f"/api/orders/{for_diner.json['id']}", headers=diner).status_code == 200
    mine = client.get("/api/orders?community_id=north-bund", headers=diner).json
    assert [o["id"] for o in mine] == [for_diner.json["id"]]
    before = snapshot(app)
    posing = client.post("/api/orders", headers=auth("diner", sub="diner-8"), json=body(ids, line,
                                                                                              diner_id="diner-9"))
    assert posing.status_code == 403 and posing.json["code"] == "missing_role"
    with app.app_context():
        from linli.canteen.menu.models import MealService

        db.session.execute(sa.update(MealService).values(dine_in=False))
        db.session.commit()
    dine_in = client.post("/api/orders", json=body(ids, line, mode="dine_in"))
    assert dine_in.status_code == 422 and dine_in.json["code"] == "invalid_mode"
    late = client.post("/api/orders", json=body(ids, line, mode="takeaway",
                                                        pickup_time="2030-03-04T20:00:00+08:00"))
    assert late.status_code == 422 and late.json["code"] == "invalid_pickup_time"
    assert snapshot(app) == before
    ok = client.post("/api/orders", json=body(ids, line, mode="takeaway",
                                                      pickup_time="2030-03-04T12:10:00+08:00"))
    assert ok.status_code == 201 and ok.json["mode"] == "takeaway"


def test_tick_command_expires_unpaid_orders(app, client, ids):
    import json

    placed = client.post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["egg"]})).json
    with app.app_context():
        db.session.execute(sa.update(Order).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["linli", "tick"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["orders_expired"] == 1
    assert units(app, ids["meal_service"], ids["egg"]) == 40
    assert client.get(f"/api/orders/{placed['id']}?ref={placed['pickup_ref']}").json["state"] == "expired"


def test_the_database_itself_refuses_negative_stock_and_unknown_states(app, ids):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        for statement in (sa.update(DishStock).values(remaining_units=-1),
                          sa.update(SetMealStock).values(remaining=-1),
                          sa.update(RetailItem).values(stock_remaining=-1)):
            with pytest.raises(IntegrityError):
                db.session.execute(statement)
            db.session.rollback()
    placed = app.test_client().post("/api/orders", json=body(ids, {"kind": "dish", "dish_id": ids["rice"]}))
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(sa.update(Order).where(Order.id == placed.json["id"]).values(state="lost"))
        db.session.rollback()


def test_an_idempotency_key_of_one_kiosk_never_replays_to_another(app, client, ids, auth):
    """Issue 16 item 3: anonymous kiosks share no replies. The kiosk that placed an order gets it
    replayed; another kiosk (or a client without cookies) reusing the key gets 409, never the first
    order and its pickup reference; a signed-in diner's keys are their own."""
    order = body(ids, {"kind": "dish", "dish_id": ids["rice"]})
    key = {"Idempotency-Key": "kiosk-order-1"}
    first = client.post("/api/orders", json=order, headers=key)
    assert first.status_code == 201, first.json
    again = client.post("/api/orders", json=order, headers=key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    before = snapshot(app)
    for other in (app.test_client(), app.test_client(use_cookies=False)):
        reused = other.post("/api/orders", json=order, headers=key)
        assert reused.status_code == 409 and reused.json["code"] == "idempotency_key_used", reused.json
        assert first.json["pickup_ref"] not in reused.get_data(as_text=True)
    assert snapshot(app) == before
    diner = client.post("/api/orders", json=order, headers={**key, **auth("diner", sub="office-worker-zhang")})
    assert diner.status_code == 201 and "Idempotent-Replayed" not in diner.headers
    assert diner.json["pickup_ref"] != first.json["pickup_ref"]
