"""The committee dashboard's response time with the three services under gunicorn (issue 14: < 300 ms).

Seeds the demo data of canteen, cases and hub into SQLite files (one per service, with their
migrations; SQLite because the demo data is the realistic size for one committee and it needs no
server), runs each service under gunicorn on loopback (gthread, as the test suite's live_server
does), mints a staff/manager token for the demo's hy.manager, then times:

- ``GET /staff/dashboard`` of the hub (which fetches the canteen and cases summaries over HTTP, in
  parallel, revalidating its ETag cache with If-None-Match), N requests sequentially and N with a few
  concurrent clients;
- each service's ``GET /api/summary`` for the same community and week.

Prints p50/p95/p99 and the load average before and after. Run:

    uv run python tests/load/dashboard.py [--requests 200] [--clients 4] [--workers 2]

Exit status 1 when the dashboard's sequential p95 is 300 ms or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrkbench import load_average

ROOT = Path(__file__).resolve().parents[2]
HY, NB = "fenglin-huiyuan", "north-bund"
TARGET_MS = 300.0


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return (f"p50 {cut[49]:6.1f} ms  p95 {cut[94]:6.1f} ms  p99 {cut[98]:6.1f} ms  "
            f"max {ordered[-1]:6.1f} ms  (n={len(ordered)})")


def timed(session: requests.Session, url: str, **kwargs: Any) -> float:
    started = time.perf_counter()
    response = session.get(url, timeout=30, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")
    return elapsed


def run(url: str, n: int, clients: int, **kwargs: Any) -> list[float]:
    def one_client(count: int) -> list[float]:
        with requests.Session() as session:
            return [timed(session, url, **kwargs) for _ in range(count)]

    if clients == 1:
        return one_client(n)
    with ThreadPoolExecutor(clients) as pool:
        parts = pool.map(one_client, [n // clients + (i < n % clients) for i in range(clients)])
        return [t for part in parts for t in part]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    from linli.canteen.app import create_app as create_canteen
    from linli.cases.app import create_app as create_cases
    from linli.hub.accounts.models import Account
    from linli.hub.app import create_app as create_hub
    from linli.hub.extensions import db as hub_db
    from linli.shared.auth import mint_token
    from linli.shared.keys import ensure_signing_key
    from linli.shared.localtime import local_today
    from linli.shared.testing.databases import prepare_schema
    from linli.shared.testing.live import start_live_server

    work = Path(tempfile.mkdtemp(prefix="linli-dash-load-"))
    var_dir = work / "var"
    var_dir.mkdir()
    key = ensure_signing_key(var_dir)
    base = {"LINLI_VAR_DIR": var_dir, "LINLI_COMMUNITIES_FILE": str(ROOT / "communities.toml"),
            "LINLI_EVENT_SUBSCRIBERS": {}, "LINLI_EVENT_SECRET": "load-event-secret", "SECRET_KEY": "load-secret"}
    env_common = {"LINLI_VAR_DIR": str(var_dir), "LINLI_COMMUNITIES_FILE": base["LINLI_COMMUNITIES_FILE"],
                  "LINLI_EVENT_SECRET": base["LINLI_EVENT_SECRET"], "LINLI_EVENT_SUBSCRIBERS": "{}",
                  "LINLI_SECRET_KEY": base["SECRET_KEY"], "LINLI_ACCESS_LOG": "0"}
    servers = []
    try:
        urls: dict[str, str] = {}
        apps = {}
        for name, create in (("canteen", create_canteen), ("cases", create_cases), ("hub", create_hub)):
            uri = f"sqlite:///{work / f'{name}.db'}"
            app = create({**base, "SQLALCHEMY_DATABASE_URI": uri})
            prepare_schema(app, True)
            app.extensions["linli_spec"].seed_demo(app)
            with app.app_context():
                app.extensions["linli"].db.engine.dispose()
            apps[name] = (app, uri)
        with apps["hub"][0].app_context():
            manager = hub_db.session.scalar(sa.select(Account).where(Account.username == "hy.manager")).subject
        for name in ("canteen", "cases", "hub"):
            app, uri = apps[name]
            env = {**env_common, f"LINLI_{name.upper()}_DATABASE_URL": uri}
            if name == "hub":
                env["LINLI_SERVICE_URLS"] = json.dumps(urls)
            server = start_live_server(f"{app.import_name}.app:create_app()", env, work,
                                       workers=args.workers, threads=args.threads)
            servers.append(server)
            urls[name] = server.url
        token = mint_token(key, issuer="linli-hub", audience="linli", subject=manager, roles=("staff", "manager"),
                           communities=(HY, NB), name=None, ttl=dt.timedelta(hours=2))
        bearer = {"Authorization": f"Bearer {token}"}
        day = local_today() - dt.timedelta(days=1)
        monday = day - dt.timedelta(days=day.weekday())
        page = f"{urls['hub']}/staff/dashboard?community={HY}&day={day}&lang=zh_CN"
        summary = {"community_id": HY, "date_from": str(monday), "date_to": str(day)}
        cookies = {"linli_token": token}

        print(f"SQLite demo data; gunicorn gthread {args.workers} workers × {args.threads} threads per service; "
              f"{args.requests} requests each; load average before: {load_average()}")
        html = requests.get(page, cookies=cookies, timeout=30).text
        if "暂时无法读取" in html:
            raise RuntimeError("a tile says unavailable: the summaries did not answer")
        for _ in range(10):  # warm-up: imports, template compilation, the ETag cache
            run(page, 1, 1, cookies=cookies)
        failed = False
        for clients in (1, args.clients):
            samples = run(page, args.requests, clients, cookies=cookies)
            p95 = sorted(samples)[int(0.95 * (len(samples) - 1))]
            verdict = "ok" if p95 < TARGET_MS else "OVER TARGET"
            print(f"dashboard page, {clients} client(s): {percentiles(samples)}  [{verdict} vs < {TARGET_MS:.0f} ms]")
            if clients == 1 and p95 >= TARGET_MS:
                failed = True
        for name in ("canteen", "cases", "hub"):
            url = f"{urls[name]}/api/summary"
            run(url, 5, 1, params=summary, headers=bearer)
            samples = run(url, args.requests, 1, params=summary, headers=bearer)
            print(f"{name:8} /api/summary, 1 client: {percentiles(samples)}")
        print(f"load average after: {load_average()}")
        return 1 if failed else 0
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
