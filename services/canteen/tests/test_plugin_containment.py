"""A community plugin that raises in a canteen hook: that community's request answers as
documented (docs/plugins/hooks.md), the other community is untouched, the log and /metrics name
the plugin. Containment lives in linli.shared.plugins; these tests drive it through the canteen."""

import pytest
import sqlalchemy as sa
import structlog

from linli.canteen import hookimpl
from linli.canteen.app import create_app
from linli.canteen.extensions import db
from linli.canteen.orders.testing import FUTURE_DAY, make_menu
from linli.canteen.payments.base import BasePaymentProvider
from linli.shared.testing.plugins import metric_value

BROKEN = "broken_canteen"


class Broken:
    """Every canteen hook raises, as a plugin with a bug would."""

    @hookimpl
    def menu_annotations(self, community, date):
        raise KeyError("solar")

    @hookimpl
    def price_adjustments(self, community, order):
        raise ZeroDivisionError("promotion")

    @hookimpl
    def payment_providers(self, community):
        raise RuntimeError("provider list")


class CrashingVoucher(BasePaymentProvider):
    identifier, name_zh, name_en = "voucher", "邻里券", "Voucher"

    def execute(self, payment, ctx):
        raise ConnectionError("voucher bank down")


class Vouchers:
    @hookimpl
    def payment_providers(self, community):
        return [CrashingVoucher()]


@pytest.fixture
def app(service_app, communities_with):
    return service_app("canteen", create_app,
                       LINLI_COMMUNITIES_FILE=communities_with({"fenglin-huiyuan": [BROKEN, "vouchers"]}),
                       LINLI_EXTRA_PLUGINS=[(BROKEN, Broken()), ("vouchers", Vouchers())])


@pytest.fixture
def menus(app):
    with app.app_context():
        return {c: make_menu(c, prefix=c[:2] + "-") for c in ("north-bund", "fenglin-huiyuan")}


def failed(logs, hook):
    return [e for e in logs if e["event"] == "plugin.failed" and e["hook"] == hook]


def test_a_failing_annotation_falls_back_to_the_built_in_solar_term(app, client, menus):
    with structlog.testing.capture_logs() as logs:
        fenglin = client.get(f"/api/communities/fenglin-huiyuan/menu?date={FUTURE_DAY}")
    north = client.get(f"/api/communities/north-bund/menu?date={FUTURE_DAY}")
    assert fenglin.status_code == 200 and north.status_code == 200
    assert fenglin.json["annotations"] == north.json["annotations"]  # the built-in's answer, whole
    assert fenglin.json["annotations"]["solar_term"]["tag"]
    [entry] = failed(logs, "menu_annotations")
    assert (entry["plugin"], entry["community"], entry["log_level"]) == (BROKEN, "fenglin-huiyuan", "error")
    assert "KeyError" in entry["error"]
    assert metric_value(app, "linli_plugin_errors_total", service="canteen", plugin=BROKEN,
                        hook="menu_annotations", community="fenglin-huiyuan") == 1
    assert 'linli_plugin_errors_total{community="fenglin-huiyuan",hook="menu_annotations"' in \
        client.get("/metrics").get_data(as_text=True)


def test_a_failing_price_adjustment_sells_at_the_list_price(app, client, menus):
    def order(community):
        ids = menus[community]
        return client.post("/api/orders", json={"community_id": community, "meal_service_id": ids["meal_service"],
                                                "lines": [{"kind": "dish", "dish_id": ids["pork"]}]})

    with structlog.testing.capture_logs() as logs:
        fenglin = order("fenglin-huiyuan")
    north = order("north-bund")
    assert fenglin.status_code == 201 and north.status_code == 201
    assert (fenglin.json["total_fen"], fenglin.json["adjustments"]) == (1600, [])
    assert (north.json["total_fen"], north.json["adjustments"]) == (1600, [])
    assert [e["plugin"] for e in failed(logs, "price_adjustments")] == [BROKEN]


def test_a_failing_provider_list_offers_the_built_ins_and_a_crashing_provider_is_a_503(
        app, client, payable_order, order_ref):
    fenglin, north = payable_order(1880, community_id="fenglin-huiyuan"), payable_order(1880)
    with structlog.testing.capture_logs() as logs:
        offered = [p["identifier"] for p in client.get(f"/api/orders/{fenglin}/payments?ref={order_ref(fenglin)}").json["providers"]]
    assert "cash" in offered and "voucher" in offered  # built-ins kept, the working plugin too
    assert [e["plugin"] for e in failed(logs, "payment_providers")] == [BROKEN]

    with structlog.testing.capture_logs() as logs:
        crash = client.post(f"/api/orders/{fenglin}/payments?ref={order_ref(fenglin)}", json={"provider": "voucher"})
    assert crash.status_code == 503 and crash.headers["Content-Type"] == "application/problem+json"
    assert (crash.json["code"], crash.json["plugin"], crash.json["community"]) == \
        ("plugin_failed", "vouchers", "fenglin-huiyuan")
    [entry] = [e for e in logs if e["event"] == "plugin.failed" and e["plugin"] == "vouchers"]
    assert entry["hook"] == "CrashingVoucher.execute" and entry["community"] == "fenglin-huiyuan"
    with app.app_context():
        from linli.canteen.payments.models import Payment

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0  # nothing changed
    # the same community still pays with a built-in; the other community never saw the plugins
    assert client.post(f"/api/orders/{fenglin}/payments?ref={order_ref(fenglin)}", json={"provider": "cash"}).status_code == 201
    assert "voucher" not in [p["identifier"] for p in client.get(f"/api/orders/{north}/payments?ref={order_ref(north)}").json["providers"]]
    assert client.post(f"/api/orders/{north}/payments?ref={order_ref(north)}", json={"provider": "cash"}).status_code == 201
