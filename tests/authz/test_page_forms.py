"""Every form post of every page (the rules of the three apps that take POST outside the API) is
refused when it does not come from the site's own pages: the page kit's check (``Origin``, else
``Referer``, must be this site - the browser sends it on every form post and a cross-site page
cannot forge it; the sign-in cookie is also SameSite=Lax). The post is made with a valid admin
cookie of the community, so only the origin check can refuse it; nothing may change."""

from __future__ import annotations

import importlib
import re

import pytest
from sqlalchemy import text

from linli.shared.testing.authz import RESOURCES

SERVICES = ("canteen", "hub", "cases")
NOT_PAGES = ("/api/", "/static", "/openapi", "/.well-known", "/open311", "/events")


def page_posts(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith(NOT_PAGES):
            yield rule


def fill(app, rule, community: str) -> str:
    url = rule.rule
    for name in rule.arguments:
        value: object = 1
        if name == "community_id":
            value = community
        elif name in RESOURCES[app.config["LINLI_SERVICE"]]:
            with app.app_context():
                db = app.extensions["linli"].db
                value = db.session.execute(text(RESOURCES[app.config["LINLI_SERVICE"]][name]),
                                           {"c": community}).scalar() or 1
                db.session.remove()
        converter = re.search(rf"<(?:any\(([^)]*)\)|[^:>]+):{name}>", url)
        if converter and converter.group(1):
            value = converter.group(1).split(",")[0].strip()
        url = re.sub(rf"<[^>]*\b{name}>", str(value), url)
    return url


def rows(app) -> int:
    with app.app_context():
        db = app.extensions["linli"].db
        total = 0
        for table in db.metadata.sorted_tables:
            total += db.session.execute(text(f'select count(*) from "{table.name}"')).scalar()
        db.session.remove()
    return total


@pytest.mark.parametrize("service", SERVICES)
def test_form_posts_from_elsewhere_are_refused(service, service_app, tokens):
    app = service_app(service, importlib.import_module(f"linli.{service}.app").create_app, LINLI_DEMO_HOUSEHOLDS=12)
    app.extensions["linli_spec"].seed_demo(app)
    client = app.test_client()
    client.set_cookie("linli_token", tokens("admin", communities=["north-bund"], sub="forms"))
    before = rows(app)
    posts = list(page_posts(app))
    assert posts, "the pages have forms"
    answers = {}
    for rule in posts:
        url = fill(app, rule, "north-bund")
        for label, headers in (("none", {}), ("other site", {"Origin": "https://evil.example"}),
                               ("other referer", {"Referer": "https://evil.example/form"})):
            response = client.post(url, data={"community": "north-bund"}, headers=headers)
            answers[rule.rule, label] = response.status_code
    accepted = {key: status for key, status in answers.items() if status not in (401, 403, 404)}
    print(f"{service}: {len(posts)} form posts x 3 origins, answers {sorted(set(answers.values()))}")
    assert not accepted, accepted
    assert rows(app) == before  # nothing was written by a refused post (login tries are not stored)
