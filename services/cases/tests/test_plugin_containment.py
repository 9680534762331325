"""A community plugin that raises in a cases hook, or cannot even be imported: the service starts,
that community's requests answer as documented (docs/plugins/hooks.md), the other community is
untouched, and the log and /metrics name the plugin."""

import json
import sys
import uuid

import pytest
import sqlalchemy as sa
import structlog

from linli.cases import hookimpl
from linli.cases.app import create_app
from linli.shared.events.signing import HEADER, sign
from linli.shared.testing.plugin import EVENT_SECRET
from linli.shared.testing.plugins import metric_value

BROKEN = "broken_cases"


class Broken:
    def __init__(self):
        self.fixed = False

    @hookimpl
    def service_items(self, community):
        raise AttributeError("catalogue row")

    @hookimpl
    def route_case(self, community, case):
        raise LookupError("department directory")

    @hookimpl
    def handle_event(self, event_type, payload, community_id, event_id):
        if not self.fixed:
            raise TimeoutError("the plugin's own partner API")


def deliver(client, community_id, event_id=None):
    body = json.dumps({"id": event_id or uuid.uuid4().hex, "type": "canteen.feedback.food_safety",
                       "community_id": community_id, "payload": {"title": "Undercooked chicken"}}).encode()
    return client.post("/events", data=body, headers={HEADER: sign(body, EVENT_SECRET),
                                                       "Content-Type": "application/json"})


def cases_of(app, community_id):
    from linli.cases.casework.models import Case

    with app.app_context():
        return app.extensions["linli"].db.session.scalar(
            sa.select(sa.func.count()).select_from(Case).where(Case.community_id == community_id))


@pytest.fixture
def broken():
    return Broken()


@pytest.fixture
def app(service_app, communities_with, broken):
    return service_app("cases", create_app,
                       LINLI_COMMUNITIES_FILE=communities_with({"fenglin-huiyuan": ["fenglin_catalogue", BROKEN]}),
                       LINLI_EXTRA_PLUGINS=[(BROKEN, broken)])


def test_failing_service_items_fall_back_to_the_built_in_catalogue(app, client):
    with structlog.testing.capture_logs() as logs:
        fenglin = client.get("/api/communities/fenglin-huiyuan/service-items")
        page = client.get("/catalogue/fenglin-huiyuan?lang=en")
    north = client.get("/api/communities/north-bund/service-items")
    assert fenglin.status_code == 200 and page.status_code == 200
    codes = {item["code"] for item in fenglin.json}
    assert {item["code"] for item in north.json} < codes  # the built-ins, and the working plugin's items
    assert "fenglin-bathing-help" in codes and "Bathing help booking" in page.get_data(as_text=True)
    assert {(e["plugin"], e["hook"], e["community"]) for e in logs if e["event"] == "plugin.failed"} == \
        {(BROKEN, "service_items", "fenglin-huiyuan")}


def test_a_failing_event_handler_answers_503_and_the_event_is_retried(app, client, broken):
    event_id = uuid.uuid4().hex
    with structlog.testing.capture_logs() as logs:
        refused = deliver(client, "fenglin-huiyuan", event_id)
    assert refused.status_code == 503 and refused.headers["Content-Type"] == "application/problem+json"
    assert (refused.json["code"], refused.json["plugin"], refused.json["community"]) == \
        ("plugin_failed", BROKEN, "fenglin-huiyuan")
    assert cases_of(app, "fenglin-huiyuan") == 0  # nothing of the event committed, not even its id
    assert [e["plugin"] for e in logs if e["event"] == "plugin.failed"] == [BROKEN]
    assert metric_value(app, "linli_plugin_errors_total", service="cases", plugin=BROKEN, hook="handle_event",
                        community="fenglin-huiyuan") == 1
    # another community's events go through meanwhile
    assert deliver(client, "north-bund").json["status"] == "accepted" and cases_of(app, "north-bund") == 1
    # once the plugin works, the sender's retry of the same event takes effect exactly once
    broken.fixed = True
    assert deliver(client, "fenglin-huiyuan", event_id).json["status"] == "accepted"
    assert deliver(client, "fenglin-huiyuan", event_id).json["status"] == "duplicate"
    assert cases_of(app, "fenglin-huiyuan") == 1


def test_a_failing_route_case_falls_back_to_the_built_in_routing(app, client, auth):
    staff = auth("staff", communities=["fenglin-huiyuan", "north-bund"])
    proposals = {}
    with structlog.testing.capture_logs() as logs:
        for community in ("fenglin-huiyuan", "north-bund"):
            case = client.post("/api/cases", headers=staff, json={"community_id": community, "category": "food_safety",
                                                                  "title": "Undercooked chicken"})
            assert case.status_code == 201
            proposals[community] = client.get(f"/api/cases/{case.json['id']}/proposed-invitations", headers=staff)
    assert proposals["fenglin-huiyuan"].status_code == 200
    # the built-in routing of communities.toml: Fenglin's market supervision office, North Bund's own
    assert [p["name"] for p in proposals["fenglin-huiyuan"].json] == ["枫林市场监督管理所"]
    assert "北外滩市场监督管理所" in [p["name"] for p in proposals["north-bund"].json]
    assert {(e["plugin"], e["community"]) for e in logs if e["event"] == "plugin.failed"} == \
        {(BROKEN, "fenglin-huiyuan")}


@pytest.fixture
def unimportable(tmp_path, monkeypatch):
    """A plugin module that raises on import, and one whose hookimpl names an argument no hook has."""
    (tmp_path / "linli_test_unimportable.py").write_text("raise ImportError('missing dependency: lxml')\n")
    (tmp_path / "linli_test_misnamed.py").write_text(
        "from linli.cases import hookimpl\n\n@hookimpl\ndef service_items(communty):\n    return []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield ["linli_test_unimportable", "linli_test_misnamed"]
    for name in ("linli_test_unimportable", "linli_test_misnamed"):
        sys.modules.pop(name, None)


def test_a_plugin_that_fails_to_load_is_reported_and_the_service_starts(service_app, communities_with,
                                                                         unimportable):
    enabled = communities_with({"fenglin-huiyuan": ["fenglin_catalogue", *unimportable]})
    service_app("cases", create_app)  # the database template first: its migrations configure logging anew
    with structlog.testing.capture_logs() as logs:
        app = service_app("cases", create_app, LINLI_COMMUNITIES_FILE=enabled,
                          LINLI_PLUGINS=["fenglin_catalogue", *unimportable])
    reported = {e["plugin"]: e for e in logs if e["event"] == "plugin.load_failed"}
    assert set(reported) == set(unimportable)
    assert "missing dependency: lxml" in reported["linli_test_unimportable"]["error"]
    assert "communty" in reported["linli_test_misnamed"]["error"]
    assert reported["linli_test_unimportable"]["communities"] == ["fenglin-huiyuan"]
    client = app.test_client()
    assert metric_value(app, "linli_plugin_load_failures", service="cases", plugin="linli_test_unimportable") == 1
    # the community that enabled it: its catalogue falls back (without the broken plugin) ...
    codes = {item["code"] for item in client.get("/api/communities/fenglin-huiyuan/service-items").json}
    assert "fenglin-bathing-help" in codes
    # ... and what must not be lost (its events) waits: 503, so the sender retries after the fix
    assert deliver(client, "fenglin-huiyuan").json["code"] == "plugin_failed"
    assert deliver(client, "north-bund").json["status"] == "accepted"


def test_disabling_a_plugin_in_communities_toml_takes_effect_without_code(service_app, communities_with):
    """The same installed plugin, two settings files: enabled, then removed from the community's list."""
    def items(plugins):
        app = service_app("cases", create_app, LINLI_COMMUNITIES_FILE=communities_with({"fenglin-huiyuan": plugins}))
        return {i["code"] for i in app.test_client().get("/api/communities/fenglin-huiyuan/service-items").json}

    assert "fenglin-bathing-help" in items(["fenglin_catalogue"])
    assert "fenglin-bathing-help" not in items([])
