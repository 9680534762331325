"""The whole suite in one process for the embedded setup (`make run`).

Each service stays its own Flask app with its own database; a WSGI dispatcher mounts them under
/canteen, /hub and /cases, and a small landing page at / links to them.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable
from typing import Any

from suite_pages import APIS, SUITE_PAGES, communities, community_pages
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.app import create_app as create_hub


def landing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO", "/") not in ("", "/"):
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not found. Services live under /canteen, /hub and /cases."]
    rows = []
    for community in communities().values():
        links = " · ".join(f'<a href="{html.escape(path)}">{html.escape(label)}</a>'
                           for label, path, _who in community_pages(community.id))
        rows.append(f"<li><h2>{html.escape(community.name_zh)} {html.escape(community.name_en)}</h2><p>{links}</p></li>")
    suite = " · ".join(f'<a href="{html.escape(path)}">{html.escape(label)}</a>' for label, path, _who in SUITE_PAGES)
    apis = " · ".join(f'<a href="{path}">{path}</a>' for path in APIS)
    body = ("<!doctype html><html lang='zh-CN'><meta charset='utf-8'><meta name='viewport' "
            "content='width=device-width, initial-scale=1'><title>邻里 Linli</title>"
            "<body style='font:20px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem'>"
            "<h1>邻里 Linli</h1><ul style='list-style:none;padding:0'>" + "".join(rows) + "</ul>"
            f"<p>{suite}</p><p>{apis}</p></body></html>")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]


def create_suite() -> DispatcherMiddleware:
    return DispatcherMiddleware(landing, {
        "/canteen": create_canteen(),
        "/hub": create_hub(),
        "/cases": create_cases(),
    })


application = create_suite() if os.environ.get("LINLI_SUITE_EAGER", "1") == "1" else None
