"""Order placement through the full canteen stack vs the same transaction in plain SQL.

Both run under gunicorn with the same settings on the same PostgreSQL database; 16 clients all order
the same popular dishes (hot stock rows): a half portion, a full portion and a set meal with its
choices (a cash order: it waits for the counter). The baseline is a bare Flask route doing the same
transaction with psycopg: read the prices, one conditional UPDATE per stock row in id order, the
pickup number, order and lines in one statement, COMMIT — the statements of the canteen's PostgreSQL
path (``linli.canteen.orders.fastpath``), sent with the same psycopg pipelining. Then the menu of the day: GET, GET with
If-None-Match (304), beside a bare JSON route reading the same rows. Run:

    uv run python tests/load/orders.py [--clients 16] [--seconds 12] [--workers 4 --threads 4]

Targets: orders/s ≥ 0.6 × baseline and p99 ≤ 2 × baseline; menu GET ≥ 0.5 ×, 304 ≥ 0.8 × the bare route.
Needs PostgreSQL (LINLI_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PG_ADMIN_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


# --- the baseline: a bare Flask app, plain SQL with psycopg (gunicorn target "orders:baseline_app()") -----


def baseline_app():
    from flask import Flask, jsonify, request

    dsn = os.environ["BASELINE_DSN"]
    local = threading.local()
    app = Flask("baseline")

    def conn() -> psycopg.Connection:
        if getattr(local, "conn", None) is None or local.conn.closed:
            local.conn = psycopg.connect(dsn)
        return local.conn

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/orders")
    def place():
        # the same statements as the canteen's PostgreSQL path (linli.canteen.orders.fastpath), same pipelining
        from linli.canteen.orders.fastpath import DISH_UPDATE, ORDER_INSERT, SET_MEAL_UPDATE

        body = request.get_json()
        c = conn()
        try:
            set_ids = [ln["set_meal_id"] for ln in body["lines"] if ln["kind"] == "set_meal"]
            with c.pipeline():
                ms_cur, dish_cur, set_cur = c.cursor(), c.cursor(), c.cursor()
                ms_cur.execute("SELECT id, community_id, service_date, kind, starts_at, ends_at, order_cutoff_at, "
                               "dine_in, takeaway FROM canteen_meal_service WHERE id = %s", (body["meal_service_id"],))
                dish_cur.execute("SELECT s.id, d.id, d.name_zh, d.name_en, d.full_price_fen, d.half_price_fen "
                                 "FROM canteen_dish_stock s JOIN canteen_dish d ON d.id = s.dish_id "
                                 "WHERE s.meal_service_id = %s AND d.active", (body["meal_service_id"],))
                set_cur.execute("SELECT s.id, m.id, m.name_zh, m.name_en, m.price_fen, g.id, g.choose, o.dish_id, "
                                "o.portion FROM canteen_set_meal_stock s JOIN canteen_set_meal m ON m.id = s.set_meal_id "
                                "JOIN canteen_set_meal_group g ON g.set_meal_id = m.id JOIN canteen_set_meal_option o "
                                "ON o.group_id = g.id WHERE s.meal_service_id = %s AND s.set_meal_id = ANY(%s) "
                                "AND m.active ORDER BY g.position, o.id", (body["meal_service_id"], set_ids))
            ms_id, community, day = ms_cur.fetchone()[:3]
            dishes = {row[1]: row for row in dish_cur.fetchall()}
            options = set_cur.fetchall()
            draws: dict[int, int] = {}
            set_draws: dict[int, int] = {}
            lines = []
            for ln in body["lines"]:
                q = ln.get("quantity", 1)
                if ln["kind"] == "dish":
                    d = dishes[ln["dish_id"]]
                    half = ln.get("portion") == "half"
                    price = d[5] if half else d[4]
                    draws[d[0]] = draws.get(d[0], 0) + (1 if half else 2) * q
                    lines.append({"kind": "dish", "dish_id": d[1], "portion": "half" if half else "full",
                                  "choices": [], "name_zh": d[2], "name_en": d[3], "quantity": q,
                                  "unit_price_fen": price, "line_total_fen": price * q})
                else:
                    mine = [o for o in options if o[1] == ln["set_meal_id"]]
                    portions = {o[7]: o[8] for o in mine}
                    choices = []
                    for dish_id in ln["choices"]:
                        d = dishes[dish_id]
                        draws[d[0]] = draws.get(d[0], 0) + (1 if portions[dish_id] == "half" else 2) * q
                        choices.append({"dish_id": dish_id, "portion": portions[dish_id]})
                    set_draws[mine[0][0]] = set_draws.get(mine[0][0], 0) + q
                    lines.append({"kind": "set_meal", "set_meal_id": ln["set_meal_id"], "choices": choices,
                                  "name_zh": mine[0][2], "name_en": mine[0][3], "quantity": q,
                                  "unit_price_fen": mine[0][4], "line_total_fen": mine[0][4] * q})
            total = sum(ln["line_total_fen"] for ln in lines)
            now = dt.datetime.now(dt.UTC)
            checks = []
            with c.pipeline():
                for statement, rows in ((DISH_UPDATE, draws), (SET_MEAL_UPDATE, set_draws)):
                    for stock_id in sorted(rows):
                        cur = c.cursor()
                        cur.execute(statement, {"id": stock_id, "n": rows[stock_id]})
                        checks.append(cur)
                insert = c.cursor()
                insert.execute(ORDER_INSERT, {
                    "community_id": community, "diner_id": None, "meal_service_id": ms_id, "channel": "kiosk",
                    "mode": "dine_in", "pickup_date": day, "pickup_ref": uuid.uuid4().hex[:16], "pickup_time": None,
                    "state": "pending_payment", "subtotal_fen": total, "adjustments_fen": 0, "total_fen": total,
                    "currency": "CNY", "note": "", "expires_at": now + dt.timedelta(minutes=10),
                    "stock_released": False, "created_at": now, "updated_at": now,
                    "lines": json.dumps([{**ln, "pos": i} for i, ln in enumerate(lines)], ensure_ascii=False)})
            if any(cur.rowcount != 1 for cur in checks):
                c.rollback()
                return jsonify(code="sold_out"), 409
            order_id, number, _line_ids = insert.fetchone()
            c.commit()
        except Exception:
            c.rollback()
            raise
        return jsonify(id=order_id, pickup_number=number, total_fen=total), 201

    @app.get("/menu/<community_id>/<day>")
    def menu(community_id, day):
        c = conn()
        with c.cursor() as cur:
            cur.execute("SELECT id, kind, starts_at, ends_at, order_cutoff_at FROM canteen_meal_service "
                        "WHERE community_id = %s AND service_date = %s ORDER BY starts_at", (community_id, day))
            services = [{"id": r[0], "kind": r[1], "starts_at": r[2].isoformat(), "ends_at": r[3].isoformat(),
                         "order_cutoff_at": r[4].isoformat(), "dishes": [], "set_meals": []} for r in cur.fetchall()]
            ids = [s["id"] for s in services]
            by_id = {s["id"]: s for s in services}
            cur.execute("SELECT s.meal_service_id, d.id, d.code, d.name_zh, d.name_en, d.description_zh, "
                        "d.description_en, d.category, d.allergens, d.tags, d.photo_url, d.full_price_fen, "
                        "d.half_price_fen, s.remaining_units FROM canteen_dish_stock s JOIN canteen_dish d "
                        "ON d.id = s.dish_id WHERE s.meal_service_id = ANY(%s) ORDER BY s.position, d.id", (ids,))
            for r in cur.fetchall():
                by_id[r[0]]["dishes"].append({
                    "id": r[1], "code": r[2], "name_zh": r[3], "name_en": r[4], "description_zh": r[5],
                    "description_en": r[6], "category": r[7], "allergens": r[8], "tags": r[9], "photo_url": r[10],
                    "full": {"price_fen": r[11], "available": r[13] // 2},
                    "half": {"price_fen": r[12], "available": r[13]} if r[12] is not None else None})
            cur.execute("SELECT s.meal_service_id, m.id, m.name_zh, m.name_en, m.price_fen, s.remaining, o.dish_id, "
                        "o.portion, g.id, g.choose FROM canteen_set_meal_stock s JOIN canteen_set_meal m ON "
                        "m.id = s.set_meal_id JOIN canteen_set_meal_group g ON g.set_meal_id = m.id JOIN "
                        "canteen_set_meal_option o ON o.group_id = g.id WHERE s.meal_service_id = ANY(%s)", (ids,))
            for r in cur.fetchall():
                meals = by_id[r[0]]["set_meals"]
                if not meals or meals[-1]["id"] != r[1]:
                    meals.append({"id": r[1], "name_zh": r[2], "name_en": r[3], "price_fen": r[4],
                                  "remaining": r[5], "options": []})
                meals[-1]["options"].append({"dish_id": r[6], "portion": r[7], "group": r[8], "choose": r[9]})
            cur.execute("SELECT id, name_zh, name_en, price_fen, stock_remaining FROM canteen_retail_item "
                        "WHERE community_id = %s", (community_id,))
            retail = [{"id": r[0], "name_zh": r[1], "name_en": r[2], "price_fen": r[3], "stock_remaining": r[4]}
                      for r in cur.fetchall()]
        c.rollback()
        return jsonify(community_id=community_id, date=day, services=services, retail=retail)

    return app


# --- the driver --------------------------------------------------------------------------------


def measure(call: Callable[[requests.Session], int], clients: int, seconds: float, warmup: float = 2.0,
            expect: int = 201) -> dict[str, Any]:
    """``clients`` threads call in a loop; latencies of the calls that started after the warm-up."""
    stop_at = time.monotonic() + warmup + seconds
    measure_from = time.monotonic() + warmup
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(i: int) -> None:
        with requests.Session() as session:
            while True:
                started = time.monotonic()
                if started >= stop_at:
                    return
                status = call(session)
                if started >= measure_from:
                    if status == expect:
                        latencies[i].append(time.monotonic() - started)
                    else:
                        errors[i] += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    done = sorted(x for per in latencies for x in per)
    return summarise(done, seconds, sum(errors))


def summarise(done: list[float], seconds: float, errors: int) -> dict[str, Any]:
    if not done:
        return {"rate": 0.0, "p50": float("nan"), "p99": float("nan"), "n": 0, "errors": errors, "raw": []}
    return {"rate": len(done) / seconds, "p50": statistics.median(done) * 1000,
            "p99": done[min(len(done) - 1, int(len(done) * 0.99))] * 1000, "n": len(done), "errors": errors,
            "raw": done}


def combine(runs: list[dict[str, Any]], seconds_each: float) -> dict[str, Any]:
    return summarise(sorted(x for r in runs for x in r["raw"]), seconds_each * len(runs),
                     sum(r["errors"] for r in runs))


def row(name: str, m: dict[str, Any]) -> str:
    return f"{name:<34} {m['rate']:>9.1f}/s  p50 {m['p50']:>7.1f} ms  p99 {m['p99']:>7.1f} ms  n={m['n']}  errors={m['errors']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--menu-seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    from linli.canteen.app import create_app
    from linli.canteen.extensions import db
    from linli.canteen.orders.testing import FUTURE_DAY, make_menu
    from linli.shared.keys import ensure_signing_key
    from linli.shared.testing.live import start_live_server

    dbname = f"linli_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    dsn = f"{base}/{dbname}"
    sa_url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    workdir = Path(tempfile.mkdtemp(prefix="linli-load-"))
    servers = []
    try:
        var_dir = workdir / "var"
        var_dir.mkdir()
        ensure_signing_key(var_dir)
        communities = str(ROOT / "communities.toml")
        app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url, "LINLI_VAR_DIR": var_dir,
                          "LINLI_COMMUNITIES_FILE": communities, "LINLI_EVENT_SUBSCRIBERS": {}})
        with app.app_context():
            db.create_all()
            ids = make_menu(portions=5_000_000, set_meal_limit=5_000_000, retail_stock=100)
            db.engine.dispose()
        settings = {"workers": args.workers, "threads": args.threads, "timeout": 120.0}
        full = start_live_server("linli.canteen.app:create_app()", {
            "LINLI_CANTEEN_DATABASE_URL": sa_url, "LINLI_VAR_DIR": str(var_dir), "LINLI_COMMUNITIES_FILE": communities,
            "LINLI_EVENT_SUBSCRIBERS": "{}", "LINLI_LOG_LEVEL": "WARNING"}, workdir, **settings)
        servers.append(full)
        bare = start_live_server("orders:baseline_app()", {"BASELINE_DSN": dsn, "PYTHONPATH": str(HERE)}, workdir,
                                 **settings)
        servers.append(bare)

        lines = [{"kind": "dish", "dish_id": ids["pork"], "portion": "half"},
                 {"kind": "dish", "dish_id": ids["greens"]},
                 {"kind": "set_meal", "set_meal_id": ids["set_meal"], "choices": [ids["pork"], ids["egg"], ids["tofu"]]}]
        order = {"community_id": "north-bund", "meal_service_id": ids["meal_service"], "channel": "kiosk",
                 "lines": lines}
        full_url, bare_url = f"{full.url}/api/orders", f"{bare.url}/orders"
        # both must agree on the money before we time anything
        a = requests.post(full_url, json=order, timeout=30)
        b = requests.post(bare_url, json=order, timeout=30)
        assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
        assert a.json()["total_fen"] == b.json()["total_fen"] == 900 + 600 + 1500, (a.json(), b.json())

        print(f"PostgreSQL, gunicorn gthread workers={args.workers} threads={args.threads}, {args.clients} clients, "
              f"{args.seconds:g} s each (3 alternating rounds); order = half portion + full portion + set meal (3 choices), cash")
        # alternate the two so that the machine's other load falls on both alike
        rounds = 3
        part = args.seconds / rounds
        base_runs, full_runs = [], []
        for _ in range(rounds):
            base_runs.append(measure(lambda s: s.post(bare_url, json=order, timeout=60).status_code,
                                     args.clients, part, 1.0))
            full_runs.append(measure(lambda s: s.post(full_url, json=order, timeout=60).status_code,
                                     args.clients, part, 1.0))
        base_m, full_m = combine(base_runs, part), combine(full_runs, part)
        print(row("baseline (plain SQL, bare Flask)", base_m))
        print(row("full stack (POST /api/orders)", full_m))
        tp_ratio = full_m["rate"] / base_m["rate"] if base_m["rate"] else 0.0
        p99_ratio = full_m["p99"] / base_m["p99"] if base_m["p99"] else float("inf")
        print(f"orders/s ratio {tp_ratio:.2f} (target ≥ 0.6)   p99 ratio {p99_ratio:.2f} (target ≤ 2)")

        menu_url = f"{full.url}/api/communities/north-bund/menu?date={FUTURE_DAY}"
        etag = requests.get(menu_url, timeout=30).headers["ETag"]
        bare_menu = f"{bare.url}/menu/north-bund/{FUTURE_DAY}"
        assert requests.get(bare_menu, timeout=30).status_code == 200
        runs: dict[str, list[dict[str, float]]] = {"bare": [], "get": [], "304": []}
        part = args.menu_seconds / 2
        for _ in range(2):
            runs["bare"].append(measure(lambda s: s.get(bare_menu, timeout=60).status_code, args.clients, part,
                                        0.5, 200))
            runs["get"].append(measure(lambda s: s.get(menu_url, timeout=60).status_code, args.clients, part,
                                       0.5, 200))
            runs["304"].append(measure(lambda s: s.get(menu_url, headers={"If-None-Match": etag},
                                                       timeout=60).status_code, args.clients, part, 0.5, 304))
        mb, mg, m304 = (combine(runs[k], part) for k in ("bare", "get", "304"))
        print(row("bare JSON menu route", mb))
        print(row("menu of the day GET", mg))
        print(row("menu of the day GET → 304", m304))
        get_ratio, nm_ratio = mg["rate"] / mb["rate"], m304["rate"] / mb["rate"]
        print(f"menu GET ratio {get_ratio:.2f} (target ≥ 0.5)   304 ratio {nm_ratio:.2f} (target ≥ 0.8)")
        with psycopg.connect(dsn) as check:
            negative = check.execute("SELECT count(*) FROM canteen_dish_stock WHERE remaining_units < 0").fetchone()
            orders_n = check.execute("SELECT count(*) FROM canteen_order").fetchone()
        print(f"orders written: {orders_n[0]}, negative stock rows: {negative[0]}")
        ok = tp_ratio >= 0.6 and p99_ratio <= 2 and get_ratio >= 0.5 and nm_ratio >= 0.8
        print("targets:", "met" if ok else "MISSED")
        return 0 if ok else 1
    finally:
        for server in servers:
            server.stop()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
