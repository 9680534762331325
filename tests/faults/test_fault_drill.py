"""Fault drill: nothing acknowledged is lost when a worker is killed or PostgreSQL restarts mid-rush.

On a private PostgreSQL cluster (``private_postgres``: its own port and data directory, never the
machine's shared server) the canteen runs under gunicorn with three workers and the cases service
with two; both relays and the canteen's tick run as their own processes. Client threads place
orders and pay them (meal card by signed-in diners, cash at the counter for kiosk orders; some
kiosk orders are left unpaid for the tick to expire), collect some and complain about them, which
sends ``canteen.feedback.food_safety`` to the cases service (a case) and ``cases.case.opened`` back
(the complaint is taken up). Clients behave as the API asks: an ``Idempotency-Key`` on every POST,
the same key again after a dropped connection, ``Retry-After`` obeyed on 503.

Meanwhile: ``kill -9`` of a gunicorn worker several times, and PostgreSQL stopped in ``immediate``
mode (a crash: every backend killed, recovery from the WAL at the next start), kept down for a
moment while probes check that clients get 503 problem+json with ``Retry-After`` (not 500), then
started again. Afterwards, from the databases: every order answered 201 exists with its lines and
its stock drawn; stock + what unreleased orders hold = what was planned; no order paid twice, no
meal-card charge twice, every card's balance equals its ledger; every complaint event reached the
cases service exactly once and its answer came back exactly once; the relays and the tick
survived; /readyz answers 200 again N seconds after PostgreSQL is back.

``LINLI_FAULT_SECONDS`` sets the length of the load (default 30 s; the issue asks for 30-60).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import signal
import statistics
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.shared.testing.databases import prepare_schema

pytestmark = [pytest.mark.live, pytest.mark.faults, pytest.mark.timeout(420)]

NB = "north-bund"
DURATION = float(os.environ.get("LINLI_FAULT_SECONDS", "30"))
CLIENTS = 6
DINERS = [f"drill-diner-{n}" for n in range(4)]
TOP_UP_FEN = 500_000
PORTIONS, SET_MEALS, RETAIL = 400, 150, 60
DOWN_SECONDS = 3.0  # how long PostgreSQL stays down before it is started again
READY_WITHIN = 30.0  # seconds after PostgreSQL is back by which /readyz must answer 200


# --- the clients ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw, shared by the client threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    dropped: int = 0  # connections that broke (a killed worker) and were retried
    violations: list[str] = field(default_factory=list)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)  # answered 201
    paid: dict[int, dict[str, Any]] = field(default_factory=dict)  # order id -> payment answered 201 succeeded
    complaints: dict[int, dict[str, Any]] = field(default_factory=dict)  # feedback id -> answered 201
    unknown: Counter[str] = field(default_factory=Counter)  # operations whose outcome the client never learnt
    sold_out: int = 0
    latencies: list[float] = field(default_factory=list)

    def note(self, **kwargs: Any) -> None:
        with self.lock:
            for name, value in kwargs.items():
                if name == "status":
                    self.statuses[value] += 1
                elif name == "violation":
                    self.violations.append(value)
                elif name == "unknown":
                    self.unknown[value] += 1
                else:
                    setattr(self, name, getattr(self, name) + value)


def problem_with_retry_after(response: requests.Response) -> bool:
    return (response.status_code == 503 and response.headers.get("Content-Type") == "application/problem+json"
            and response.headers.get("Retry-After", "").isdigit() and response.json().get("status") == 503)


def outcome(response: requests.Response | None) -> str:
    if response is None:
        return "no answer"
    code = response.json().get("code", "") if response.headers.get("Content-Type", "").endswith("json") else ""
    return f"{response.status_code} {code}".strip()


def call(http: requests.Session, tally: Tally, method: str, url: str, *, key: str | None = None,
         give_up_after: float = 20.0, **kwargs: Any) -> requests.Response | None:
    """One operation as a well-behaved client does it: retried with the same Idempotency-Key after a
    dropped connection or a 503 (waiting as Retry-After says), for at most ``give_up_after`` s."""
    headers = dict(kwargs.pop("headers", None) or {})
    if key:
        headers["Idempotency-Key"] = key
    deadline = time.monotonic() + give_up_after
    while True:
        try:
            began = time.monotonic()
            response = http.request(method, url, headers=headers, timeout=15, **kwargs)
            tally.note(latencies=[time.monotonic() - began])
        except requests.RequestException:
            tally.note(dropped=1)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.2)
            continue
        tally.note(status=response.status_code)
        if response.status_code >= 500:
            if not problem_with_retry_after(response):
                tally.note(violation=f"{method} {url} -> {response.status_code} {response.text[:300]}")
                return response
            if time.monotonic() > deadline:
                return response
            time.sleep(min(float(response.headers["Retry-After"]), 3.0))
            continue
        if response.status_code == 409 and response.json().get("code") == "idempotency_in_progress":
            # the first try's worker died holding the key (or the database went away before its
            # answer was stored): that try's outcome is not known to this client
            return response
        return response


@dataclass
class Drill:
    canteen: str
    menu: dict[str, Any]
    auth: Any
    tally: Tally
    stop_at: float

    def lines(self, rng: random.Random) -> list[dict[str, Any]]:
        m = self.menu
        choice = rng.random()
        if choice < 0.45:
            veg = rng.sample([m["greens"], m["egg"], m["tofu"]], 2)
            return [{"kind": "set_meal", "set_meal_id": m["set_meal"], "choices": [rng.choice([m["pork"], m["chicken"]]), *veg]}]
        if choice < 0.85:
            return [{"kind": "dish", "dish_id": rng.choice([m["pork"], m["chicken"], m["egg"]]),
                     "portion": rng.choice(["full", "half"]), "quantity": rng.randint(1, 2)},
                    {"kind": "dish", "dish_id": m["rice"]}]
        return [{"kind": "retail", "retail_item_id": m["beans"]}, {"kind": "dish", "dish_id": m["greens"], "portion": "half"}]

    def place(self, http: requests.Session, rng: random.Random, headers: dict[str, str]) -> dict[str, Any] | None:
        payload = {"community_id": NB, "meal_service_id": self.menu["meal_service"], "lines": self.lines(rng)}
        response = call(http, self.tally, "POST", f"{self.canteen}/api/orders", json=payload, headers=headers,
                        key=uuid.uuid4().hex)
        if response is not None and response.status_code == 201:
            order = response.json()
            with self.tally.lock:
                self.tally.orders[order["id"]] = order
            return order
        if response is not None and response.status_code == 409 and response.json().get("code") == "sold_out":
            self.tally.note(sold_out=1)
        else:
            self.tally.note(unknown=f"order {outcome(response)}")
        return None

    def pay(self, http: requests.Session, order: dict[str, Any], provider: str, headers: dict[str, str],
            ref: str | None = None) -> str | None:
        """The payment's state as answered (succeeded; pending for cash the counter must confirm)."""
        url = f"{self.canteen}/api/orders/{order['id']}/payments" + (f"?ref={ref}" if ref else "")
        response = call(http, self.tally, "POST", url, json={"provider": provider}, headers=headers,
                        key=uuid.uuid4().hex)
        if response is None or response.status_code != 201:
            self.tally.note(unknown=f"payment {outcome(response)}")
            return None
        payment = response.json()
        if payment["state"] == "succeeded":
            with self.tally.lock:
                self.tally.paid[order["id"]] = payment
        return payment["state"]

    def complain(self, http: requests.Session, order: dict[str, Any], diner: dict[str, str],
                 staff: dict[str, str]) -> None:
        collected = call(http, self.tally, "POST", f"{self.canteen}/api/kitchen/collect",
                         json={"pickup_ref": order["pickup_ref"]}, headers=staff, key=uuid.uuid4().hex)
        if collected is None or collected.status_code != 200:
            self.tally.note(unknown=f"collect {outcome(collected)}")
            return
        dish_id = next(line["dish_id"] or line["choices"][0]["dish_id"] for line in order["lines"]
                       if line["kind"] != "retail")
        response = call(http, self.tally, "POST", f"{self.canteen}/api/feedback", headers=diner, key=uuid.uuid4().hex,
                        json={"community_id": NB, "channel": "phone", "order_id": order["id"],
                              "comment": "drill: undercooked", "complaint": True, "complaint_dish_id": dish_id,
                              "ratings": [{"dish_id": dish_id, "rating": 1}]})
        if response is not None and response.status_code == 201:
            with self.tally.lock:
                self.tally.complaints[response.json()["id"]] = response.json()
        else:
            self.tally.note(unknown=f"complaint {outcome(response)}")

    def client(self, number: int) -> None:
        rng = random.Random(number)
        staff = self.auth("staff", sub=f"counter-{number}")
        diner_id = DINERS[number % len(DINERS)]
        diner = self.auth("diner", sub=diner_id)
        http, kiosk = requests.Session(), requests.Session()  # the kiosk keeps its cookie (its replays)
        for turn in itertools.count():
            if time.monotonic() >= self.stop_at:
                return
            if turn % 3 == 0:  # a signed-in diner pays with the meal card; every fourth complains
                order = self.place(http, rng, diner)
                if order and self.pay(http, order, "meal_card", diner) == "succeeded" and turn % 4 == 0:
                    self.complain(http, order, diner, staff)
            elif turn % 3 == 1:  # a kiosk order paid in cash at the counter
                order = self.place(kiosk, rng, {})
                if order:
                    self.pay(http, order, "cash", staff)
            else:  # a kiosk order left unpaid half of the time: the tick expires it
                order = self.place(kiosk, rng, {})
                if order and rng.random() < 0.5:
                    self.pay(kiosk, order, "cash", {}, ref=order["pickup_ref"])  # waits for the counter


# --- the faults -----------------------------------------------------------------------------------


def workers_of(master_pid: int) -> list[int]:
    """The gunicorn master's child processes (its workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid and fields[0] != "Z":
            children.append(int(entry.name))
    return children


def kill_a_worker(server: Any, expected: int, rng: random.Random) -> None:
    """``kill -9`` one of the server's workers; return once gunicorn has replaced it."""
    victim = rng.choice(workers_of(server.process.pid))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while True:
        workers = workers_of(server.process.pid)
        if victim not in workers and len(workers) >= expected:
            return
        assert time.monotonic() < deadline, f"gunicorn did not replace the killed worker:\n{server.log()}"
        time.sleep(0.1)


def probe_while_down(urls: dict[str, str], seconds: float, auth_headers: dict[str, str],
                     order_payload: dict[str, Any]) -> list[tuple[str, int, bool]]:
    """Requests made while PostgreSQL is down: (what, status, a 503 problem with Retry-After)."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, url in (("canteen readyz", f"{urls['canteen']}/readyz"), ("cases readyz", f"{urls['cases']}/readyz"),
                          ("canteen menu", f"{urls['canteen']}/api/communities/{NB}/menu"),
                          ("cases list", f"{urls['cases']}/api/cases?community_id={NB}")):
            response = requests.get(url, headers=auth_headers, timeout=10)
            seen.append((name, response.status_code, problem_with_retry_after(response)))
        response = requests.post(f"{urls['canteen']}/api/orders", json=order_payload, timeout=10,
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
        seen.append(("canteen order", response.status_code, problem_with_retry_after(response)))
        time.sleep(0.2)
    return seen


def seconds_until_ready(urls: list[str], limit: float) -> float:
    started = time.monotonic()
    waiting = set(urls)
    while waiting:
        for url in list(waiting):
            try:
                if requests.get(f"{url}/readyz", timeout=5).status_code == 200:
                    waiting.discard(url)
            except requests.RequestException:
                pass
        if waiting:
            assert time.monotonic() - started < limit, f"not ready {limit}s after PostgreSQL came back: {waiting}"
            time.sleep(0.05)
    return time.monotonic() - started


def wait_until_delivered(*apps: Any, limit: float) -> float:
    """Seconds until no outbox delivery of these services is pending."""
    began = time.monotonic()

    def pending(app: Any) -> int:
        state = app.extensions["linli"]
        with app.app_context():
            return state.db.session.scalar(sa.select(sa.func.count()).select_from(state.models.OutboxDelivery)
                                           .where(state.models.OutboxDelivery.status == "pending"))

    while any(pending(app) for app in apps):
        assert time.monotonic() - began < limit, f"the relays did not deliver everything within {limit} s"
        time.sleep(0.3)
    return time.monotonic() - began


# --- the drill ------------------------------------------------------------------------------------


def test_fault_drill(private_postgres, linli_base_config, live_server, background, auth):
    cluster = private_postgres
    setup_started = time.monotonic()
    base = {**linli_base_config, "LINLI_ORDER_EXPIRY_MINUTES": 0.25}
    canteen_app = create_canteen({**base, "SQLALCHEMY_DATABASE_URI": cluster.create_database("linli_canteen"),
                                  "LINLI_EVENT_SUBSCRIBERS": {"cases": "set-for-the-relay"}})
    cases_app = create_cases({**base, "SQLALCHEMY_DATABASE_URI": cluster.create_database("linli_cases"),
                              "LINLI_EVENT_SUBSCRIBERS": {"canteen": "set-for-the-relay"}})
    prepare_schema(canteen_app, migrate=True)
    prepare_schema(cases_app, migrate=True)

    from linli.canteen.orders.testing import make_menu

    with canteen_app.app_context():
        menu = make_menu(portions=PORTIONS, set_meal_limit=SET_MEALS, retail_stock=RETAIL)
    client = canteen_app.test_client()
    for diner in DINERS:
        top_up = client.post(f"/api/meal-cards/{diner}/top-ups", json={"community_id": NB, "amount_fen": TOP_UP_FEN},
                             headers=auth("staff"))
        assert top_up.status_code == 201, top_up.json
    with canteen_app.app_context():
        canteen_app.extensions["linli"].db.engine.dispose()

    env = {"LINLI_ORDER_EXPIRY_MINUTES": "0.25", "LINLI_LOG_LEVEL": "WARNING", "LINLI_DB_POOL_TIMEOUT": "5",
           "LINLI_EVENT_FIRST_RETRY_SECONDS": "1"}  # a delivery refused during a fault is retried soon
    canteen = live_server(canteen_app, workers=3, threads=4, env=env)
    cases = live_server(cases_app, workers=2, threads=2, env=env)
    jobs = [
        background("canteen", canteen_app, "relay", "--interval", "0.5", subscribers={"cases": cases.url}, env=env),
        background("cases", cases_app, "relay", "--interval", "0.5", subscribers={"canteen": canteen.url}, env=env),
        background("canteen", canteen_app, "tick", "--loop", "2", env=env),
    ]

    # the load starts once both relays deliver: a canary event each way (receivers ignore its type)
    from linli.shared.events import publish

    for app in (canteen_app, cases_app):
        with app.app_context():
            publish("linli.drill.canary", {"note": "the relays are up"})
            app.extensions["linli"].db.session.commit()
    wait_until_delivered(canteen_app, cases_app, limit=180)

    tally = Tally()
    started = time.monotonic()
    setup_seconds = started - setup_started
    drill = Drill(canteen.url, menu, auth, tally, stop_at=started + DURATION)
    rng = random.Random(13)
    kills, down_probes, ready_seconds = 0, [], None
    plan = [(0.12, "kill canteen"), (0.22, "kill cases"), (0.32, "kill canteen"), (0.42, "restart postgresql"),
            (0.65, "kill canteen"), (0.8, "kill canteen")]
    staff = auth("staff")
    probe_order = {"community_id": NB, "meal_service_id": menu["meal_service"],
                   "lines": [{"kind": "dish", "dish_id": menu["rice"]}]}
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        clients = [pool.submit(drill.client, n) for n in range(CLIENTS)]
        for at, fault in plan:
            time.sleep(max(0.0, started + at * DURATION - time.monotonic()))
            if fault == "kill canteen":
                kill_a_worker(canteen, 3, rng)
                kills += 1
            elif fault == "kill cases":
                kill_a_worker(cases, 2, rng)
                kills += 1
            else:
                cluster.stop("immediate")
                down_probes = probe_while_down({"canteen": canteen.url, "cases": cases.url}, DOWN_SECONDS,
                                               staff, probe_order)
                cluster.start()
                cluster.restarts += 1
                ready_seconds = seconds_until_ready([canteen.url, cases.url], READY_WITHIN)
        for future in clients:
            future.result()
    load_seconds = time.monotonic() - started

    # the relays deliver what is left (a delivery refused during the faults waits out its backoff)
    drain_seconds = wait_until_delivered(canteen_app, cases_app, limit=90)
    survivors = {job.name: job.alive() for job in jobs}
    for job in jobs:  # nothing may change the data while it is checked (the tick would expire orders)
        job.stop()

    figures = check_databases(canteen_app, cases_app, menu, tally)
    mismatches = figures.pop("stock mismatches")
    figures.update({
        "setup seconds": round(setup_seconds, 1), "load seconds": round(load_seconds, 1),
        "seconds until the relays had delivered everything": round(drain_seconds, 1), "client threads": CLIENTS, "worker kills (kill -9)": kills,
        "postgresql restarts (immediate)": cluster.restarts, "seconds to ready after postgresql is back":
        round(ready_seconds, 2) if ready_seconds is not None else None,
        "requests while down": len(down_probes),
        "answers while down": dict(Counter(status for _, status, _ in down_probes)),
        "responses seen": dict(sorted(tally.statuses.items())), "dropped connections retried": tally.dropped,
        "operations with unknown outcome": dict(tally.unknown), "sold out": tally.sold_out,
        "request latency median / p95 (s)": (round(statistics.median(tally.latencies), 3),
                                             round(statistics.quantiles(tally.latencies, n=20)[-1], 3)),
    })
    print("\nfault drill figures\n" + "\n".join(f"  {name}: {value}" for name, value in figures.items()))

    assert all(survivors.values()), {job.name: job.log() for job in jobs if not job.alive()}
    assert mismatches == [], "\n".join(mismatches)
    assert tally.violations == [], tally.violations[:5]
    assert down_probes and all(ok for _, _, ok in down_probes), [p for p in down_probes if not p[2]][:5]
    assert ready_seconds is not None and ready_seconds < READY_WITHIN
    assert kills == 5 and cluster.restarts == 1
    assert figures["orders found"] == figures["orders acknowledged"] > 0
    assert figures["payments acknowledged"] > 0 and figures["complaints acknowledged"] > 0
    assert figures["payments doubled"] == 0 and figures["meal-card charges doubled"] == 0
    assert figures["events lost"] == 0 and figures["events duplicated"] == 0
    assert figures["orders expired by the tick"] > 0


def check_databases(canteen_app, cases_app, menu: dict[str, Any], tally: Tally) -> dict[str, Any]:
    """The invariants, read from the two databases after the drill; returns the figures."""
    from linli.canteen.diners.models import MealCard, MealCardEntry
    from linli.canteen.feedback.models import Feedback
    from linli.canteen.menu.models import RetailItem
    from linli.canteen.orders.models import Order
    from linli.canteen.orders.service import draws_of
    from linli.canteen.payments.models import Payment
    from linli.canteen.stock.models import DishStock, SetMealStock
    from linli.cases.casework.models import Case

    figures: dict[str, Any] = {}
    with canteen_app.app_context():
        state = canteen_app.extensions["linli"]
        session = state.db.session
        orders = {o.id: o for o in session.scalars(sa.select(Order))}
        # every order answered 201 is there, with the lines and the total it was answered with
        found = 0
        for order_id, answered in tally.orders.items():
            order = orders.get(order_id)
            assert order is not None, f"order {order_id} was answered 201 and is gone"
            assert order.total_fen == answered["total_fen"] and order.pickup_ref == answered["pickup_ref"]
            assert [(ln.kind, ln.dish_id, ln.set_meal_id, ln.retail_item_id, ln.quantity, ln.portion)
                    for ln in order.lines] == [
                (ln["kind"], ln["dish_id"], ln["set_meal_id"], ln["retail_item_id"], ln["quantity"], ln["portion"])
                for ln in answered["lines"]]
            found += 1
        figures["orders acknowledged"], figures["orders found"] = len(tally.orders), found
        figures["orders in the database"] = len(orders)
        figures["orders stored but never acknowledged (in flight at a fault)"] = len(set(orders) - set(tally.orders))

        # stock: what is left + what the orders still holding stock drew = what was planned
        held_units: Counter[int] = Counter()
        held_sets: Counter[int] = Counter()
        held_retail: Counter[int] = Counter()
        for order in orders.values():
            if order.stock_released:
                assert order.state in ("expired", "cancelled"), (order.id, order.state)
                continue
            draws = draws_of(order)
            held_units.update(draws.dish_units)
            held_sets.update(draws.set_meals)
            held_retail.update(draws.retail)
        mismatched = []
        for row in session.scalars(sa.select(DishStock).where(DishStock.meal_service_id == menu["meal_service"])):
            if row.remaining_units + held_units[row.id] != row.planned_units:
                mismatched.append(f"dish {row.dish_id}: {row.remaining_units} left + {held_units[row.id]} held "
                                  f"!= {row.planned_units} planned")
        for row in session.scalars(sa.select(SetMealStock)):
            if row.remaining + held_sets[row.id] != row.daily_limit:
                mismatched.append(f"set meal: {row.remaining} left + {held_sets[row.id]} held != {row.daily_limit}")
        beans = session.get(RetailItem, menu["beans"])
        if beans.stock_remaining + held_retail[beans.id] != RETAIL:
            mismatched.append(f"beans: {beans.stock_remaining} left + {held_retail[beans.id]} held != {RETAIL}")
        if mismatched:
            mismatched += [f"order {o.id} {o.state} released={o.stock_released} ack={o.id in tally.orders} "
                           f"created={o.created_at:%H:%M:%S.%f} updated={o.updated_at:%H:%M:%S.%f} "
                           f"draws={draws_of(o).dish_units} {draws_of(o).set_meals} {draws_of(o).retail}"
                           for o in orders.values()]
        figures["stock mismatches"] = mismatched
        figures["stock + sold = planned"] = "holds for every dish, set meal and retail good" if not mismatched else "NO"
        figures["orders expired by the tick"] = sum(1 for o in orders.values() if o.state == "expired")

        # payments: one succeeded payment per paid order, and every acknowledged one is there
        succeeded = Counter(p.order_id for p in session.scalars(sa.select(Payment).where(Payment.state == "succeeded")))
        figures["payments acknowledged"] = len(tally.paid)
        for order_id, payment in tally.paid.items():
            assert succeeded[order_id] >= 1 and orders[order_id].state in ("paid", "collected"), (order_id, payment)
        figures["payments doubled"] = sum(1 for n in succeeded.values() if n > 1)
        for order in orders.values():
            if order.state in ("paid", "collected"):
                assert succeeded[order.id] == 1, order.id
        # meal cards: one charge per payment, balance = ledger, money out = what the paid orders cost
        charges = Counter(e.payment_id for e in session.scalars(sa.select(MealCardEntry).where(MealCardEntry.amount_fen < 0)))
        figures["meal-card charges doubled"] = sum(1 for n in charges.values() if n > 1)
        card_payments = {p.id: p for p in session.scalars(sa.select(Payment).where(Payment.provider == "meal_card",
                                                                                    Payment.state == "succeeded"))}
        assert set(charges) == set(card_payments)
        for card in session.scalars(sa.select(MealCard)):
            ledger = session.scalar(sa.select(sa.func.sum(MealCardEntry.amount_fen)).where(MealCardEntry.card_id == card.id))
            spent = sum(p.amount_fen for p in card_payments.values() if p.diner_id == card.diner_id)
            assert card.balance_fen == ledger == TOP_UP_FEN - spent, card.diner_id

        # events out: every complaint has its event; every one delivered, none dead
        complaints = {f.id: f for f in session.scalars(sa.select(Feedback).where(Feedback.is_complaint.is_(True)))}
        assert set(tally.complaints) <= set(complaints)
        figures["complaints acknowledged"] = len(tally.complaints)
        canteen_events = {e.id: e for e in session.scalars(sa.select(state.models.OutboxEvent).where(
            state.models.OutboxEvent.event_type == "canteen.feedback.food_safety"))}
        assert {f.complaint_event_id for f in complaints.values()} == set(canteen_events)
        deliveries = Counter(d.status for d in session.scalars(sa.select(state.models.OutboxDelivery)))
        attempts = Counter(d.attempts for d in session.scalars(sa.select(state.models.OutboxDelivery)))
        assert set(deliveries) <= {"delivered"}, deliveries
        canteen_inbox = set(session.scalars(sa.select(state.models.InboxEvent.id)))
    with cases_app.app_context():
        cstate = cases_app.extensions["linli"]
        csession = cstate.db.session
        cases_by_ref = Counter(csession.scalars(sa.select(Case.source_ref).where(Case.source == "event")))
        cases_inbox = set(csession.scalars(sa.select(cstate.models.InboxEvent.id)))
        opened = {e.id: e.payload for e in csession.scalars(sa.select(cstate.models.OutboxEvent).where(
            cstate.models.OutboxEvent.event_type == "cases.case.opened"))}
        cdeliveries = Counter(d.status for d in csession.scalars(sa.select(cstate.models.OutboxDelivery)))
        attempts += Counter(d.attempts for d in csession.scalars(sa.select(cstate.models.OutboxDelivery)))
        assert set(cdeliveries) <= {"delivered"}, cdeliveries
        references = dict(csession.execute(sa.select(Case.source_ref, Case.reference).where(Case.source == "event")).all())
    lost = [e for e in canteen_events if cases_by_ref[e] == 0 or e not in cases_inbox]
    lost += [e for e in opened if e not in canteen_inbox]
    duplicated = [ref for ref, n in cases_by_ref.items() if n > 1] + [ref for ref in cases_by_ref if ref not in canteen_events]
    answers = Counter(payload["source_ref"] for payload in opened.values())
    duplicated += [ref for ref, n in answers.items() if n > 1]
    for feedback in complaints.values():  # the answer came back: each complaint taken up by its own case
        event_id = feedback.complaint_event_id
        if event_id in references and (feedback.complaint_state != "taken_up"
                                       or feedback.case_reference != references[event_id]):
            lost.append(f"answer to {event_id}")
    figures["events sent (canteen -> cases, cases -> canteen)"] = (len(canteen_events), len(opened))
    figures["events lost"], figures["events duplicated"] = len(lost), len(duplicated)
    figures["deliveries (canteen, cases)"] = (dict(deliveries), dict(cdeliveries))
    figures["delivery attempts (attempts: deliveries)"] = dict(sorted(attempts.items()))
    figures["checked at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return figures
