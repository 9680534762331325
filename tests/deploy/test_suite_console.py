"""What `make run` shows (issue 18 item 9): every community's pages, each of which answers, and a
worker that logs a tick only when it did something."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

import pytest
import structlog
from werkzeug.test import Client

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.app import create_app as create_hub
from linli.shared.communities import Communities
from linli.shared.seeding import seed_demo

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMMUNITIES = Communities.from_file(DEPLOY.parent / "communities.toml")


@pytest.fixture(scope="module")
def deploy_modules():
    sys.path.insert(0, str(DEPLOY))
    try:
        yield importlib.import_module("suite_pages"), importlib.import_module("suite_worker")
    finally:
        sys.path.remove(str(DEPLOY))


def test_console_names_every_communitys_pages(deploy_modules):
    suite_pages, _worker = deploy_modules
    text = suite_pages.console_text("http://127.0.0.1:8101", COMMUNITIES)
    assert {"north-bund", "fenglin-huiyuan"} <= set(COMMUNITIES)
    for community in COMMUNITIES.values():
        assert community.name_zh in text
        for path in (f"/canteen/kiosk/{community.id}", f"/canteen/order/{community.id}",
                     f"/canteen/counter/{community.id}", f"/canteen/kitchen/{community.id}",
                     f"/hub/staff/rooms?community={community.id}", f"/cases/catalogue/{community.id}"):
            assert f"http://127.0.0.1:8101{path}\n" in text + "\n", path
    assert "/canteen/kiosk\n" not in text + "\n"  # no page without its community (that opens a chooser)


def test_every_page_printed_answers(deploy_modules, service_app, tokens, monkeypatch):
    suite_pages, _worker = deploy_modules
    apps = {"canteen": service_app("canteen", create_canteen), "hub": service_app("hub", create_hub),
            "cases": service_app("cases", create_cases)}
    for app in apps.values():
        seed_demo(app)
    token = tokens("staff", "manager", "admin", "team_lead", "volunteer", "diner", communities=list(COMMUNITIES),
                   sub="demo-staff")
    paths = [path for community in COMMUNITIES for _label, path, _who in suite_pages.community_pages(community)]
    paths += [path for _label, path, _who in suite_pages.SUITE_PAGES]
    failures = []
    for path in paths:
        service, _, rest = path.lstrip("/").partition("/")
        client = apps[service].test_client()
        client.set_cookie("linli_token", token)
        # the kiosk goes straight to the menu when one meal service is open (the hour decides): followed
        response = client.get("/" + rest, follow_redirects=True)
        if response.status_code != 200:
            failures.append(f"{path}: {response.status_code}")
    assert not failures, failures

    monkeypatch.setenv("LINLI_SUITE_EAGER", "0")
    monkeypatch.setenv("LINLI_COMMUNITIES_FILE", str(DEPLOY.parent / "communities.toml"))
    sys.path.insert(0, str(DEPLOY))
    try:
        landing = importlib.import_module("suite_wsgi").landing
    finally:
        sys.path.remove(str(DEPLOY))
    body = Client(landing).get("/").get_data(as_text=True)
    assert all(f'href="{path}"' in body for path in paths if "?" not in path)


def test_the_worker_logs_a_tick_only_when_it_did_something(deploy_modules, service_app):
    _pages, worker = deploy_modules
    app = service_app("hub", create_hub)
    from linli.hub.rooms import service as rooms
    from linli.hub.rounds import service as rounds

    def tick() -> tuple[dict[str, int], list[dict]]:
        with app.app_context(), structlog.testing.capture_logs() as logged:  # as the worker does, per round
            return worker.tick_and_log(app), logged

    tick()  # the first tick makes the week's volunteer shifts
    assert tick() == ({}, [])  # nothing due: no line

    with app.app_context():
        room = rooms.create_room(None, community_id="fenglin-huiyuan", name_zh="活动室", kind="activity", capacity=20)
        day = dt.date.today() + dt.timedelta(days=3)
        round_ = rounds.create_round(None, community_id="fenglin-huiyuan", title="due", seed=1,
                                     closes_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                                     slots=rounds.weekly_slots([room.id], first_day=day, weeks=1, start=dt.time(9),
                                                               end=dt.time(10), tz=dt.UTC))
        round_.closes_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)  # its deadline has passed
        app.extensions["linli"].db.session.commit()
    assert tick() == ({"rounds_closed": 1}, [{"event": "tick", "service": "hub", "rounds_closed": 1, "log_level": "info"}])
