"""The page kit (linli.shared.pages): staff-only views, form actions, notices — on a tiny page
blueprint added to the cases service."""

from __future__ import annotations

import flask
import pytest

from linli.cases.app import create_app
from linli.shared.errors import Conflict
from linli.shared.pages import act, staff_page

SAME_SITE = {"Origin": "http://localhost"}


@pytest.fixture
def kit_app(service_app):
    pages = flask.Blueprint("kit_pages", __name__)
    seen: list[tuple[str, str]] = []

    @pages.get("/kit/<community_id>/desk")
    @staff_page
    def desk(community, identity):
        seen.append((community.id, identity.subject))
        return "desk"

    @pages.get("/kit/desk")
    @staff_page
    def desk_by_query(community, identity):
        seen.append((community.id, identity.subject))
        return "desk"

    @pages.post("/kit/act/<outcome>")
    def action(outcome):
        def run():
            flask.current_app.extensions["linli"].db.session.execute(
                flask.current_app.extensions["linli"].models.InboxEvent.__table__.insert().values(
                    id=outcome, source="t", event_type="t", received_at=flask.current_app.config["KIT_NOW"]))
            if outcome == "refused":
                raise Conflict("This session is over.", code="session_over")

        return act(run, "Done.", "/kit/desk", fragment=lambda: "<div id='part'></div>")

    import datetime as dt

    app = service_app("cases", create_app, KIT_NOW=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    app.register_blueprint(pages)
    app.kit_seen = seen
    return app


def test_staff_page_passes_community_then_identity_to_staff_of_that_community_only(kit_app, tokens):
    client = kit_app.test_client()
    assert client.get("/kit/north-bund/desk").status_code == 401
    client.set_cookie("linli_token", tokens("diner", communities=["north-bund"], sub="d1"))
    assert client.get("/kit/north-bund/desk").status_code == 403
    client.set_cookie("linli_token", tokens("staff", communities=["fenglin-huiyuan"], sub="s2"))
    assert client.get("/kit/north-bund/desk").status_code == 403
    assert client.get("/kit/desk?community=north-bund").status_code == 403
    assert client.get("/kit/nowhere/desk").status_code == 404
    client.set_cookie("linli_token", tokens("staff", communities=["north-bund"], sub="s1"))
    assert client.get("/kit/north-bund/desk").status_code == 200
    assert client.get("/kit/desk").status_code == 200
    assert kit_app.kit_seen == [("north-bund", "s1"), ("north-bund", "s1")]


def test_act_refuses_other_sites_rolls_back_problems_and_announces_in_a_live_region(kit_app):
    client = kit_app.test_client()
    db = kit_app.extensions["linli"].db
    events = kit_app.extensions["linli"].models.InboxEvent

    def stored():
        with kit_app.app_context():
            return sorted(db.session.scalars(db.select(events.id)))

    forged = client.post("/kit/act/forged", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "请使用本页上的按钮。" in forged.text
    no_origin = client.post("/kit/act/forged?lang=en", headers={"HX-Request": "true"})
    assert no_origin.status_code == 403 and "Please use the buttons on this page." in no_origin.text

    refused = client.post("/kit/act/refused?lang=en", headers={**SAME_SITE, "HX-Request": "true"})
    assert refused.status_code == 200 and "<div id='part'></div>" in refused.text
    assert 'id="notice" hx-swap-oob="true" aria-live="polite"' in refused.text
    assert 'role="alert"' in refused.text and "This session is over." in refused.text

    done = client.post("/kit/act/done", headers=SAME_SITE)
    assert done.status_code == 303 and done.headers["Location"].endswith("/kit/desk")
    assert stored() == ["done"]  # the refused action's row was rolled back, the forged ones never ran
