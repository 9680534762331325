"""Paying orders with cash, meal card and subsidy; split payments; refunds; bad input."""

import datetime as dt

import pytest

from linli.canteen.diners.models import MealCard, MealCardEntry
from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.payments import service
from linli.canteen.payments.models import Payment, PaymentRefund

NB = "north-bund"


def snapshot(app, order_id):
    """Everything money-related about an order and the meal cards, to prove nothing changed."""
    with app.app_context():
        order = db.session.get(Order, order_id)
        payments = sorted((p.provider, p.amount_fen, p.state, p.refunded_fen) for p in db.session.query(Payment))
        cards = sorted((c.diner_id, c.balance_fen) for c in db.session.query(MealCard))
        return {"order": (order.state, order.paid_at), "payments": payments, "cards": cards,
                "entries": db.session.query(MealCardEntry).count(), "refunds": db.session.query(PaymentRefund).count()}


def top_up(client, auth, diner, amount, community=NB):
    response = client.post(f"/api/meal-cards/{diner}/top-ups", json={"community_id": community, "amount_fen": amount},
                           headers=auth("staff", communities=[community], sub="counter-1"))
    assert response.status_code == 201, response.json
    return response.json


def test_anonymous_cash_is_pending_until_counter_staff_confirm(app, client, auth, payable_order, order_ref):
    order_id = payable_order(1880)
    ref = order_ref(order_id)
    response = client.post(f"/api/orders/{order_id}/payments?ref={ref}", json={"provider": "cash"})
    assert response.status_code == 201, response.json
    payment = response.json
    assert payment["state"] == "pending" and payment["amount_fen"] == 1880
    assert snapshot(app, order_id)["order"][0] == "pending_payment"

    refused = client.post(f"/api/payments/{payment['id']}/confirm?ref={ref}")
    assert refused.status_code == 403 and refused.json["code"] == "staff_only"
    refused = client.post(f"/api/payments/{payment['id']}/confirm?ref={ref}", headers=auth("diner"))
    assert refused.status_code == 403
    assert snapshot(app, order_id)["order"][0] == "pending_payment"

    staff = auth("staff", sub="counter-1")
    confirmed = client.post(f"/api/payments/{payment['id']}/confirm", headers=staff)
    assert confirmed.status_code == 200 and confirmed.json["state"] == "succeeded"
    again = client.post(f"/api/payments/{payment['id']}/confirm", headers=staff)
    assert again.status_code == 200 and again.json["state"] == "succeeded"
    summary = client.get(f"/api/orders/{order_id}/payments?ref={ref}").json
    assert summary["order_state"] == "paid" and summary["paid_fen"] == 1880 and summary["owed_fen"] == 0
    with app.app_context():
        assert [p.completes_order for p in db.session.query(Payment)] == [True]


def test_staff_cash_is_confirmed_at_once_and_a_paid_order_takes_no_more(app, client, auth, payable_order):
    order_id = payable_order(900)
    staff = auth("staff", sub="counter-1")
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=staff)
    assert response.status_code == 201 and response.json["state"] == "succeeded"
    before = snapshot(app, order_id)
    again = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=staff)
    assert again.status_code == 409 and again.json["code"] == "order_not_payable"
    assert snapshot(app, order_id) == before


def test_meal_card_pays_and_refunds_go_back_to_the_card(app, client, auth, payable_order):
    top_up(client, auth, "grandma-wang", 5000)
    order_id = payable_order(1880, diner_id="grandma-wang")
    diner = auth("diner", sub="grandma-wang")
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "meal_card"}, headers=diner)
    assert response.status_code == 201, response.json
    payment = response.json
    assert payment["state"] == "succeeded"
    card = client.get("/api/meal-cards/grandma-wang?community_id=north-bund", headers=diner).json
    assert card["balance_fen"] == 5000 - 1880

    staff = auth("staff", sub="counter-1")
    partial = client.post(f"/api/payments/{payment['id']}/refunds", json={"amount_fen": 880}, headers=staff)
    assert partial.status_code == 201 and partial.json["state"] == "succeeded"
    before = snapshot(app, order_id)
    over = client.post(f"/api/payments/{payment['id']}/refunds", json={"amount_fen": 1001}, headers=staff)
    assert over.status_code == 409 and over.json["code"] == "refund_exceeds_payment"
    assert over.json["refundable_fen"] == 1000 and over.mimetype == "application/problem+json"
    assert snapshot(app, order_id) == before
    rest = client.post(f"/api/payments/{payment['id']}/refunds", json={}, headers=staff)
    assert rest.status_code == 201 and rest.json["amount_fen"] == 1000
    done = client.post(f"/api/payments/{payment['id']}/refunds", json={}, headers=staff)
    assert done.status_code == 409 and done.json["code"] == "already_refunded"

    ledger = client.get("/api/meal-cards/grandma-wang/ledger?community_id=north-bund", headers=diner).json
    assert ledger["card"]["balance_fen"] == 5000 == ledger["ledger_sum_fen"]
    assert [e["kind"] for e in ledger["entries"]] == ["refund", "refund", "charge", "top_up"]
    assert client.get(f"/api/orders/{order_id}/payments", headers=diner).json["order_state"] == "refunded"
    today = dt.date.today()
    with app.app_context():  # takings are net of refunds
        assert service.takings_by_method(NB, today - dt.timedelta(days=1), today + dt.timedelta(days=1)) == {
            "meal_card": 0}
    report = client.get(f"/api/payments/takings?community_id={NB}&date_from={today - dt.timedelta(days=1)}"
                        f"&date_to={today + dt.timedelta(days=1)}", headers=staff)
    assert report.status_code == 200 and report.json["takings_fen"] == {"meal_card": 0}
    backwards = client.get(f"/api/payments/takings?community_id={NB}&date_from={today}"
                           f"&date_to={today - dt.timedelta(days=1)}", headers=staff)
    assert backwards.status_code == 422


def test_split_payment_subsidy_then_meal_card(app, client, auth, payable_order):
    staff = auth("staff", sub="counter-1")
    birth = dt.date.today().replace(year=dt.date.today().year - 72) - dt.timedelta(days=1)
    response = client.put("/api/diners/grandpa-li", headers=staff, json={
        "community_id": NB, "birth_date": birth.isoformat(), "groups": [], "subsidy_eligible": True})
    assert response.status_code == 200, response.json
    top_up(client, auth, "grandpa-li", 2000)
    order_id = payable_order(1500, diner_id="grandpa-li")
    diner = auth("diner", sub="grandpa-li")
    subsidy = client.post(f"/api/orders/{order_id}/payments", json={"provider": "subsidy"}, headers=diner)
    assert subsidy.status_code == 201, subsidy.json
    assert subsidy.json["amount_fen"] == 500 and subsidy.json["state"] == "succeeded"  # 70+ tier
    summary = client.get(f"/api/orders/{order_id}/payments", headers=diner).json
    assert summary["order_state"] == "pending_payment" and summary["owed_fen"] == 1000
    card = client.post(f"/api/orders/{order_id}/payments", json={"provider": "meal_card"}, headers=diner)
    assert card.status_code == 201 and card.json["amount_fen"] == 1000
    summary = client.get(f"/api/orders/{order_id}/payments", headers=diner).json
    assert summary["order_state"] == "paid" and summary["paid_fen"] == 1500
    with app.app_context():
        assert [(p.provider, p.completes_order) for p in db.session.query(Payment).order_by(Payment.id)] == [
            ("subsidy", None), ("meal_card", True)]
        today = dt.date.today()
        takings = service.takings_by_method(NB, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    assert takings == {"meal_card": 1000, "subsidy": 500}


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("anonymous", {"provider": "meal_card"}, 422, "diner_required"),
        ("anonymous", {"provider": "subsidy"}, 422, "diner_required"),
        ("anonymous", {"provider": "cash", "amount_fen": -5}, 422, "validation_error"),
        ("anonymous", {"provider": "cash", "amount_fen": 0}, 422, "validation_error"),
        ("anonymous", {"provider": "cash", "amount_fen": 1881}, 422, "overpayment"),
        ("anonymous", {"provider": "bitcoin"}, 422, "unknown_provider"),
        ("anonymous", {"provider": "cash", "tip_fen": 5}, 422, "validation_error"),
        ("anonymous", {"provider": "cash", "payment_method": "pm_card_visa"}, 422, "bad_payment_method"),
        ("other-community", {"provider": "cash"}, 403, "wrong_community"),
        ("diner", {"provider": "meal_card"}, 404, "no_meal_card"),
        ("diner", {"provider": "subsidy"}, 422, "not_eligible"),
    ],
)
def test_bad_payments_are_problems_and_change_nothing(app, client, auth, payable_order, order_ref, who, body, status,
                                                     code):
    order_id = payable_order(1880)
    headers = {"anonymous": {}, "other-community": auth("staff", communities=["fenglin-huiyuan"]),
               "diner": auth("diner", sub="office-worker-zhang")}[who]
    before = snapshot(app, order_id)
    response = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json=body, headers=headers)
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json" and response.json["code"] == code
    assert snapshot(app, order_id) == before


def test_an_anonymous_orders_payments_need_its_pickup_reference(app, client, auth, payable_order, order_ref):
    """Issue 16.1: ids are counters, so without the order's pickup reference nobody but staff of its
    community reaches an anonymous kiosk order's payments: not anonymous callers, not other diners."""
    order_id = payable_order(1880)
    ref = order_ref(order_id)
    pending = client.post(f"/api/orders/{order_id}/payments?ref={ref}", json={"provider": "cash"})
    assert pending.status_code == 201, pending.json
    payment_id = pending.json["id"]
    before = snapshot(app, order_id)
    other_kiosk = order_ref(payable_order(500))
    stranger, diner = {}, auth("diner", sub="office-worker-zhang")
    for headers in (stranger, diner):
        for query in ("", "?ref=", f"?ref={other_kiosk}", f"?ref={ref[:-1]}"):
            for method, path in (("post", f"/api/payments/{payment_id}/cancel"),
                                 ("post", f"/api/payments/{payment_id}/confirm"),
                                 ("get", f"/api/orders/{order_id}/payments"),
                                 ("post", f"/api/orders/{order_id}/payments")):
                kwargs = {"json": {"provider": "cash", "amount_fen": 1}} if path.endswith("/payments") and \
                    method == "post" else {}
                response = getattr(client, method)(path + query, headers=headers, **kwargs)
                assert response.status_code == 403, (method, path, query, response.json)
                assert response.json["code"] == "pickup_ref_required"
    other_staff = auth("staff", communities=["fenglin-huiyuan"])
    assert client.post(f"/api/payments/{payment_id}/cancel", headers=other_staff).status_code == 403
    assert snapshot(app, order_id) == before
    staff = auth("staff", sub="counter-1")
    assert client.get(f"/api/orders/{order_id}/payments", headers=staff).json["owed_fen"] == 0
    canceled = client.post(f"/api/payments/{payment_id}/cancel?ref={ref}")
    assert canceled.status_code == 200 and canceled.json["state"] == "canceled"


def test_a_diners_order_is_theirs(app, client, auth, payable_order):
    top_up(client, auth, "grandma-wang", 5000)
    order_id = payable_order(1880, diner_id="grandma-wang")
    before = snapshot(app, order_id)
    anonymous = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"})
    assert anonymous.status_code == 401
    other = client.post(f"/api/orders/{order_id}/payments", json={"provider": "meal_card"},
                        headers=auth("diner", sub="someone-else"))
    assert other.status_code == 403 and other.json["code"] == "not_your_order"
    assert snapshot(app, order_id) == before


def test_insufficient_balance_and_unknown_order(app, client, auth, payable_order):
    top_up(client, auth, "grandma-wang", 1000)
    order_id = payable_order(1880, diner_id="grandma-wang")
    before = snapshot(app, order_id)
    diner = auth("diner", sub="grandma-wang")
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "meal_card"}, headers=diner)
    assert response.status_code == 409 and response.json["code"] == "insufficient_balance"
    assert response.json["balance_fen"] == 1000
    assert snapshot(app, order_id) == before
    missing = client.post("/api/orders/999999/payments", json={"provider": "cash"})
    assert missing.status_code == 404 and missing.json["code"] == "order_not_found"


def test_expired_order_cannot_be_paid(app, client, auth, payable_order):
    order_id = payable_order(1880, expires_in=-1)
    before = snapshot(app, order_id)
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=auth("staff"))
    assert response.status_code == 409 and response.json["code"] == "order_not_payable"
    assert snapshot(app, order_id) == before


def test_refunds_need_staff_of_the_community(app, client, auth, payable_order):
    order_id = payable_order(600)
    payment = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=auth("staff")).json
    before = snapshot(app, order_id)
    for headers, status in ((auth("diner"), 403), (auth("staff", communities=["fenglin-huiyuan"]), 403), ({}, 401)):
        response = client.post(f"/api/payments/{payment['id']}/refunds", json={}, headers=headers)
        assert response.status_code == status and response.mimetype == "application/problem+json"
    negative = client.post(f"/api/payments/{payment['id']}/refunds", json={"amount_fen": -1}, headers=auth("staff"))
    assert negative.status_code == 422
    assert snapshot(app, order_id) == before


def test_open_cash_payment_can_be_canceled_then_paid_another_way(app, client, auth, payable_order, order_ref):
    order_id = payable_order(700)
    ref = order_ref(order_id)
    pending = client.post(f"/api/orders/{order_id}/payments?ref={ref}", json={"provider": "cash"}).json
    blocked = client.post(f"/api/orders/{order_id}/payments?ref={ref}", json={"provider": "cash"})
    assert blocked.status_code == 409 and blocked.json["code"] == "nothing_owed"
    canceled = client.post(f"/api/payments/{pending['id']}/cancel?ref={ref}")
    assert canceled.status_code == 200 and canceled.json["state"] == "canceled"
    paid = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=auth("staff"))
    assert paid.status_code == 201 and paid.json["state"] == "succeeded"


def test_cash_is_not_taken_for_an_expired_order(app, client, auth, payable_order, order_ref):
    order_id = payable_order(700, expires_in=1)
    pending = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "cash"}).json
    import time

    time.sleep(1.2)
    before = snapshot(app, order_id)
    response = client.post(f"/api/payments/{pending['id']}/confirm", headers=auth("staff"))
    assert response.status_code == 409 and response.json["code"] == "order_not_payable"
    assert snapshot(app, order_id) == before


def test_tick_gives_back_the_money_of_orders_that_expired(app, client, auth, payable_order):
    staff = auth("staff", sub="counter-1")
    birth = dt.date.today().replace(year=dt.date.today().year - 66) - dt.timedelta(days=1)
    client.put("/api/diners/grandpa-li", headers=staff, json={
        "community_id": NB, "birth_date": birth.isoformat(), "groups": [], "subsidy_eligible": True})
    order_id = payable_order(1500, diner_id="grandpa-li", expires_in=1)
    diner = auth("diner", sub="grandpa-li")
    subsidy = client.post(f"/api/orders/{order_id}/payments", json={"provider": "subsidy"}, headers=diner)
    assert subsidy.status_code == 201 and subsidy.json["amount_fen"] == 300
    cash = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=diner)
    assert cash.status_code == 201 and cash.json["state"] == "pending"
    import time

    time.sleep(1.2)  # the diner walked away; the order expires
    tick = app.extensions["linli_spec"].tick
    figures = tick(app)
    assert figures["orders_expired"] == 1
    assert figures["payments_canceled"] == 1 and figures["payments_refunded"] == 1
    after = snapshot(app, order_id)
    assert after["order"][0] == "expired"
    assert after["payments"] == [("cash", 1200, "canceled", 0), ("subsidy", 300, "succeeded", 300)]
    again = tick(app)
    assert again["payments_canceled"] == 0 and again["payments_refunded"] == 0
    assert snapshot(app, order_id) == after
    quote = client.get("/api/diners/grandpa-li/subsidy?community_id=north-bund", headers=diner).json
    assert quote["meals_left_today"] == 1  # the refunded subsidy gives the day's meal back


@pytest.mark.parametrize("path", ["/api/orders/99999999999999/payments", "/api/payments/99999999999999/confirm",
                                  "/api/payments/99999999999999/refunds", "/api/payments/99999999999999/cancel"])
def test_ids_out_of_range_are_not_found(client, auth, path):
    response = client.post(path, json={"provider": "cash"} if "orders" in path else {}, headers=auth("staff"))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
