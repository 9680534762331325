"""Stripe through a real localstripe, webhooks posted to a live gunicorn of the canteen."""

import hashlib
import hmac
import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import stripe

from linli.canteen.app import create_app
from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.payments.models import Payment, PaymentRefund, StripeEvent

WEBHOOK = "/api/payments/stripe/webhook"


@pytest.fixture
def app(service_app, localstripe):
    return service_app("canteen", create_app, **localstripe.config())


@pytest.fixture
def server(app, live_server, localstripe):
    server = live_server(app, workers=2, threads=8, env=localstripe.config())
    localstripe.register_webhook(server.url + WEBHOOK)
    return server


@pytest.fixture
def browser_stripe(localstripe):
    """What Stripe.js does in the diner's browser: confirm the intent with a card."""
    return stripe.StripeClient("sk_test_linli", base_addresses={"api": localstripe.base}, max_network_retries=0)


def sign(body, secret, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def state(app, order_id):
    with app.app_context():
        order = db.session.get(Order, order_id)
        payments = db.session.query(Payment).filter_by(order_id=order_id).order_by(Payment.id).all()
        return {
            "order": order.state, "paid_at": order.paid_at,
            "payments": [(p.provider, p.amount_fen, p.state, p.refunded_fen) for p in payments],
            "completing": sum(1 for p in payments if p.completes_order),
            "events": sorted((e.event_type, e.outcome) for e in db.session.query(StripeEvent)),
            "refunds": sorted((r.amount_fen, r.state) for r in db.session.query(PaymentRefund)),
        }


def wait_for(predicate, timeout=6.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def pay(server, order_id, ref, headers=None, **body):
    """Pay an anonymous order by card, as the kiosk that holds its pickup reference does."""
    return requests.post(f"{server.url}/api/orders/{order_id}/payments?ref={ref}", json={"provider": "stripe", **body},
                         headers=headers or {}, timeout=15)


def events_of(localstripe, kind):
    """Every event of ``kind`` localstripe holds (all pages)."""
    found, params = [], {"limit": 100}
    while True:
        page = requests.get(f"{localstripe.base}/v1/events", params=params, timeout=5,
                            headers={"Authorization": "Bearer sk_test_linli"}).json()
        found += [e for e in page["data"] if e["type"] == kind]
        if not page.get("has_more") or not page["data"]:
            return found
        params = {"limit": 100, "starting_after": page["data"][-1]["id"]}


def test_browser_confirmed_card_payment_is_paid_by_the_webhook(app, server, payable_order, browser_stripe, order_ref):
    order_id = payable_order(1880)
    response = pay(server, order_id, order_ref(order_id))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["state"] == "pending" and payment["external_ref"].startswith("pi_")
    assert payment["client_secret"] and payment["publishable_key"] == "pk_test_linli"
    assert payment["payment_method_types"] == ["card"]
    intent = browser_stripe.v1.payment_intents.retrieve(payment["external_ref"])
    assert intent.amount == 1880 and intent.metadata["linli_payment_id"] == str(payment["id"])

    browser_stripe.v1.payment_intents.update(intent.id, params={"payment_method": "pm_card_visa"})
    assert browser_stripe.v1.payment_intents.confirm(intent.id).status == "succeeded"
    assert state(app, order_id)["order"] == "pending_payment"  # nothing until Stripe tells us
    final = wait_for(lambda: (s := state(app, order_id))["order"] == "paid" and s)
    assert final["payments"] == [("stripe", 1880, "succeeded", 0)] and final["completing"] == 1
    assert final["events"] == [("payment_intent.succeeded", "succeeded")]


def test_decline_leaves_the_order_unpaid(app, server, payable_order, order_ref):
    order_id = payable_order(1200)
    response = pay(server, order_id, order_ref(order_id), payment_method="pm_card_chargeCustomerFail")
    assert response.status_code == 402, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "card_declined"
    after = state(app, order_id)
    assert after["order"] == "pending_payment" and after["payments"] == [("stripe", 1200, "failed", 0)]
    # the payment_failed webhook arrives a second later and changes nothing more
    final = wait_for(lambda: (s := state(app, order_id))["events"] and s)
    assert final["events"] == [("payment_intent.payment_failed", "failed")]
    assert final["order"] == "pending_payment" and final["payments"] == [("stripe", 1200, "failed", 0)]
    # the diner can try again with another card
    retry = pay(server, order_id, order_ref(order_id), payment_method="pm_card_visa")
    assert retry.status_code == 201 and retry.json()["state"] == "succeeded"
    assert state(app, order_id)["order"] == "paid"


def test_refunds_full_partial_and_over_refund(app, client, payable_order, auth, browser_stripe, order_ref):
    staff = auth("staff", sub="counter-1")
    order_id = payable_order(2000)
    payment = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}",
                          json={"provider": "stripe", "payment_method": "pm_card_visa"}).json
    assert payment["state"] == "succeeded"
    url = f"/api/payments/{payment['id']}/refunds"
    partial = client.post(url, json={"amount_fen": 500, "reason": "half portion swapped"}, headers=staff)
    assert partial.status_code == 201 and partial.json["state"] == "succeeded"
    assert partial.json["external_ref"].startswith("re_")
    before = state(app, order_id)
    over = client.post(url, json={"amount_fen": 1501}, headers=staff)
    assert over.status_code == 409 and over.json["code"] == "refund_exceeds_payment"
    assert over.mimetype == "application/problem+json"
    assert state(app, order_id) == before
    rest = client.post(url, json={}, headers=staff)
    assert rest.status_code == 201 and rest.json["amount_fen"] == 1500
    after = state(app, order_id)
    assert after["order"] == "refunded" and after["payments"] == [("stripe", 2000, "succeeded", 2000)]
    assert after["refunds"] == [(500, "succeeded"), (1500, "succeeded")]
    refunds = browser_stripe.v1.refunds.list(params={"payment_intent": payment["external_ref"]})
    assert sorted(r.amount for r in refunds.data) == [500, 1500]  # Stripe moved exactly that
    again = client.post(url, json={"amount_fen": 1}, headers=staff)
    assert again.status_code == 409 and again.json["code"] == "already_refunded"
    assert len(browser_stripe.v1.refunds.list(params={"payment_intent": payment["external_ref"]}).data) == 2


def test_duplicated_webhook_changes_nothing(app, server, payable_order, localstripe, order_ref):
    order_id = payable_order(800)
    payment = pay(server, order_id, order_ref(order_id), payment_method="pm_card_visa").json()
    first = wait_for(lambda: (s := state(app, order_id))["events"] and s)
    event = next(e for e in events_of(localstripe, "payment_intent.succeeded")
                 if e["data"]["object"]["id"] == payment["external_ref"])
    body = json.dumps(event).encode()
    for _ in range(3):  # Stripe redelivers: signed correctly, same event id
        response = requests.post(server.url + WEBHOOK, data=body, timeout=10, headers={
            "Stripe-Signature": sign(body, "whsec_linli_test"), "Content-Type": "application/json"})
        assert response.status_code == 200 and response.json()["status"] == "duplicate"
    assert state(app, order_id) == first and first["completing"] == 1


@pytest.mark.parametrize("forgery", ["wrong-secret", "stale", "missing", "tampered-body"])
def test_forged_or_stale_signature_is_refused(app, client, payable_order, browser_stripe, forgery, order_ref):
    order_id = payable_order(1880)
    payment = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "stripe"}).json
    # a succeeded event for this payment's intent, as an attacker would write it
    intent = browser_stripe.v1.payment_intents.retrieve(payment["external_ref"]).to_dict()
    intent["status"] = "succeeded"
    event = {"id": "evt_forged_1", "object": "event", "type": "payment_intent.succeeded", "created": int(time.time()),
             "api_version": "2017-08-15", "data": {"object": intent}, "livemode": False}
    body = json.dumps(event).encode()
    headers = {}
    if forgery == "wrong-secret":
        headers["Stripe-Signature"] = sign(body, "whsec_guessed")
    elif forgery == "stale":
        headers["Stripe-Signature"] = sign(body, "whsec_linli_test", timestamp=int(time.time()) - 3600)
    elif forgery == "tampered-body":
        headers["Stripe-Signature"] = sign(body.replace(b"succeeded", b"succeeded "), "whsec_linli_test")
    before = state(app, order_id)
    response = client.post(WEBHOOK, data=body, headers=headers, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json" and response.json["code"] == "bad_signature"
    assert state(app, order_id) == before and before["order"] == "pending_payment" and before["events"] == []
    # the same body signed with the real secret is believed (so the refusal above was the signature)
    good = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, "whsec_linli_test")},
                       content_type="application/json")
    assert good.status_code == 200 and good.json["status"] == "succeeded"
    assert state(app, order_id)["order"] == "paid"


@pytest.mark.parametrize("delays", [
    (0.0, 0.5, 0.8, 0.9, 0.95, 1.0, 1.0, 1.02, 1.05, 1.1, 1.2, 1.5),  # a confirm first, others around the webhook
    (1.0, 1.02, 1.04, 1.06, 1.08, 1.1, 1.12, 1.15, 1.2, 1.3, 1.4, 1.6),  # as the webhook lands (~1 s) and after
], ids=["confirm-first", "webhook-first"])
def test_webhook_and_confirm_race_marks_the_order_paid_once(app, server, payable_order, browser_stripe, delays, order_ref):
    order_id = payable_order(2600)
    payment = pay(server, order_id, order_ref(order_id)).json()
    intent_id = payment["external_ref"]
    browser_stripe.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    browser_stripe.v1.payment_intents.confirm(intent_id)  # the webhook leaves localstripe ~1 s from now

    def confirm(delay):
        time.sleep(delay)
        return requests.post(f"{server.url}/api/payments/{payment['id']}/confirm?ref={order_ref(order_id)}", timeout=15)

    with ThreadPoolExecutor(max_workers=12) as pool:  # confirms before, around and after the webhook
        responses = list(pool.map(confirm, delays))
    assert all(r.status_code == 200 and r.json()["state"] == "succeeded" for r in responses)
    final = wait_for(lambda: (s := state(app, order_id))["events"] and s)
    assert final["order"] == "paid" and final["completing"] == 1
    assert final["payments"] == [("stripe", 2600, "succeeded", 0)]
    with app.app_context():
        winner = db.session.query(Payment).one().confirmed_by
    print(f"\nwebhook/confirm race: the order was paid once, by {winner!r}; 12 confirms all answered succeeded")
    assert final["events"] == [("payment_intent.succeeded", "succeeded")]


def test_card_money_arriving_after_the_order_expired_goes_back(app, client, payable_order, browser_stripe, order_ref):
    order_id = payable_order(1880, expires_in=2)
    payment = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "stripe"}).json
    assert payment["state"] == "pending"
    time.sleep(2.2)  # the diner took too long; the order expired meanwhile
    browser_stripe.v1.payment_intents.update(payment["external_ref"], params={"payment_method": "pm_card_visa"})
    assert browser_stripe.v1.payment_intents.confirm(payment["external_ref"]).status == "succeeded"
    confirmed = client.post(f"/api/payments/{payment['id']}/confirm?ref={order_ref(order_id)}")
    assert confirmed.status_code == 200 and confirmed.json["state"] == "succeeded"
    after = state(app, order_id)
    assert after["order"] == "pending_payment" and after["paid_at"] is None and after["completing"] == 0
    assert after["payments"] == [("stripe", 1880, "succeeded", 1880)] and after["refunds"] == [(1880, "succeeded")]
    refunds = browser_stripe.v1.refunds.list(params={"payment_intent": payment["external_ref"]})
    assert [r.amount for r in refunds.data] == [1880]


def test_card_money_for_an_order_paid_meanwhile_goes_back(app, client, auth, payable_order, localstripe,
                                                           browser_stripe, order_ref):
    order_id = payable_order(1880)
    declined = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}",
                           json={"provider": "stripe", "payment_method": "pm_card_chargeCustomerFail"})
    assert declined.status_code == 402
    payment_id = declined.json["payment_id"]
    # the diner gives up on the card and pays cash; later their browser retries the card anyway
    # (real Stripe re-confirms the same intent; localstripe cannot, so a twin intent stands in for it)
    cash = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "cash"}, headers=auth("staff"))
    assert cash.status_code == 201 and cash.json["state"] == "succeeded"
    retried = browser_stripe.v1.payment_intents.create(params={
        "amount": 1880, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True,
        "metadata": {"linli_payment_id": str(payment_id), "linli_order_id": str(order_id)}})
    assert retried.status == "succeeded"
    intent_id = retried.id
    event = next(e for e in events_of(localstripe, "payment_intent.succeeded") if e["data"]["object"]["id"] == intent_id)
    body = json.dumps(event).encode()
    response = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, "whsec_linli_test")},
                           content_type="application/json")
    assert response.status_code == 200 and response.json["status"] == "succeeded"
    after = state(app, order_id)
    assert after["order"] == "paid" and after["completing"] == 1
    assert after["payments"] == [("stripe", 1880, "succeeded", 1880), ("cash", 1880, "succeeded", 0)]
    assert [r.amount for r in browser_stripe.v1.refunds.list(params={"payment_intent": intent_id}).data] == [1880]


def test_wechat_pay_and_alipay_are_offered_when_configured(app, client, payable_order, browser_stripe, monkeypatch, order_ref):
    monkeypatch.setenv("LINLI_STRIPE_METHODS", "card,wechat_pay,alipay")
    order_id = payable_order(1880)
    response = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "stripe"})
    assert response.status_code == 201, response.json
    assert response.json["payment_method_types"] == ["card", "wechat_pay", "alipay"]
    intent = browser_stripe.v1.payment_intents.retrieve(response.json["external_ref"])
    assert intent.status == "requires_payment_method" and intent.amount == 1880 and intent.currency == "cny"


def test_card_payments_are_not_offered_without_a_key(service_app, payable_order, monkeypatch, order_ref):
    for name in ("STRIPE_API_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    plain = service_app("canteen", create_app)
    client = plain.test_client()
    order_id = payable_order(1880)
    providers = [p["identifier"] for p in client.get(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}").json["providers"]]
    assert "stripe" not in providers and "cash" in providers
    response = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "stripe"})
    assert response.status_code == 422 and response.json["code"] == "unknown_provider"
    body = b'{"id": "evt_1", "type": "payment_intent.succeeded"}'
    hook = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, "whsec_linli_test")})
    assert hook.status_code == 409 and hook.json["code"] == "stripe_not_configured"


@pytest.mark.parametrize("body", [b'{"id": "evt_1", "type": "payment_intent.succeeded"}',
                                  b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}',
                                  b'{"type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}}'])
def test_signed_but_malformed_events_are_refused(app, client, body):
    response = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, "whsec_linli_test")},
                           content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "bad_event"
    with app.app_context():
        assert db.session.query(StripeEvent).count() == 0


def test_a_refund_left_pending_by_a_dead_worker_is_finished_by_tick(app, client, payable_order, browser_stripe, order_ref):
    import datetime as dt

    from linli.shared.db import utcnow

    order_id = payable_order(1500)
    payment = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}",
                          json={"provider": "stripe", "payment_method": "pm_card_visa"}).json
    with app.app_context():  # what a worker leaves behind if it dies right after reserving a refund
        row = db.session.get(Payment, payment["id"])
        row.refunded_fen = 400
        db.session.add(PaymentRefund(payment_id=row.id, community_id=row.community_id, provider="stripe",
                                     amount_fen=400, state="pending", created_by="counter-1",
                                     created_at=utcnow() - dt.timedelta(minutes=10)))
        db.session.commit()
    figures = app.extensions["linli_spec"].tick(app)
    assert figures["refunds_retried"] == 1
    after = state(app, order_id)
    assert after["refunds"] == [(400, "succeeded")] and after["payments"] == [("stripe", 1500, "succeeded", 400)]
    assert [r.amount for r in browser_stripe.v1.refunds.list(params={"payment_intent": payment["external_ref"]}).data] \
        == [400]
    assert app.extensions["linli_spec"].tick(app)["refunds_retried"] == 0


def test_concurrent_copies_of_one_event_do_the_work_once(app, server, payable_order, localstripe, browser_stripe, order_ref):
    order_id = payable_order(990)
    payment = pay(server, order_id, order_ref(order_id)).json()
    intent_id = payment["external_ref"]
    browser_stripe.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    browser_stripe.v1.payment_intents.confirm(intent_id)
    event = next(e for e in events_of(localstripe, "payment_intent.succeeded") if e["data"]["object"]["id"] == intent_id)
    body = json.dumps(event).encode()

    def deliver(_):
        response = requests.post(server.url + WEBHOOK, data=body, timeout=30, headers={
            "Stripe-Signature": sign(body, "whsec_linli_test"), "Content-Type": "application/json"})
        return response.status_code, response.json()["status"]

    with ThreadPoolExecutor(max_workers=10) as pool:  # ten copies at once, before localstripe's own (~1 s)
        answers = Counter(pool.map(deliver, range(10)))
    assert set(answers) <= {(200, "succeeded"), (200, "duplicate")} and answers[(200, "succeeded")] <= 1, answers
    time.sleep(1.5)  # localstripe's own delivery is one more duplicate
    final = state(app, order_id)
    assert final["order"] == "paid" and final["completing"] == 1
    assert final["payments"] == [("stripe", 990, "succeeded", 0)]
    assert final["events"] == [("payment_intent.succeeded", "succeeded")]


def test_an_event_whose_amount_differs_pays_nothing(app, client, payable_order, browser_stripe, order_ref):
    order_id = payable_order(1880)
    payment = client.post(f"/api/orders/{order_id}/payments?ref={order_ref(order_id)}", json={"provider": "stripe"}).json
    intent = browser_stripe.v1.payment_intents.retrieve(payment["external_ref"]).to_dict()
    intent.update(status="succeeded", amount=1)
    body = json.dumps({"id": "evt_short", "object": "event", "type": "payment_intent.succeeded",
                       "created": int(time.time()), "data": {"object": intent}}).encode()
    response = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, "whsec_linli_test")},
                           content_type="application/json")
    assert response.status_code == 200 and response.json["status"] == "amount_mismatch"
    after = state(app, order_id)
    assert after["order"] == "pending_payment" and after["payments"] == [("stripe", 1880, "pending", 0)]
    assert after["events"] == [("payment_intent.succeeded", "amount_mismatch")]
