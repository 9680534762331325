"""Case search over 1,000,000 cases and the daily clearance board of a community with 5,000 open
cases, on PostgreSQL, through the cases service's own query code (``casework.service.find_cases``,
``clearance.service.read_board``). A script that prints figures, not a test:

    uv run python tests/load/cases.py [--cases 1000000] [--open 5000] [--runs 200] [--sqlite]

Targets: search by words and filters p95 < 100 ms; the board p95 < 150 ms. The cases are made in
SQL (``generate_series``) from titles and places like the seeds' (parking, e-bike charging, stair
lights, property management ...), spread over two communities and three years; their
``search_text`` is computed by the same tokenizer the service uses (words and CJK bigrams), and the
GIN index over the stored ``search_vector`` is the migration's. ``--sqlite`` also times the
embedded engine on a 100,000-case copy (reported only; it searches with LIKE).
Needs PostgreSQL (LINLI_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plans import load_average, plan_shapes

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

PLACES = ["东海小区", "提篮桥小区", "瑞虹新城", "徐家汇花园", "谨斜小区", "春枫十里", "景星小区", "北外滩花园"]
PROBLEMS = [("电瓶车楼道飞线充电", "safety"), ("机动车停车难", "parking"), ("楼道灯坏了", "facilities"),
            ("物业保洁不到位", "property"), ("垃圾库房异味", "environment"), ("电梯经常故障", "facilities"),
            ("夜间施工噪音扰民", "neighbourhood"), ("消防通道被占用", "safety"), ("食堂菜品不新鲜", "food_safety"),
            ("小区门禁失灵", "facilities"), ("绿化带被毁", "environment"), ("非机动车库改建", "parking")]
STATES = ["reported", "taken_up", "parties_invited", "consultation", "actions_agreed", "resolved", "follow_up",
          "satisfaction", "closed"]
QUERIES = [("电瓶车 充电", {}), ("停车", {"state": ["reported", "taken_up"]}), ("楼道灯", {"category": "facilities"}),
           ("物业", {"state": ["consultation"]}), ("东海小区 电梯", {}), ("噪音", {"category": "neighbourhood"}),
           ("消防通道", {"state": ["reported"]}), ("门禁", {})]


def pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{dbname}"


def make_app(url: str, var_dir: Path):
    sys.path.insert(0, str(ROOT))
    from linli.cases.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "LINLI_VAR_DIR": var_dir, "TESTING": True,
                       "LINLI_COMMUNITIES_FILE": str(ROOT / "communities.toml"), "LINLI_EVENT_SUBSCRIBERS": {}})


def fill(conn: sa.Connection, total: int, open_in_board: int, dialect: str) -> None:
    """``total`` cases in two communities; north-bund's open ones are ``open_in_board`` with a deadline each."""
    from linli.cases.casework.search import search_text

    variants = []  # (title, category, place, search_text) combinations, tokenised once each
    for place in PLACES:
        for problem, category in PROBLEMS:
            for building in range(1, 13):
                title = f"{place}{building}号楼{problem}"
                variants.append((title, category, place, search_text(title, f"{place}居民反映{problem}")))
    conn.execute(sa.text("CREATE TEMP TABLE variant (n int, title text, category text, place text, st text)"))
    conn.execute(sa.text("INSERT INTO variant VALUES (:n, :title, :category, :place, :st)"),
                 [{"n": i, "title": t, "category": c, "place": p, "st": s} for i, (t, c, p, s) in enumerate(variants)])
    count = len(variants)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    start = now - dt.timedelta(days=3 * 365)
    batch = 100_000
    # every case but the last open_in_board of north-bund is closed or belongs to fenglin; those last
    # ones are open (the clearance board's 5,000)
    for offset in range(0, total, batch):
        size = min(batch, total - offset)
        if dialect == "postgresql":
            series = f"generate_series({offset + 1}, {offset + size}) AS g(i)"
            ref = "'C-' || g.i"
            ts = f"TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}' + (g.i * INTERVAL '{3 * 365 * 86400 / total:.6f} seconds')"
        else:
            series = (f"(WITH RECURSIVE s(i) AS (SELECT {offset + 1} UNION ALL SELECT i + 1 FROM s "
                      f"WHERE i < {offset + size}) SELECT i FROM s) AS g")
            ref = "'C-' || g.i"
            ts = f"datetime('{start:%Y-%m-%d %H:%M:%S}', '+' || (g.i * {3 * 365 * 86400 / total:.6f}) || ' seconds')"
        open_from = total - open_in_board
        if dialect == "postgresql":
            state = (f"CASE WHEN g.i > {open_from} THEN (ARRAY{STATES[:-1]!r})[1 + g.i % 8] "
                     f"WHEN g.i % 2 = 0 THEN 'closed' ELSE (ARRAY{STATES!r})[1 + g.i % 9] END")
            public = "true"
            vector = "to_tsvector('simple', v.st)"
        else:
            state = f"CASE WHEN g.i > {open_from} THEN 'taken_up' WHEN g.i % 2 = 0 THEN 'closed' ELSE 'reported' END"
            public = "1"
            vector = "NULL"
        conn.execute(sa.text(f"""
            INSERT INTO "case" (id, reference, community_id, title, description, category, state, opened_by, source,
                                public, reopened_count, search_text, search_vector, created_at, updated_at,
                                assigned_to)
            SELECT g.i, {ref},
                   CASE WHEN g.i > {open_from} OR g.i % 2 = 0 THEN 'north-bund' ELSE 'fenglin-huiyuan' END,
                   v.title, v.place || '居民反映', v.category, {state}, 'load', 'staff', {public}, 0, v.st,
                   {vector}, {ts}, {ts}, 'staff-' || (g.i % 6)
            FROM {series} JOIN variant v ON v.n = g.i % {count}
        """))
        print(f"  {offset + size:>9,} cases", flush=True)
    milestone = "'first_response'"
    due = ("now() + ((g.id % 97) - 20) * INTERVAL '1 hour'" if dialect == "postgresql"
           else "datetime('now', printf('%+d hours', (g.id % 97) - 20))")
    conn.execute(sa.text(f"""
        INSERT INTO case_deadline (case_id, community_id, milestone, round, due_at)
        SELECT g.id, g.community_id, {milestone}, 0, {due} FROM "case" g WHERE g.state <> 'closed'
    """))


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(label: str, runs: int, call) -> dict[str, float]:
    call()  # warm the caches once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    figures = {"p50": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times)}
    print(f"  {label:<58} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   max {figures['max']:7.1f} ms")
    return figures


def measure(app, runs: int) -> tuple[float, float]:
    from linli.cases.casework.service import find_cases
    from linli.cases.clearance.service import read_board
    from linli.cases.extensions import db

    worst_search = 0.0
    with app.test_request_context():
        cases = db.session.scalar(sa.text('SELECT count(*) FROM "case"'))
        deadlines = db.session.scalar(sa.text(
            "SELECT count(*) FROM case_deadline WHERE met_at IS NULL AND community_id = 'north-bund'"))
        print(f"  {cases:,} cases, {deadlines:,} open deadlines in north-bund")
        for q, filters in QUERIES:
            label = f"search '{q}' {filters or ''}".strip()
            found = find_cases("north-bund", q=q, **filters)
            figures = timed(f"{label} ({len(found)} of 50 shown)", runs,
                            lambda q=q, filters=filters: find_cases("north-bund", q=q, **filters))
            worst_search = max(worst_search, figures["p95"])
        engine = app.extensions["linli"].db.engine
        if engine.dialect.name == "postgresql":
            print("  plan of a search (the first query above):")
            q, filters = QUERIES[0]
            print("\n".join(plan_shapes(engine, lambda: find_cases("north-bund", q=q, **filters))))
            print("  plan of the clearance board:")
            print("\n".join(plan_shapes(engine, lambda: read_board("north-bund"))))
        print(f"  {load_average()}")
        board = read_board("north-bund")
        print(f"  board: {board.counts}")
        board_figures = timed("clearance board (counts + 200 most urgent rows)", runs,
                              lambda: read_board("north-bund"))
        staff = timed("clearance board, one staff member", runs, lambda: read_board("north-bund", assigned_to="staff-3"))
    return worst_search, max(board_figures["p95"], staff["p95"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sqlite", action="store_true", help="also time SQLite on 100,000 cases (reported only)")
    args = parser.parse_args()
    os.environ.setdefault("LINLI_LOG_LEVEL", "WARNING")
    dbname = f"linli_load_cases_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    try:
        with tempfile.TemporaryDirectory() as var:
            app = make_app(pg_url(dbname), Path(var))
            from flask_migrate import upgrade

            with app.app_context():
                upgrade()
                db = app.extensions["linli"].db
                print(f"PostgreSQL: making {args.cases:,} cases ({args.open:,} open in north-bund) …", flush=True)
                started = time.monotonic()
                with db.engine.begin() as conn:
                    fill(conn, args.cases, args.open, "postgresql")
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(sa.text('VACUUM ANALYZE "case"'))
                    conn.execute(sa.text("VACUUM ANALYZE case_deadline"))
                print(f"  made in {time.monotonic() - started:.0f} s")
            search_p95, board_p95 = measure(app, args.runs)
            print(f"PostgreSQL: search p95 {search_p95:.1f} ms (target < 100), board p95 {board_p95:.1f} ms "
                  f"(target < 150): {'OK' if search_p95 < 100 and board_p95 < 150 else 'MISSED'}")
            with app.app_context():
                app.extensions["linli"].db.engine.dispose()
            if args.sqlite:
                path = Path(var) / "cases.db"
                lite = make_app(f"sqlite:///{path}", Path(var))
                with lite.app_context():
                    upgrade()
                    db = lite.extensions["linli"].db
                    total = min(args.cases, 100_000)
                    print(f"SQLite (reported only): making {total:,} cases …", flush=True)
                    with db.engine.begin() as conn:
                        fill(conn, total, args.open, "sqlite")
                search_lite, board_lite = measure(lite, max(20, args.runs // 10))
                print(f"SQLite: search p95 {search_lite:.1f} ms, board p95 {board_lite:.1f} ms over {total:,} cases")
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
