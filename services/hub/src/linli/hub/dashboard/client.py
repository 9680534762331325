"""The dashboard's only way to the canteen's and the cases service's figures: their summary APIs over
HTTP (``GET <service>/api/summary``), called in parallel with a short timeout and the caller's own
token, so each service scopes its answer to the caller's communities. The hub's own figures come
from the same function its summary API answers with, serialised by the same schema.

A service that is down, slow or answers an error becomes a tile that says so; nothing here raises.
Answers are kept with their ETag and asked again with ``If-None-Match``: a 304 reuses them."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from flask import Flask, current_app

from linli.hub.summary import service as hub_summary
from linli.hub.summary.schemas import HubSummarySchema
from linli.shared.auth import Identity
from linli.shared.errors import Problem

REMOTE = ("canteen", "cases")
SERVICES = ("canteen", "hub", "cases")
CACHE_SIZE = 512
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dashboard")


@dataclass
class Tile:
    """One service's answer for one community: ``ok`` with its data, else why not."""

    service: str
    community_id: str
    status: str  # ok | unavailable | forbidden | error
    data: dict[str, Any] | None = None
    detail: str = ""
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Request:
    service: str
    community_id: str
    params: tuple[tuple[str, str], ...]


class _Cache:
    """ETag → body of recent answers, per (URL, parameters, token) so no one reads another's."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[str, ...], tuple[str, dict[str, Any]]] = OrderedDict()

    def get(self, key: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: tuple[str, ...], etag: str, body: dict[str, Any]) -> None:
        with self.lock:
            self.items[key] = (etag, body)
            self.items.move_to_end(key)
            while len(self.items) > CACHE_SIZE:
                self.items.popitem(last=False)


def _cache(app: Flask) -> _Cache:
    cache: _Cache = app.extensions.setdefault("linli_dashboard_cache", _Cache())
    return cache


def service_urls(app: Flask) -> dict[str, str]:
    return dict(app.config.get("LINLI_SERVICE_URLS") or app.config.get("LINLI_EVENT_SUBSCRIBERS") or {})


def _fetch(cache: _Cache, base: str | None, token: str, req: Request, timeout: float) -> Tile:
    started = time.perf_counter()

    def tile(status: str, data: dict[str, Any] | None = None, detail: str = "") -> Tile:
        return Tile(req.service, req.community_id, status, data, detail,
                    round((time.perf_counter() - started) * 1000, 1))

    if not base:
        return tile("unavailable", detail="not configured")
    url = f"{base.rstrip('/')}/api/summary"
    key = (url, repr(req.params), hashlib.sha256(token.encode()).hexdigest())
    cached = cache.get(key)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if cached:
        headers["If-None-Match"] = f'"{cached[0]}"'
    try:
        response = requests.get(url, params=dict(req.params), headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        return tile("unavailable", detail=type(exc).__name__)
    if response.status_code == 304 and cached:
        return tile("ok", cached[1])
    if response.status_code == 200:
        try:
            body = response.json()
        except ValueError:
            return tile("error", detail="not JSON")
        etag = response.headers.get("ETag", "").strip('"')
        if etag:
            cache.put(key, etag, body)
        return tile("ok", body)
    if response.status_code in (401, 403):
        return tile("forbidden", detail=str(response.status_code))
    return tile("unavailable" if response.status_code >= 500 else "error", detail=str(response.status_code))


def _hub_tile(identity: Identity, req: Request) -> Tile:
    started = time.perf_counter()
    params = dict(req.params)
    try:
        data = hub_summary.summary(identity, community_id=req.community_id,
                                   date_from=_date(params["date_from"]), date_to=_date(params["date_to"]))
        body = HubSummarySchema().dump(data)
        return Tile("hub", req.community_id, "ok", body, elapsed_ms=round((time.perf_counter() - started) * 1000, 1))
    except Problem as problem:
        status = "forbidden" if problem.status in (401, 403) else "error"
        return Tile("hub", req.community_id, status, detail=problem.code or str(problem.status))


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def gather(identity: Identity, token: str, requests_: list[Request]) -> dict[tuple[str, str], Tile]:
    """Every (service, community) asked for, the remote ones in parallel, the hub's meanwhile here."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    urls, cache = service_urls(app), _cache(app)
    timeout = float(app.config.get("LINLI_SUMMARY_TIMEOUT", 2.0))
    futures = {(r.service, r.community_id): _pool.submit(_fetch, cache, urls.get(r.service), token, r, timeout)
               for r in requests_ if r.service in REMOTE}
    tiles = {(r.service, r.community_id): _hub_tile(identity, r) for r in requests_ if r.service == "hub"}
    for key, future in futures.items():
        try:
            tiles[key] = future.result(timeout=timeout + 1)
        except Exception as exc:  # a tile that says so, never a 500
            tiles[key] = Tile(key[0], key[1], "unavailable", detail=type(exc).__name__)
    return tiles
