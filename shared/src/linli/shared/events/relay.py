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
from sqlalchemy import exc as sa_exc

from linli.shared.db import transient_database_error, utcnow
from linli.shared.events.signing import HEADER, sign
from linli.shared.state import service_state

MAX_ATTEMPTS = 12  # 10 s, 20 s, 40 s ... capped at an hour: about 14 hours in all
FIRST_BACKOFF_SECONDS = 10
MAX_BACKOFF_SECONDS = 3600
MAX_DATABASE_PAUSE_SECONDS = 10.0  # the relay's own database is down: look again at least this often
log = structlog.get_logger("linli.events.relay")


@dataclass
class RelayResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def backoff(attempts: int, first: float = FIRST_BACKOFF_SECONDS) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: ``first`` seconds doubling, capped, ±20 %."""
    base = min(first * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
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
    first_retry = float(app.config.get("LINLI_EVENT_FIRST_RETRY_SECONDS") or FIRST_BACKOFF_SECONDS)
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
                delivery.next_attempt_at = utcnow() + backoff(delivery.attempts, first_retry)
                result.failed += 1
                log.warning("event.retry", event_id=event.id, subscriber=delivery.subscriber, error=error)
    session.commit()
    return result


def run_relay(app: Flask, *, once: bool = False, interval: float = 1.0, max_seconds: float | None = None) -> RelayResult:
    """Deliver until stopped (or once). The database going away (PostgreSQL restarting) does not end
    the relay: it waits, longer each time up to 10 s, and goes on where the rows say it was."""
    total = RelayResult()
    started = time.monotonic()
    http = requests.Session()
    pause = 0.0
    while True:
        try:
            with app.app_context():
                result = deliver_due(app, http=http)
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
            if transient_database_error(error) is None or once:
                raise
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                return total
            pause = min(max(pause * 2, interval, 0.5), MAX_DATABASE_PAUSE_SECONDS)
            log.warning("relay.database_unavailable", error=str(getattr(error, "orig", None) or error)[:200],
                        retry_in=pause)
            time.sleep(pause)
            continue
        pause = 0.0
        total.delivered += result.delivered
        total.failed += result.failed
        total.dead += result.dead
        if once or (max_seconds is not None and time.monotonic() - started > max_seconds):
            return total
        if not (result.delivered or result.failed):
            time.sleep(interval)
