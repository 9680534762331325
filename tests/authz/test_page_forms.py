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


def checks_origin(view) -> bool:
    """The view (under its decorators) checks the post's origin itself or runs it through act()."""
    import inspect

    seen = set()
    todo = [view]
    while todo:
        function = inspect.unwrap(todo.pop())
        if function in seen:
            continue
        seen.add(function)
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if "check_same_origin(" in source or re.search(r"\bact\(", source):
            return True
        # a view made per flow calls a module-level function of the same name (canteen ordering)
        module = inspect.getmodule(function)
        for name in re.findall(r"\b([a-z_]+)\(", source):
            candidate = getattr(module, name, None)
            if inspect.isfunction(candidate) and candidate.__module__ == function.__module__:
                todo.append(candidate)
        closure = getattr(function, "__closure__", None) or ()
        todo.extend(cell.cell_contents for cell in closure if inspect.isfunction(cell.cell_contents))
    return False


@pytest.mark.parametrize("service", SERVICES)
def test_every_form_post_checks_where_it_came_from(service, service_app):
    app = service_app(service, importlib.import_module(f"linli.{service}.app").create_app)
    posts = list(page_posts(app))
    assert posts, "the pages have forms"
    unchecked = [rule.rule for rule in posts
                 if not checks_origin(app.view_functions[rule.endpoint])]
    print(f"{service}: {len(posts)} form posts, all checking their origin")
    assert not unchecked, unchecked


@pytest.mark.parametrize("service", SERVICES)
def test_form_posts_from_elsewhere_change_nothing(service, service_app, tokens):
    app = service_app(service, importlib.import_module(f"linli.{service}.app").create_app, LINLI_DEMO_HOUSEHOLDS=12)
    app.extensions["linli_spec"].seed_demo(app)
    client = app.test_client()
    client.set_cookie("linli_token", tokens("admin", communities=["north-bund"], sub="forms"))
    before = rows(app)
    for rule in page_posts(app):
        url = fill(app, rule, "north-bund")
        for headers in ({}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/form"}):
            response = client.post(url, data={"community": "north-bund"}, headers=headers)
            assert response.status_code < 500, (rule.rule, response.status_code)
    assert rows(app) == before
