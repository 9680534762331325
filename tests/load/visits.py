"""The visit diary at subdistrict scale: 50,000 households, 250 staff, two years of visits (special
groups about three times a week), on PostgreSQL with the hub's migrations.

Times, through the same service functions and response schemas the API uses (after a warm-up):
- one staff member's due list (``GET /api/visits/due``; it audits the special-group households it shows),
- the subdistrict overview of all staff (``GET /api/visits/overview`` without a community),
- one staff member's Monday report (``GET /api/visits/report``).
Run:

    uv run python tests/load/visits.py [--households 50000] [--repeat 20]

Needs PostgreSQL (LINLI_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
Exit status 1 when the median of the due list or the overview is 300 ms or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plans import load_average, plan_shapes

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
COMMUNITIES = ("fenglin-huiyuan", "north-bund")
LIMIT_MS = 300.0


def generate(conn: psycopg.Connection, households: int, today: dt.date, rng: random.Random) -> dict[str, int]:
    """COPY the rows in: households, one resident each (5% in a special group), staff of ~200 households,
    visits of two years, and each household's plan (interval, last visit, due date)."""
    staff_count = max(1, households // 200)
    now = dt.datetime.now(dt.UTC)
    with conn.cursor() as cur:
        with cur.copy("COPY staff_member (id, community_id, account_id, display_name, active, feed_token, created_at)"
                      " FROM STDIN") as copy:
            for sid in range(1, staff_count + 1):
                copy.write_row((sid, COMMUNITIES[sid % 2], f"acct-{sid}", f"工作人员{sid}", True, uuid.uuid4().hex, now))
        with cur.copy("COPY household (id, community_id, compound, building, unit, room, note, created_at)"
                      " FROM STDIN") as copy:
            for hid in range(1, households + 1):
                copy.write_row((hid, COMMUNITIES[((hid - 1) // 200 + 1) % 2], f"小区{hid // 5000}", str(hid // 60),
                                str(hid % 3), str(hid), "", now))
        specials: dict[int, str] = {}
        with cur.copy("COPY resident (id, household_id, community_id, name, birth_date, languages, note, created_at)"
                      " FROM STDIN") as copy:
            for hid in range(1, households + 1):
                roll = rng.random()
                if roll < 0.03:
                    specials[hid] = "elderly_alone"
                elif roll < 0.05:
                    specials[hid] = "disabled"
                copy.write_row((hid, hid, COMMUNITIES[((hid - 1) // 200 + 1) % 2], f"居民{hid}",
                                dt.date(1930 + hid % 70, 1 + hid % 12, 1 + hid % 28), '["zh"]', "", now))
        with cur.copy('COPY resident_group (resident_id, "group") FROM STDIN') as copy:
            for hid, group in specials.items():
                copy.write_row((hid, group))
        visits = 0
        plans = []
        with cur.copy("COPY visit (community_id, household_id, staff_id, visited_on, kind, findings, needs,"
                      " recorded_by, created_at) FROM STDIN") as copy:
            for hid in range(1, households + 1):
                sid = (hid - 1) // 200 + 1
                community = COMMUNITIES[sid % 2]
                interval = {"elderly_alone": 2, "disabled": 3}.get(specials.get(hid, ""), 365)
                day = today - dt.timedelta(days=730 - rng.randint(0, interval))
                last = None
                while day <= today:
                    copy.write_row((community, hid, sid, day, "door", "走访记录", "[]", "load", now))
                    visits += 1
                    last = day
                    day += dt.timedelta(days=interval + rng.choice((-1, 0, 0, 1, 2)) if interval > 2
                                        else interval + rng.choice((0, 0, 1)))
                if rng.random() < 0.05:
                    last = None  # a few never visited (newly moved in)
                plans.append((hid, community, sid, now, interval,
                              {2: "3/week elderly_alone", 3: "2/week disabled"}.get(interval, "1/year"),
                              hid in specials, last, last + dt.timedelta(days=interval) if last else None))
        with cur.copy("COPY household_assignment (household_id, community_id, staff_id, assigned_at, interval_days,"
                      " rule, special, last_visited_on, due_on) FROM STDIN") as copy:
            for row in plans:
                copy.write_row(row)
        for table in ("staff_member", "household", "resident"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("ANALYZE")
    conn.commit()
    return {"households": households, "staff": staff_count, "visits": visits, "special": len(specials)}


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    run()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    from linli.hub.app import create_app
    from linli.hub.extensions import db
    from linli.hub.visits import service
    from linli.hub.visits.schemas import DueItemSchema, OverviewSchema, StaffWeekSchema
    from linli.shared.auth import Identity
    from linli.shared.keys import ensure_signing_key
    from linli.shared.testing.databases import prepare_schema

    dbname = f"linli_load_{uuid.uuid4().hex[:8]}"
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
        prepare_schema(app, migrate=True)
        today = dt.datetime.now(dt.UTC).date()
        started = time.perf_counter()
        with psycopg.connect(dsn) as conn:
            sizes = generate(conn, args.households, today, random.Random(2026))
        print(f"data: {sizes['households']:,} households, {sizes['special']:,} in special groups, "
              f"{sizes['staff']} staff, {sizes['visits']:,} visits over two years "
              f"(generated in {time.perf_counter() - started:.0f} s)")
        staff = Identity("acct-7", frozenset({"staff"}), frozenset({COMMUNITIES[1]}))
        manager = Identity("subdistrict", frozenset({"manager", "staff"}), frozenset(COMMUNITIES))
        with app.app_context():
            def due() -> Any:
                return DueItemSchema(many=True).dump(service.due_list(staff, community_id=COMMUNITIES[1], staff_id=7))

            def overview() -> Any:
                return OverviewSchema(many=True).dump(service.overview(manager))

            def report() -> Any:
                _, rows = service.weekly_report(manager, community_id=COMMUNITIES[1], staff_id=7)
                return StaffWeekSchema(many=True).dump(rows)

            due_list = due()
            rows = overview()
            for name, call in (("due list", due), ("overview", overview), ("Monday report", report)):
                print(f"plan of the {name}:")
                print("\n".join(plan_shapes(db.engine, call)))
            print(load_average())
            results = {"due list (1 staff member)": timed(due, args.repeat),
                       f"subdistrict overview ({len(rows)} staff)": timed(overview, args.repeat),
                       "Monday report (1 staff member)": timed(report, args.repeat)}
            db.session.remove()
            db.engine.dispose()
        buckets = {b: sum(1 for d in due_list if d["bucket"] == b) for b in service.BUCKETS}
        print(f"staff member 7: {len(due_list)} households due this week {buckets}; overview rows: {len(rows)}, "
              f"overdue in all: {sum(r['overdue'] for r in rows):,}")
        failed = False
        for name, (median, p95) in results.items():
            slow = median >= LIMIT_MS and not name.startswith("Monday")
            failed |= slow
            print(f"{name:38s} median {median:7.1f} ms   p95 {p95:7.1f} ms   {'SLOW' if slow else 'ok'}")
        return 1 if failed else 0
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
