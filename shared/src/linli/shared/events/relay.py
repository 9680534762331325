"""The relay: claims due deliveries, POSTs them signed, retries with exponential backoff.

Each batch claims rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several relays can
run side by side; SQLite has one writer anyway. State lives in the database, so a relay that
dies and restarts simply picks up what is still pending; a delivery that was sent but not
marked is sent again and dropped by the receiver's inbox.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass
from typing import Any

import requests
import sqlalchemy as sa
import structlog
from flask import Flask

from linli.shared.db import utcnow
from linli.shared.events.signing import HEADER, sign
from linli.shared.state import service_state

MAX_ATTEMPTS = 12  # 10 s, 20 s, 40 s ... capped at an hour: about 14 hours in all
FIRST_BACKOFF_SECONDS = 10
MAX_BACKOFF_SECONDS = 3600
log = structlog.get_logger("linli.events.relay")


@dataclass
class RelayResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def backoff(attempts: int) -> dt.timedelta:
    base = min(FIRST_BACKOFF_SECONDS * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
    return dt.timedelta(seconds=base * random.uniform(0.8, 1.2))


def event_body(event: Any) -> bytes:
    """The signed body of one outbox event (a row of the service's ``OutboxEvent``)."""
    return json.dumps(
        {
            "id": event.id,
            "type": event.event_type,
            "community_id": event.community_id,
            "created_at": event.created_at.isoformat(),
            "payload": event.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def deliver_due(app: Flask, *, batch_size: int = 50, http: requests.Session | None = None, timeout: float = 5.0) -> RelayResult:
    """Deliver one batch of due deliveries; returns counts."""
    state = service_state(app)
    models, session = state.models, state.db.session
    subscribers: dict[str, str] = app.config["LINLI_EVENT_SUBSCRIBERS"]
    secret = app.config["LINLI_EVENT_SECRET"]
    http = http or requests.Session()
    result = RelayResult()
    now = utcnow()
    rows = session.execute(
        sa.select(models.OutboxDelivery, models.OutboxEvent)
        .join(models.OutboxEvent, models.OutboxEvent.id == models.OutboxDelivery.event_id)
        .where(models.OutboxDelivery.status == "pending", models.OutboxDelivery.next_attempt_at <= now)
        .order_by(models.OutboxDelivery.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True, of=models.OutboxDelivery)
    ).all()
    for delivery, event in rows:
        base_url = subscribers.get(delivery.subscriber)
        body = event_body(event)
        error = None
        if base_url is None:
            error = f"no URL configured for subscriber {delivery.subscriber!r}"
        else:
            try:
                response = http.post(
                    f"{base_url.rstrip('/')}/events",
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        HEADER: sign(body, secret),
                        "Linli-Event-Id": event.id,
                        "Linli-Source": state.name,
                    },
                    timeout=timeout,
                )
                if not 200 <= response.status_code < 300:
                    error = f"HTTP {response.status_code}: {response.text[:200]}"
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"
        delivery.attempts += 1
        if error is None:
            delivery.status, delivery.delivered_at, delivery.last_error = "delivered", utcnow(), None
            result.delivered += 1
        else:
            delivery.last_error = error
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = "dead"
                result.dead += 1
                log.error("event.dead", event_id=event.id, subscriber=delivery.subscriber, error=error)
            else:
                delivery.next_attempt_at = utcnow() + backoff(delivery.attempts)
                result.failed += 1
                log.warning("event.retry", event_id=event.id, subscriber=delivery.subscriber, error=error)
    session.commit()
    return result


def run_relay(app: Flask, *, once: bool = False, interval: float = 1.0, max_seconds: float | None = None) -> RelayResult:
    total = RelayResult()
    started = time.monotonic()
    http = requests.Session()
    while True:
        with app.app_context():
            result = deliver_due(app, http=http)
        total.delivered += result.delivered
        total.failed += result.failed
        total.dead += result.dead
        if once or (max_seconds is not None and time.monotonic() - started > max_seconds):
            return total
        if not (result.delivered or result.failed):
            time.sleep(interval)
