"""Stripe through stripe-python's ``StripeClient``: settings, intents, refunds, webhook checks.

Settings come from the app config or the environment: ``STRIPE_API_KEY``,
``STRIPE_WEBHOOK_SECRET``, ``STRIPE_API_BASE`` (e.g. a localstripe), ``STRIPE_PUBLISHABLE_KEY``,
``LINLI_STRIPE_METHODS`` (``card,wechat_pay,alipay``), ``STRIPE_MAX_NETWORK_RETRIES``,
``STRIPE_WEBHOOK_TOLERANCE`` (seconds).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import stripe
from flask import current_app

from linli.shared.errors import BadRequest, Problem


class GatewayError(Problem):
    status, code, title = 502, "payment_gateway_error", "Payment gateway error"


@dataclass(frozen=True)
class StripeSettings:
    api_key: str | None
    webhook_secret: str | None
    api_base: str | None
    publishable_key: str | None
    methods: tuple[str, ...]
    max_network_retries: int
    tolerance: int

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)


def _value(name: str, default: str | None = None) -> str | None:
    value = current_app.config.get(name)
    if value in (None, ""):
        value = os.environ.get(name) or default
    return None if value is None else str(value)


def settings() -> StripeSettings:
    methods = tuple(m.strip() for m in (_value("LINLI_STRIPE_METHODS", "card") or "card").split(",") if m.strip())
    return StripeSettings(
        api_key=_value("STRIPE_API_KEY"),
        webhook_secret=_value("STRIPE_WEBHOOK_SECRET"),
        api_base=_value("STRIPE_API_BASE"),
        publishable_key=_value("STRIPE_PUBLISHABLE_KEY"),
        methods=methods or ("card",),
        max_network_retries=int(_value("STRIPE_MAX_NETWORK_RETRIES", "2") or 2),
        tolerance=int(_value("STRIPE_WEBHOOK_TOLERANCE", "300") or 300),
    )


def client() -> stripe.StripeClient:
    config = settings()
    if not config.enabled:
        raise Problem("Card payments are not configured here.", code="stripe_not_configured", status=409)
    cache: dict[tuple[Any, ...], stripe.StripeClient] = current_app.extensions.setdefault("linli_stripe", {})
    key = (config.api_key, config.api_base, config.max_network_retries)
    if key not in cache:
        options: dict[str, Any] = {"max_network_retries": config.max_network_retries}
        if config.api_base:
            options["base_addresses"] = {"api": config.api_base}
        cache[key] = stripe.StripeClient(config.api_key, **options)  # type: ignore[arg-type]
    return cache[key]


def intent_key(payment_id: int) -> str:
    return f"linli-canteen-payment-{payment_id}"


def create_intent(*, payment_id: int, order_id: int, amount_fen: int, currency: str,
                  payment_method: str | None = None) -> stripe.PaymentIntent:
    """One PaymentIntent per payment; the idempotency key is the payment's own id.

    With ``payment_method`` the intent is confirmed at once (counter terminal, tests); without,
    the browser confirms it with Stripe's Payment Element using the client secret.
    Raises ``stripe.CardError`` on a decline.
    """
    methods = list(settings().methods)
    params: dict[str, Any] = {
        "amount": amount_fen,
        "currency": currency.lower(),
        "payment_method_types": methods,
        "metadata": {"linli_payment_id": str(payment_id), "linli_order_id": str(order_id)},
    }
    if "wechat_pay" in methods:
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    if payment_method:
        params.update(payment_method=payment_method, confirm=True)
    return client().v1.payment_intents.create(params=params,  # type: ignore[arg-type]
                                              options={"idempotency_key": intent_key(payment_id)})


def retrieve_intent(intent_id: str) -> stripe.PaymentIntent:
    return client().v1.payment_intents.retrieve(intent_id)


def cancel_intent(intent_id: str) -> stripe.PaymentIntent:
    return client().v1.payment_intents.cancel(intent_id)


def create_refund(*, intent_id: str, amount_fen: int, refund_id: int) -> stripe.Refund:
    return client().v1.refunds.create(
        params={"payment_intent": intent_id, "amount": amount_fen, "metadata": {"linli_refund_id": str(refund_id)}},
        options={"idempotency_key": f"linli-canteen-refund-{refund_id}"},
    )


def verify_event(body: bytes, signature: str | None) -> stripe.Event:
    """Check ``Stripe-Signature`` on the raw body and its timestamp; the parsed event, or 400."""
    config = settings()
    if not config.webhook_secret:
        raise Problem("Stripe webhooks are not configured here.", code="stripe_not_configured", status=409)
    if not signature:
        raise BadRequest("The Stripe-Signature header is missing.", code="bad_signature")
    try:
        return stripe.Webhook.construct_event(body, signature, config.webhook_secret, tolerance=config.tolerance)
    except stripe.SignatureVerificationError as error:
        raise BadRequest(f"Stripe signature refused: {error.user_message or error}.", code="bad_signature") from None
    except ValueError:
        raise BadRequest("The webhook body is not a Stripe event.", code="bad_event") from None
