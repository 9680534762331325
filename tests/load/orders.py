"""Order placement through the full canteen stack vs the same transaction in plain SQL.

Both run under gunicorn with the same settings on the same PostgreSQL database; all connections order
the same popular dishes (hot stock rows): a half portion, a full portion and a set meal with its
choices (a cash order: it waits for the counter). The baseline is a bare Flask route doing the same
transaction with psycopg: read the prices, one conditional UPDATE per stock row in id order, the
pickup number, order and lines in one statement, COMMIT — the statements of the canteen's PostgreSQL
path (``linli.canteen.orders.fastpath``), sent with the same psycopg pipelining. Then the menu of the
day: GET, GET with If-None-Match (304), beside a bare JSON route reading the same rows.

The load comes from Debian's wrk (tests/load/wrk/request.lua; installed when missing, as root): every
order a distinct body and, to the full stack, a distinct Idempotency-Key, as a kiosk sends; wrk's own
CPU share is printed beside each figure. Baseline and full stack alternate in rounds so the machine's
other load falls on both alike; the load average is printed. Then: RSS (and Pss) per worker, database
round trips per request (a counting loopback proxy: pg_stat_statements needs shared_preload_libraries),
and a py-spy profile (``uv tool run py-spy``, GIL samples) of one full-stack worker under load. Run:

    make bench                                  # = uv run python tests/load/orders.py
    uv run python tests/load/orders.py [--connections 16,64] [--seconds 12] [--rounds 3] [--profile 10]

Targets (at the first connection count): orders/s ≥ 0.9 × baseline, p99 ≤ 1.2 × baseline, RSS per
worker < 120 MB. Without wrk it falls back to the Python-threads driver (``--python-driver``) with a
warning: that driver shares the cores with the servers and caps both sides near the same rate.
Needs PostgreSQL (LINLI_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrkbench import (
    CORES,
    Result,
    RoundTripProxy,
    children,
    ensure_wrk,
    load_average,
    measure,
    memory_kb,
    py_spy_command,
    short,
    top_frames,
)
from wrkbench import (
    combine as wrk_combine,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PG_ADMIN_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


# --- the baseline: a bare Flask app, plain SQL with psycopg (gunicorn target "orders:baseline_app()") -----


def baseline_app():
    from flask import Flask, jsonify, request

    # the same statements as the canteen's PostgreSQL path (linli.canteen.orders.fastpath), same pipelining;
    # imported here, so in gunicorn's preloading master, not on the first request
    from linli.canteen.orders.fastpath import DISH_UPDATE, ORDER_INSERT, SET_MEAL_UPDATE

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
                    "currency": "CNY", "note": body.get("note", ""), "expires_at": now + dt.timedelta(minutes=10),
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


def py_measure(call: Callable[[requests.Session], int], clients: int, seconds: float, warmup: float = 2.0,
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


def settled_etag(menu_url: str) -> str:
    """The menu's ETag once the orders still queued in the server when the generator stopped are done
    (each changes the stock the menu shows, so its ETag)."""
    etag = requests.get(menu_url, timeout=30).headers["ETag"]
    for _ in range(60):
        time.sleep(1.0)
        again = requests.get(menu_url, timeout=30).headers["ETag"]
        if again == etag:
            return etag
        etag = again
    return etag


def workers_of(master: int, count: int) -> list[int]:
    """The gunicorn master's worker processes, once all have forked."""
    deadline = time.monotonic() + 30
    while len(found := children(master)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def order_body(ids: dict[str, int], note: str = "") -> dict[str, Any]:
    lines = [{"kind": "dish", "dish_id": ids["pork"], "portion": "half"},
             {"kind": "dish", "dish_id": ids["greens"]},
             {"kind": "set_meal", "set_meal_id": ids["set_meal"], "choices": [ids["pork"], ids["egg"], ids["tofu"]]}]
    return {"community_id": "north-bund", "meal_service_id": ids["meal_service"], "channel": "kiosk",
            "lines": lines, "note": note}


def python_fallback(args: argparse.Namespace, full_url: str, bare_url: str, menu_url: str, bare_menu: str,
                    ids: dict[str, int]) -> None:
    """The old driver (Python threads): its own CPU competes with the servers, so ratios read high."""
    print("WARNING: wrk is not available (install Debian's wrk as root); falling back to the Python-threads "
          "driver, which shares the 2 cores with the servers and caps both sides near the same rate: "
          "the figures below understate the server and the ratio says little.", flush=True)
    clients = args.connections[0]

    def post(url: str, keyed: bool) -> Callable[[requests.Session], int]:
        def call(session: requests.Session) -> int:
            key = uuid.uuid4().hex
            headers = {"Idempotency-Key": key} if keyed else {}
            return session.post(url, json=order_body(ids, key), headers=headers, timeout=60).status_code
        return call

    part = args.seconds / args.rounds
    base_runs, full_runs = [], []
    for _ in range(args.rounds):
        base_runs.append(py_measure(post(bare_url, False), clients, part, 1.0))
        full_runs.append(py_measure(post(full_url, True), clients, part, 1.0))
    base_m, full_m = combine(base_runs, part), combine(full_runs, part)
    print(row(f"baseline c={clients} (python driver)", base_m))
    print(row(f"full stack c={clients} (python driver)", full_m))
    if base_m["rate"]:
        print(f"orders/s ratio {full_m['rate'] / base_m['rate']:.2f}")
    etag = settled_etag(menu_url)
    for name, call, expect in (("bare JSON menu route", lambda s: s.get(bare_menu, timeout=60).status_code, 200),
                               ("menu of the day GET", lambda s: s.get(menu_url, timeout=60).status_code, 200),
                               ("menu GET → 304", lambda s: s.get(menu_url, headers={"If-None-Match": etag},
                                                                  timeout=60).status_code, 304)):
        print(row(name, py_measure(call, clients, args.menu_seconds / 2, 0.5, expect)))


def round_trips(workdir: Path, full_env: dict[str, str], bare_env: dict[str, str], ids: dict[str, int],
                menu_path: str, bare_menu_path: str, n: int) -> dict[str, float]:
    """Database round trips per request, counted by a loopback proxy in front of PostgreSQL; one worker,
    one thread each, requests one after the other (the pool's connect and warm-up are not counted)."""
    from urllib.parse import urlsplit

    from linli.shared.testing.live import start_live_server

    target = urlsplit(PG_ADMIN_URL)
    proxy = RoundTripProxy(target.hostname or "127.0.0.1", target.port or 5432)
    via = f"127.0.0.1:{proxy.port}"

    def proxied(url: str) -> str:
        parts = urlsplit(url)
        return url.replace(parts.netloc, f"{parts.username}@{via}" if parts.username else via, 1)

    full = start_live_server("linli.canteen.app:create_app()", {
        **full_env, "LINLI_CANTEEN_DATABASE_URL": proxied(full_env["LINLI_CANTEEN_DATABASE_URL"])},
        workdir, workers=1, threads=1)
    bare = start_live_server("orders:baseline_app()", {**bare_env, "BASELINE_DSN": proxied(bare_env["BASELINE_DSN"])},
                             workdir, workers=1, threads=1)
    out: dict[str, float] = {}
    try:
        with requests.Session() as session:
            for name, send in (
                ("full stack order (with Idempotency-Key)", lambda k: session.post(
                    f"{full.url}/api/orders", json=order_body(ids, k), headers={"Idempotency-Key": k}, timeout=30)),
                ("full stack order (no key)", lambda k: session.post(
                    f"{full.url}/api/orders", json=order_body(ids, k), timeout=30)),
                ("baseline order", lambda k: session.post(f"{bare.url}/orders", json=order_body(ids, k), timeout=30)),
                ("menu GET", lambda k: session.get(f"{full.url}{menu_path}", timeout=30)),
                ("bare menu route", lambda k: session.get(f"{bare.url}{bare_menu_path}", timeout=30)),
            ):
                for _ in range(3):
                    send(uuid.uuid4().hex)
                time.sleep(0.2)
                proxy.reset()
                for _ in range(n):
                    response = send(uuid.uuid4().hex)
                    assert response.status_code in (200, 201), response.text
                time.sleep(0.2)
                out[name] = proxy.count / n
            etag = session.get(f"{full.url}{menu_path}", timeout=30).headers["ETag"]
            proxy.reset()
            for _ in range(n):
                assert session.get(f"{full.url}{menu_path}", headers={"If-None-Match": etag},
                                   timeout=30).status_code == 304
            time.sleep(0.2)
            out["menu GET → 304"] = proxy.count / n
    finally:
        full.stop()
        bare.stop()
        proxy.close()
    return out


def profile_worker(wrk: str, url: str, body: str, server_pids: list[int], seconds: float, connections: int,
                   workdir: Path) -> str | None:
    """py-spy samples one gunicorn worker of the full stack while wrk drives orders; prints the top frames."""
    spy = py_spy_command()
    if spy is None:
        return "py-spy is not available (uv tool run py-spy failed): no profile"
    out = workdir / "profile.txt"
    holder: dict[str, Any] = {}

    def drive() -> None:
        holder["run"] = measure(wrk, url, connections=connections, seconds=seconds + 2, server_pids=server_pids,
                                method="POST", body=body, keyed=True)

    thread = threading.Thread(target=drive)
    thread.start()
    time.sleep(1)
    spied = subprocess.run([*spy, "record", "--pid", str(server_pids[0]), "--duration", str(int(seconds)),
                            "--rate", "97", "--format", "raw", "--output", str(out), "--nonblocking", "--gil"],
                           capture_output=True, check=False)
    thread.join()
    if spied.returncode != 0 or not out.exists():
        return f"py-spy failed: {spied.stderr.decode()[-800:]}"
    inclusive, own = top_frames(out.read_text(), 22)
    lines = [f"profile of one full-stack worker (pid {server_pids[0]}), py-spy {seconds:g} s at c={connections}, "
             f"{holder['run']['requests'] / (holder['run']['duration_us'] / 1e6):.0f} orders/s overall meanwhile",
             "  inclusive (share of the samples of the thread holding the GIL, i.e. of the worker's Python CPU, "
             "in which the frame is on the stack):"]
    lines += [f"    {share * 100:5.1f}%  {short(frame)}" for frame, share in inclusive]
    lines.append("  self (where the samples' innermost frame was):")
    lines += [f"    {share * 100:5.1f}%  {short(frame)}" for frame, share in own[:15]]
    return "\n".join(lines)


def _best_ms(batch: Callable[[int], None], n: int, batches: int = 7) -> float:
    """CPU milliseconds per call: the best of ``batches`` batches of ``n`` (the machine's noise only adds)."""
    best = float("inf")
    for _ in range(batches):
        started = time.process_time()
        batch(n)
        best = min(best, (time.process_time() - started) / n * 1000)
    return best


def cpu_per_order(full_env: dict[str, str], dsn: str, ids: dict[str, int], n: int) -> list[str]:
    """Where the full stack's CPU per order goes, layer by layer, in this process (Flask test clients,
    one order after another; best of 7 batches): what the load can't blur on a shared machine. Then
    cProfile's top functions by own time (cProfile inflates call-heavy code; the layers are the figure)."""
    import cProfile
    import io
    import pstats

    from flask import Flask

    from linli.canteen.app import create_app
    from linli.canteen.orders import service
    from linli.canteen.orders.schemas import OrderCreateSchema, OrderSchema

    os.environ.update(full_env)
    os.environ["BASELINE_DSN"] = dsn
    app = create_app()
    full, bare = app.test_client(), baseline_app().test_client()
    empty = Flask("empty")
    empty.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    empty_client = empty.test_client()

    def orders(client: Any, path: str, keyed: bool) -> Callable[[int], None]:
        def batch(count: int) -> None:
            for _ in range(count):
                key = uuid.uuid4().hex
                response = client.post(path, json=order_body(ids, key), headers={"Idempotency-Key": key} if keyed else {})
                assert response.status_code == 201, response.get_data(as_text=True)
        return batch

    def gets(client: Any) -> Callable[[int], None]:
        def batch(count: int) -> None:
            for _ in range(count):
                client.get("/healthz")
        return batch

    create_schema, order_schema = OrderCreateSchema(), OrderSchema()
    with app.test_request_context():
        placed = service.place_order(None, **create_schema.load(order_body(ids, "warm")))

        def domain(count: int) -> None:  # pricing, the plugin hook, the statements, commit, the answer's objects
            for _ in range(count):
                service.place_order(None, **create_schema.load(order_body(ids, "x")))

        def schemas(count: int) -> None:
            for _ in range(count):
                create_schema.load(order_body(ids, "x"))
                json.dumps(order_schema.dump(placed), default=str)

        for batch in (orders(bare, "/orders", False), orders(full, "/api/orders", True),
                      orders(full, "/api/orders", False), gets(full), gets(empty_client)):
            batch(20)  # warm: compiled and prepared statements, the pool
        timings = {"baseline": _best_ms(orders(bare, "/orders", False), n),
                   "full": _best_ms(orders(full, "/api/orders", True), n),
                   "unkeyed": _best_ms(orders(full, "/api/orders", False), n),
                   "domain": _best_ms(domain, n),
                   "schemas": _best_ms(schemas, n),
                   "hooks_get": _best_ms(gets(full), n * 4),
                   "empty_get": _best_ms(gets(empty_client), n * 4)}
    t = timings
    rows = [("baseline: bare Flask route, the same statements", t["baseline"]),
            ("full stack POST /api/orders with an Idempotency-Key", t["full"]),
            ("  of which the Idempotency-Key (claim + store; keyed - unkeyed)", t["full"] - t["unkeyed"]),
            ("  of which the order itself (service.place_order, no HTTP)", t["domain"]),
            ("  of which the body's schema + the answer's schema and JSON", t["schemas"]),
            ("  of which the per-request hooks (GET /healthz: full app - empty Flask)", t["hooks_get"] - t["empty_get"]),
            ("  the rest (routing, flask-smorest, test client, POST-only checks)",
             t["unkeyed"] - t["domain"] - t["schemas"] - (t["hooks_get"] - t["empty_get"]))]
    out = [f"-- CPU per order in one process, layer by layer (best of 7 batches of {n}; {t['full'] / t['baseline']:.2f} × "
           "the baseline)"]
    out += [f"   {name:<74} {ms:6.2f} ms" for name, ms in rows]
    profiler = cProfile.Profile(time.process_time)  # CPU time: waits on the database do not count
    profiler.enable()
    orders(full, "/api/orders", True)(n)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    lines = [ln for ln in text.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    out.append(f"   full stack, cProfile top by own time ({n} orders; seconds per run, not per order):")
    for ln in lines[start:start + 16]:
        for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
            ln = ln.replace(ln[ln.find("/"):ln.find(marker) + len(marker)], "") if marker in ln else ln
        out.append(f"     {ln}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=lambda s: [int(x) for x in s.split(",")], default=[16, 64],
                        help="comma-separated connection counts (default 16,64); the targets are judged at the first")
    parser.add_argument("--seconds", type=float, default=12.0, help="per side and connection count, split in rounds")
    parser.add_argument("--rounds", type=int, default=3, help="baseline and full stack alternate this many times")
    parser.add_argument("--menu-seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile", type=float, default=10.0, help="py-spy seconds on one worker (0: no profile)")
    parser.add_argument("--round-trip-requests", type=int, default=20)
    parser.add_argument("--cpu-orders", type=int, default=300, help="orders for the in-process CPU profile (0: none)")
    parser.add_argument("--python-driver", action="store_true", help="use the old Python-threads driver")
    args = parser.parse_args(argv)

    from linli.canteen.app import create_app
    from linli.canteen.extensions import db
    from linli.canteen.orders.testing import FUTURE_DAY, make_menu
    from linli.shared.keys import ensure_signing_key
    from linli.shared.testing.live import start_live_server

    wrk = None if args.python_driver else ensure_wrk()
    dbname = f"linli_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
        pg_version = admin.execute("SHOW server_version").fetchone()[0]
        preload = admin.execute("SHOW shared_preload_libraries").fetchone()[0]
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
                          "LINLI_COMMUNITIES_FILE": communities, "LINLI_EVENT_SUBSCRIBERS": {},
                          "LINLI_LOG_LEVEL": "WARNING"})  # logging is set up once per process: as the servers have it
        with app.app_context():
            db.create_all()
            ids = make_menu(portions=50_000_000, set_meal_limit=50_000_000, retail_stock=100)
            db.engine.dispose()
        settings = {"workers": args.workers, "threads": args.threads, "timeout": 120.0}
        full_env = {"LINLI_CANTEEN_DATABASE_URL": sa_url, "LINLI_VAR_DIR": str(var_dir),
                    "LINLI_COMMUNITIES_FILE": communities, "LINLI_EVENT_SUBSCRIBERS": "{}", "LINLI_LOG_LEVEL": "WARNING",
                    # one loopback caller places every order: a limit no run reaches (the check itself still runs)
                    "LINLI_ORDER_RATE_LIMIT": "1000000 per second"}
        os.environ["LINLI_ORDER_RATE_LIMIT"] = full_env["LINLI_ORDER_RATE_LIMIT"]  # the in-process CPU run too
        bare_env = {"BASELINE_DSN": dsn, "PYTHONPATH": str(HERE)}
        full = start_live_server("linli.canteen.app:create_app()", full_env, workdir, **settings)
        servers.append(full)
        bare = start_live_server("orders:baseline_app()", bare_env, workdir, **settings)
        servers.append(bare)
        full_pids, bare_pids = workers_of(full.process.pid, args.workers), workers_of(bare.process.pid, args.workers)

        full_url, bare_url = f"{full.url}/api/orders", f"{bare.url}/orders"
        # both must agree on the money before we time anything
        key = uuid.uuid4().hex
        a = requests.post(full_url, json=order_body(ids, key), headers={"Idempotency-Key": key}, timeout=120)
        b = requests.post(bare_url, json=order_body(ids, key), timeout=120)
        assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
        # the subtotal: a community plugin may add a price adjustment (north-bund's set-meal offer) on the full stack
        assert a.json()["subtotal_fen"] == b.json()["total_fen"] == 900 + 600 + 1500, (a.json(), b.json())
        menu_path = f"/api/communities/north-bund/menu?date={FUTURE_DAY}"
        bare_menu_path = f"/menu/north-bund/{FUTURE_DAY}"
        menu_url, bare_menu = f"{full.url}{menu_path}", f"{bare.url}{bare_menu_path}"
        assert requests.get(bare_menu, timeout=30).status_code == 200

        print(f"PostgreSQL {pg_version}, gunicorn gthread workers={args.workers} threads={args.threads} per side; "
              f"order = half portion + full portion + set meal (3 choices), kiosk, cash; each request a distinct "
              f"body (note) and, for the full stack, a distinct Idempotency-Key")
        print(f"start: {load_average()}", flush=True)
        if wrk is None:
            python_fallback(args, full_url, bare_url, menu_url, bare_menu, ids)
            return 1
        version = subprocess.run([wrk, "--version"], capture_output=True, check=False)
        print(f"generator: {(version.stdout or version.stderr).decode().splitlines()[0]} (Lua script "
              f"tests/load/wrk/request.lua); wrk cpu = its CPU seconds / wall seconds (100% = one of {CORES} cores)")
        body = json.dumps(order_body(ids, "__KEY__"))
        figures: dict[int, tuple[Result, Result]] = {}
        for conns in args.connections:
            part = args.seconds / args.rounds
            measure(wrk, bare_url, connections=conns, seconds=2, server_pids=bare_pids, method="POST", body=body)
            measure(wrk, full_url, connections=conns, seconds=2, server_pids=full_pids, method="POST", body=body,
                    keyed=True)
            base_runs, full_runs = [], []
            for _ in range(args.rounds):  # alternate: the machine's other load falls on both alike
                base_runs.append(measure(wrk, bare_url, connections=conns, seconds=part, server_pids=bare_pids,
                                         method="POST", body=body))
                full_runs.append(measure(wrk, full_url, connections=conns, seconds=part, server_pids=full_pids,
                                         method="POST", body=body, keyed=True))
            base_m, full_m = wrk_combine(base_runs, 201), wrk_combine(full_runs, 201)
            figures[conns] = (base_m, full_m)
            print(f"-- orders, {conns} connections, {args.rounds} alternating rounds of {part:g} s each "
                  f"(p50/p99: median of the rounds); {load_average()}")
            print(base_m.row("baseline (plain SQL, bare Flask)"))
            print(full_m.row("full stack (POST /api/orders)"))
            print(f"   ratio orders/s {full_m.rate / base_m.rate if base_m.rate else 0:.2f}   "
                  f"p99 {full_m.p99_ms / base_m.p99_ms if base_m.p99_ms else float('inf'):.2f}", flush=True)

        conns = args.connections[0]
        part = args.menu_seconds / 2
        etag = settled_etag(menu_url)
        runs: dict[str, list[dict[str, Any]]] = {"bare": [], "get": [], "304": []}
        for _ in range(2):
            runs["bare"].append(measure(wrk, bare_menu, connections=conns, seconds=part, server_pids=bare_pids))
            runs["get"].append(measure(wrk, menu_url, connections=conns, seconds=part, server_pids=full_pids))
            runs["304"].append(measure(wrk, menu_url, connections=conns, seconds=part, server_pids=full_pids,
                                       header=f"If-None-Match: {etag}"))
        mb, mg, m304 = wrk_combine(runs["bare"], 200), wrk_combine(runs["get"], 200), wrk_combine(runs["304"], 304)
        print(f"-- menu of the day, {conns} connections, 2 alternating rounds of {part:g} s; {load_average()}")
        print(mb.row("bare JSON menu route"))
        print(mg.row("menu of the day GET"))
        print(m304.row("menu of the day GET → 304"))
        print(f"   ratio GET {mg.rate / mb.rate if mb.rate else 0:.2f}   304 {m304.rate / mb.rate if mb.rate else 0:.2f}")

        print("-- memory per gunicorn worker after the run (VmRSS; Pss = its fair share of pages shared after "
              "the preloaded fork)")
        worst_rss = 0.0
        for name, pids in (("full stack", full_pids), ("baseline", bare_pids)):
            cells = []
            for pid in pids:
                mem = memory_kb(pid)
                cells.append(f"{mem['rss'] / 1024:.0f} MB (Pss {mem.get('pss', 0) / 1024:.0f})")
                if name == "full stack":
                    worst_rss = max(worst_rss, mem["rss"] / 1024)
            print(f"   {name:<11} " + ", ".join(cells))

        profile = profile_worker(wrk, full_url, body, full_pids, args.profile, conns, workdir) if args.profile else None

        with psycopg.connect(dsn) as check:
            negative = check.execute("SELECT count(*) FROM canteen_dish_stock WHERE remaining_units < 0").fetchone()
            orders_n = check.execute("SELECT count(*) FROM canteen_order").fetchone()
            keys = check.execute("SELECT count(*), count(*) FILTER (WHERE state = 'done') "
                                 "FROM linli_idempotency_record").fetchone()
        for server in servers:
            server.stop()
        servers.clear()

        print(f"-- database round trips per request (loopback proxy; pg_stat_statements "
              f"{'preloaded' if 'pg_stat_statements' in preload else 'not in shared_preload_libraries'})")
        trips = round_trips(workdir, full_env, bare_env, ids, menu_path, bare_menu_path, args.round_trip_requests)
        for name, value in trips.items():
            print(f"   {name:<42} {value:.1f}")
        if profile:
            print(profile)
        if args.cpu_orders:
            print("\n".join(cpu_per_order(full_env, dsn, ids, args.cpu_orders)))
        print(f"orders written: {orders_n[0]}, negative stock rows: {negative[0]}, idempotency records: {keys[0]} "
              f"({keys[1]} done)")
        base16, full16 = figures[args.connections[0]]
        tp_ratio = full16.rate / base16.rate if base16.rate else 0.0
        p99_ratio = full16.p99_ms / base16.p99_ms if base16.p99_ms else float("inf")
        checks = {f"orders/s ≥ 0.9 × baseline at c={args.connections[0]} ({tp_ratio:.2f})": tp_ratio >= 0.9,
                  f"p99 ≤ 1.2 × baseline ({p99_ratio:.2f})": p99_ratio <= 1.2,
                  f"RSS per worker < 120 MB ({worst_rss:.0f})": worst_rss < 120,
                  "no negative stock": negative[0] == 0,
                  "wrk below half a core": all(r.generator_cpu < 0.5 for pair in figures.values() for r in pair)}
        for text, ok in checks.items():
            print(f"   {'met   ' if ok else 'MISSED'} {text}")
        print(f"end: {load_average()}")
        return 0 if all(checks.values()) else 1
    finally:
        for server in servers:
            server.stop()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
