"""The waste KPI report on a year of a large installation: 200 canteens × 365 days × 3 meal services
(219,000 meal services), their orders (≈5.3 million, the covers) and their weighings (≈700,000 entries,
a tenth corrected). The report a manager opens — one canteen, a year, by ISO week: waste per cover by
kind, the change on the week before, the distance to the target and North Bund's score per week — is
timed warm through ``linli.canteen.waste.kpi.kpi_report`` (the same code the API and the page run),
and the plan of its one query is printed. Run:

    uv run python tests/load/waste.py [--canteens 200] [--days 365] [--runs 30]

Target: median < 150 ms. Needs PostgreSQL (LINLI_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres); the database it makes is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_MS = 150.0

FILL = [
    # meal services: the first canteen is North Bund (its plugin scores), the others bench-002 …
    """INSERT INTO canteen_meal_service (community_id, service_date, kind, starts_at, ends_at, order_cutoff_at,
                                        dine_in, takeaway, note)
       SELECT CASE WHEN c = 1 THEN 'north-bund' ELSE 'bench-' || lpad(c::text, 3, '0') END, d::date, k.kind,
              d + k.start_at - interval '8 hours', d + k.end_at - interval '8 hours',
              d + k.end_at - interval '8 hours 15 minutes', true, true, ''
       FROM generate_series(1, %(canteens)s) c,
            generate_series(%(first)s::date, %(last)s::date, interval '1 day') d,
            (VALUES ('breakfast', interval '7 hours', interval '9 hours'),
                    ('lunch', interval '11 hours', interval '13 hours'),
                    ('dinner', interval '17 hours', interval '18 hours 30 minutes')) k(kind, start_at, end_at)""",
    # covers: 12–24 orders at breakfast and dinner, 30–42 at lunch; one in 17 cancelled (not a cover)
    """INSERT INTO canteen_order (community_id, meal_service_id, channel, mode, pickup_number, pickup_date,
                                 pickup_ref, state, subtotal_fen, adjustments_fen, total_fen, currency, note,
                                 expires_at, stock_released, created_at, updated_at)
       SELECT ms.community_id, ms.id, 'kiosk', 'dine_in',
              CASE ms.kind WHEN 'breakfast' THEN 0 WHEN 'lunch' THEN 1000 ELSE 2000 END + g, ms.service_date,
              md5(ms.id::text || '-' || g), CASE WHEN g %% 17 = 0 THEN 'cancelled' ELSE 'collected' END,
              1500, 0, 1500, 'CNY', '', ms.starts_at, false, ms.starts_at, ms.starts_at
       FROM canteen_meal_service ms,
            generate_series(1, (CASE ms.kind WHEN 'lunch' THEN 30 ELSE 12 END) + ms.id %% 13) g""",
    # weighings: one entry per kind per meal service; every tenth plate entry was corrected
    """INSERT INTO canteen_waste_entry (community_id, meal_service_id, service_date, meal_kind, kind, edible,
                                       grams, note, weighed_by, weighed_at, state, correction_reason, created_at)
       SELECT ms.community_id, ms.id, ms.service_date, ms.kind, w.kind, w.kind <> 'preparation',
              400 + (ms.id * w.m) %% 1600, '', 'bench', ms.ends_at,
              CASE WHEN w.kind = 'plate' AND ms.id %% 10 = 0 THEN 'corrected' ELSE 'current' END, '', ms.ends_at
       FROM canteen_meal_service ms, (VALUES ('preparation', 7), ('unserved', 11), ('plate', 13)) w(kind, m)""",
    """INSERT INTO canteen_waste_entry (community_id, meal_service_id, service_date, meal_kind, kind, edible,
                                       grams, note, weighed_by, weighed_at, state, corrects_id, correction_reason,
                                       created_at)
       SELECT e.community_id, e.meal_service_id, e.service_date, e.meal_kind, e.kind, e.edible, e.grams - 300, '',
              'bench', e.weighed_at, 'current', e.id, 'bin lid', e.created_at
       FROM canteen_waste_entry e WHERE e.state = 'corrected'""",
]


def plan_shape(connection: psycopg.Connection, sql: str) -> list[str]:
    rows = connection.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
    return [r[0] for r in rows if not r[0].strip().startswith(("Buffers", "Planning:", "Sort Key", "Group Key"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--canteens", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the filled database (its name is printed)")
    parser.add_argument("--database", help="time a database a --keep run left, without filling it again")
    args = parser.parse_args(argv)

    from sqlalchemy.dialects import postgresql

    from linli.canteen.app import create_app
    from linli.canteen.extensions import db
    from linli.canteen.waste.kpi import kpi_report, per_service_query
    from linli.shared.keys import ensure_signing_key
    from linli.shared.localtime import local_today

    dbname = args.database or f"linli_load_{uuid.uuid4().hex[:8]}"
    if not args.database:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}"')
    dsn = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{dbname}"
    try:
        var_dir = Path(tempfile.mkdtemp(prefix="linli-load-")) / "var"
        var_dir.mkdir()
        ensure_signing_key(var_dir)
        app = create_app({"SQLALCHEMY_DATABASE_URI": dsn.replace("postgresql://", "postgresql+psycopg://", 1),
                          "LINLI_VAR_DIR": var_dir, "LINLI_COMMUNITIES_FILE": str(ROOT / "communities.toml"),
                          "LINLI_EVENT_SUBSCRIBERS": {}})
        last = local_today() - dt.timedelta(days=1)
        first = last - dt.timedelta(days=args.days - 1)
        started = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as connection:
            if not args.database:
                with app.app_context():
                    db.create_all()
                    db.engine.dispose()
                for statement in FILL:
                    connection.execute(statement, {"canteens": args.canteens, "first": first, "last": last})
                connection.execute("VACUUM ANALYZE")
            counts = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("canteen_meal_service", "canteen_order", "canteen_waste_entry")}
        print(f"filled in {time.perf_counter() - started:.0f} s: {counts}")

        with app.app_context():
            report = kpi_report(None, community_id="north-bund", date_from=first, date_to=last, by="week")
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                report = kpi_report(None, community_id="north-bund", date_from=first, date_to=last, by="week")
                timings.append((time.perf_counter() - t0) * 1000)
                db.session.rollback()
            dialect = postgresql.dialect()
            plans = {}
            for label, query in (("report", per_service_query("north-bund", first, last)),):
                sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                with psycopg.connect(dsn) as connection:
                    plans[label] = plan_shape(connection, sql)
        totals = report["totals"]
        median, p95 = statistics.median(timings), sorted(timings)[int(len(timings) * 0.95) - 1]
        print(f"KPI report, north-bund, {first} – {last} by week: {len(report['rows'])} rows, "
              f"{totals['meal_services']} meal services, {totals['covers']} covers, "
              f"{totals['per_cover']['total']} g per cover, score {totals['assessment']['score']} "
              f"({totals['assessment']['method']})")
        print(f"median {median:.1f} ms, p95 {p95:.1f} ms, best {min(timings):.1f} ms over {args.runs} runs "
              f"(target < {TARGET_MS:.0f} ms): {'OK' if median < TARGET_MS else 'TOO SLOW'}")
        for label, lines in plans.items():
            print(f"\nplan of the {label} query:")
            print("\n".join("  " + line for line in lines))
        return 0 if median < TARGET_MS else 1
    finally:
        if args.keep or args.database:
            print(f"database kept: {dbname} (--database {dbname} times it again)")
        else:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
