"""Every page of every service (the routes outside /api), fed generated form fields and query
strings by hypothesis with a staff cookie on a database holding the demo data: a browser, or
someone forging a form, can send anything; no page answers with a 500."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter

from linli.canteen.app import create_app as canteen_app
from linli.cases.app import create_app as cases_app
from linli.hub.app import create_app as hub_app

SERVICES = {"canteen": canteen_app, "hub": hub_app, "cases": cases_app}
COMMUNITIES = ["north-bund", "fenglin-huiyuan"]
EXAMPLES = 25  # per page and method
NOT_PAGES = ("/api/", "/events", "/static/", "/openapi.json", "/metrics", "/healthz", "/readyz", "/.well-known/")
ODD_VALUES = ["", "0", "-1", "1", "2", "99999999999", str(2**70), "nan", "inf", "1e400", "1.5", "abc",
              "2026-13-45", "2026-12-04", "25:61", "09:00", "2026-12-04T09:00", "full", "half", "dish",
              "set_meal", "retail", "cash", "meal_card", "stripe", "north-bund", "fenglin-huiyuan", "nowhere",
              "<script>alert(1)</script>", "猜一猜", "é\x00", "/", "//evil.example/", "https://evil.example/"]
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck), print_blob=False)


def form_field_names(app) -> list[str]:
    """Every ``name="..."`` in the service's templates (and the query names the pages read)."""
    names: set[str] = {"community", "community_id", "lang", "week", "date", "team", "ref", "next", "page"}
    for template in Path(app.template_folder).rglob("*.html"):
        names.update(re.findall(r'name="([\w-]+)"', template.read_text(encoding="utf-8")))
    names.update(f"{prefix}-1" for prefix in ("rank", "group"))
    return sorted(names)


def page_urls(app) -> list[tuple[str, str]]:
    """(method, url) of every page route, its path filled with a community and id 1."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith(NOT_PAGES) or rule.endpoint == "static":
                continue
            values: dict[str, object] = {arg: "north-bund" if "community" in arg else 1 for arg in rule.arguments}
            for arg, converter in rule._converters.items():
                if isinstance(converter, AnyConverter):  # e.g. <any(approve, reject):decision>
                    values[arg] = sorted(converter.items)[0]
            try:
                url = url_for(rule.endpoint, **values)
            except Exception:  # a route whose arguments we cannot fill is not a page to fuzz
                continue
            urls += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def _fuzz(client, token: str, method: str, url: str, fields: st.SearchStrategy, statuses: Counter[int]) -> None:
    @FUZZ_SETTINGS
    @given(data=fields, htmx=st.booleans())
    def call(data: dict[str, str], htmx: bool) -> None:
        client.set_cookie("linli_token", token)  # again each time: a fuzzed sign-out clears it
        headers = {"Origin": "http://localhost", **({"HX-Request": "true"} if htmx else {})}
        if method == "GET":
            response = client.get(url, query_string=data, headers=headers)
        else:
            response = client.open(url, method=method, data=data, headers=headers)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (method, url, data, response.get_data(as_text=True)[:300])

    call()


@pytest.mark.parametrize("service", list(SERVICES))
def test_no_generated_page_request_gets_a_500(service, service_app, tokens):
    app = service_app(service, SERVICES[service], LINLI_DEMO_HOUSEHOLDS=120)  # the hub demo, smaller
    seed_demo = app.extensions["linli_spec"].seed_demo
    if seed_demo is not None:
        seed_demo(app)
    names = form_field_names(app)
    fields = st.dictionaries(st.sampled_from(names), st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=12)),
                             max_size=8)
    client = app.test_client()
    token = tokens("staff", "manager", "admin", "team_lead", "volunteer", "diner", communities=COMMUNITIES, sub="1")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    urls = page_urls(app)
    for method, url in urls:
        try:
            _fuzz(client, token, method, url, fields, statuses)
        except AssertionError as failure:
            failures.append(str(failure)[:800])
    print(f"{service}: {len(urls)} page routes, {sum(statuses.values())} requests, "
          f"statuses {dict(sorted(statuses.items()))}")
    assert urls and any(status == 200 for status in statuses)
    assert not failures, "\n\n".join(failures)
