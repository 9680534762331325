"""Real concurrent requests against a live gunicorn, on SQLite and PostgreSQL."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from linli.canteen.diners.meal_card import ledger_sum, require_card
from linli.canteen.diners.models import MealCardEntry
from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.payments.models import Payment

NB = "north-bund"


def card_figures(app, diner):
    with app.app_context():
        card = require_card(NB, diner)
        return card.balance_fen, ledger_sum(card)


def test_100_concurrent_charges_on_one_meal_card(app, client, auth, payable_order, live_server, engine):
    top_up = client.post("/api/meal-cards/grandma-wang/top-ups", json={"community_id": NB, "amount_fen": 5000},
                         headers=auth("staff"))
    assert top_up.status_code == 201
    orders = [payable_order(300, diner_id="grandma-wang") for _ in range(100)]
    server = live_server(app, workers=2, threads=8)
    diner = auth("diner", sub="grandma-wang")

    def pay(order_id):
        response = requests.post(f"{server.url}/api/orders/{order_id}/payments", json={"provider": "meal_card"},
                                 headers=diner, timeout=60)
        return response.status_code, response.json().get("code")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(pay, orders))
    elapsed = time.monotonic() - started
    statuses = Counter(status for status, _ in results)
    successes = statuses[201]
    balance, ledger_total = card_figures(app, "grandma-wang")
    print(f"\n[{engine}] 100 concurrent meal-card charges of 300 fen on 5000 fen: {dict(statuses)}, "
          f"balance {balance}, ledger sum {ledger_total}, drawn {5000 - balance}, {elapsed:.2f} s")
    assert set(statuses) <= {201, 409}, results
    assert all(code == "insufficient_balance" for status, code in results if status == 409)
    assert successes == 5000 // 300  # 16: every charge that fitted went through, no more
    assert balance >= 0 and balance == ledger_total == 5000 - successes * 300
    with app.app_context():
        assert db.session.query(Order).filter_by(state="paid").count() == successes
        assert db.session.query(Payment).filter_by(state="succeeded").count() == successes
        # every intermediate balance: the ledger replayed in order gives each line's balance, never below 0
        entries = db.session.query(MealCardEntry).order_by(MealCardEntry.id).all()
        running = 0
        for entry in entries:
            running += entry.amount_fen
            assert entry.balance_after_fen == running >= 0


def test_one_order_is_paid_once_under_concurrent_pay_and_confirm(app, client, auth, payable_order, order_ref,
                                                                  live_server, engine):
    staff = auth("staff", sub="counter-1")
    client.post("/api/meal-cards/grandpa-li/top-ups", json={"community_id": NB, "amount_fen": 10000}, headers=staff)
    card_order = payable_order(600, diner_id="grandpa-li")
    keyed_order = payable_order(700, diner_id="grandpa-li")
    cash_order = payable_order(1880)
    refund_order = payable_order(1000, diner_id="grandpa-li")
    diner = auth("diner", sub="grandpa-li")
    card_payment = client.post(f"/api/orders/{refund_order}/payments", json={"provider": "meal_card"}, headers=diner)
    assert card_payment.status_code == 201
    elder = auth("diner", sub="grandma-wang")
    assert client.put("/api/diners/grandma-wang", headers=staff, json={
        "community_id": NB, "birth_date": "1940-05-01", "groups": [], "subsidy_eligible": True}).status_code == 200
    elder_orders = [payable_order(1500, diner_id="grandma-wang") for _ in range(10)]
    server = live_server(app, workers=2, threads=8)
    cash_payment = requests.post(f"{server.url}/api/orders/{cash_order}/payments?ref={order_ref(cash_order)}",
                                 json={"provider": "cash"}, timeout=30).json()
    assert cash_payment["state"] == "pending"

    def pay(order_id, key=None):
        headers = {**diner, **({"Idempotency-Key": key} if key else {})}
        response = requests.post(f"{server.url}/api/orders/{order_id}/payments", json={"provider": "meal_card"},
                                 headers=headers, timeout=60)
        return response.status_code, response.json().get("id"), response.headers.get("Idempotent-Replayed")

    def confirm(_):
        response = requests.post(f"{server.url}/api/payments/{cash_payment['id']}/confirm", headers=staff, timeout=60)
        return response.status_code, response.json().get("state")

    def refund(_):
        response = requests.post(f"{server.url}/api/payments/{card_payment.json['id']}/refunds",
                                 json={"amount_fen": 300}, headers=staff, timeout=60)
        return response.status_code, response.json().get("code")

    def subsidise(order_id):
        response = requests.post(f"{server.url}/api/orders/{order_id}/payments", json={"provider": "subsidy"},
                                 headers=elder, timeout=60)
        return response.status_code, response.json().get("code")

    with ThreadPoolExecutor(max_workers=64) as pool:
        plain = [pool.submit(pay, card_order) for _ in range(20)]
        keyed = [pool.submit(pay, keyed_order, "tap-once") for _ in range(20)]
        confirms = [pool.submit(confirm, i) for i in range(20)]
        refunds = [pool.submit(refund, i) for i in range(20)]
        subsidies = [pool.submit(subsidise, order_id) for order_id in elder_orders]
        plain, keyed, confirms, refunds, subsidies = (
            [f.result() for f in fs] for fs in (plain, keyed, confirms, refunds, subsidies))

    print(f"\n[{engine}] 20 concurrent meal-card pays of one order: {Counter(s for s, _, _ in plain)}; "
          f"same Idempotency-Key: {Counter((s, r) for s, _, r in keyed)}; "
          f"20 concurrent cash confirms: {Counter(confirms)}; 20 concurrent 300-fen refunds of 1000: {Counter(refunds)}; "
          f"subsidy on 10 orders of one elder at once: {Counter(subsidies)}")
    assert Counter(s for s, _, _ in plain)[201] == 1 and {s for s, _, _ in plain} <= {201, 409}
    fresh = [p for s, p, r in keyed if s == 201 and r is None]
    assert len(fresh) == 1  # one request did the work; the others were replays (same payment) or told to wait
    assert all(p == fresh[0] for s, p, r in keyed if s == 201) and {s for s, _, _ in keyed} <= {201, 409}
    assert all(c == (200, "succeeded") for c in confirms)
    assert Counter(refunds) == Counter({(201, None): 3, (409, "refund_exceeds_payment"): 17})  # 900 of 1000
    assert Counter(subsidies) == Counter({(201, None): 1, (409, "subsidy_used_up"): 9})  # one meal a day
    balance, ledger_total = card_figures(app, "grandpa-li")
    assert balance == ledger_total == 10000 - 600 - 700 - 1000 + 900  # money moved once per order and refund
    with app.app_context():
        for order_id, total in ((card_order, 600), (keyed_order, 700), (cash_order, 1880)):
            order = db.session.get(Order, order_id)
            payments = db.session.query(Payment).filter_by(order_id=order_id).all()
            assert order.state == "paid" and order.paid_at is not None
            assert [(p.amount_fen, p.state, p.completes_order) for p in payments] == [(total, "succeeded", True)]
