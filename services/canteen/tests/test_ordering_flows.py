"""The ordering flows are data: each flow offers the routes its flags ask for, templates read flags
(never a flow's name), and checkout (place, pay, cancel when paying fails) is one service call."""

from __future__ import annotations

import pathlib
import re

import pytest
import sqlalchemy as sa
from flask import Flask

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.pages.counter import COUNTER_ORDER
from linli.canteen.pages.kiosk import KIOSK
from linli.canteen.pages.ordering import ordering_blueprint
from linli.canteen.pages.phone import PHONE
from linli.canteen.pages.testing import open_menu
from linli.canteen.payments import checkout
from linli.canteen.stock.models import SetMealStock
from linli.shared.errors import Problem

TEMPLATES = pathlib.Path(__file__).parents[1] / "src" / "linli" / "canteen" / "templates"


def _endpoints(app, flow) -> set[str]:
    prefix = f"canteen_{flow.name}."
    return {rule.endpoint.removeprefix(prefix) for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(prefix)}


def test_each_flow_offers_the_routes_its_flags_ask_for(app):
    common = {"services", "menu_page", "cart_add", "cart_change", "pay", "checkout", "order_page", "order_status"}
    assert _endpoints(app, KIOSK) == common | {"choose", "card_sign_in", "card_forget"}
    assert _endpoints(app, PHONE) == common | {"choose", "mine", "card_sign_in", "card_forget"}
    assert _endpoints(app, COUNTER_ORDER) == common  # staff come from their counter; no card sign-in
    assert (KIOSK.skip_single_service, KIOSK.plain_menu, KIOSK.shared_screen) == (True, True, True)
    assert not any((PHONE.skip_single_service, PHONE.plain_menu, PHONE.shared_screen, COUNTER_ORDER.shared_screen))
    assert (KIOSK.feedback_via, PHONE.feedback_via, COUNTER_ORDER.feedback_via) == ("kiosk", "phone", "phone")


def test_a_flow_is_mounted_from_its_data_alone(app):
    """A new flow needs no code: its blueprint has the same routes under its own prefix."""
    flow = KIOSK.__class__(name="tablet", channel="kiosk", prefix="/tablet", base="/x", body_class="kiosk")
    rules = _rules(flow)
    assert "/tablet/<community_id>/x/<int:meal_service_id>/pay" in rules
    assert not any("card" in rule or "mine" in rule for rule in rules)


def _rules(flow) -> set[str]:
    probe = Flask("probe")
    probe.register_blueprint(ordering_blueprint(flow))
    return {rule.rule for rule in probe.url_map.iter_rules()}


def test_templates_read_flags_not_flow_names():
    offending = [f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
                 for path in TEMPLATES.rglob("*.html")
                 for match in re.finditer(r"flow\.(name|channel)\s*(==|!=|in\b)[^%}]*", path.read_text())]
    assert offending == []


@pytest.mark.parametrize("method", ["meal_card", "no_such_method"])
def test_checkout_cancels_an_order_it_could_not_have_paid(app, method):
    """Paying by meal card without a card (or by a method not offered) fails: the order just placed is
    cancelled and the set meal's stock is back, in the same call."""
    ids = open_menu(app)
    lines = [{"kind": "set_meal", "set_meal_id": ids["set_meal"], "choices": [ids["pork"], ids["greens"], ids["egg"],
                                                                                ids["rice"]], "quantity": 1}]
    with app.test_request_context(method="POST"):
        with pytest.raises(Problem) as refused:
            checkout.place_and_pay(None, community_id="north-bund", meal_service_id=ids["meal_service"],
                                   lines=lines, method=method, mode="dine_in", channel="kiosk")
        assert refused.value.code in ({"meal_card": "diner_required", "no_such_method": "unknown_provider"}[method],)
        assert db.session.scalars(sa.select(Order.state)).all() == ["cancelled"]
        assert db.session.scalar(sa.select(SetMealStock.remaining)) == 10


def test_checkout_places_and_pays_in_one_call(app):
    ids = open_menu(app)
    lines = [{"kind": "dish", "dish_id": ids["pork"], "portion": "full", "quantity": 2}]
    with app.test_request_context(method="POST"):
        order, extra = checkout.place_and_pay(None, community_id="north-bund", meal_service_id=ids["meal_service"],
                                              lines=lines, method="cash", mode="takeaway", channel="kiosk")
        assert (order.state, order.total_fen, order.mode, order.channel) == ("pending_payment", 3200, "takeaway",
                                                                            "kiosk")
        assert "client_secret" not in extra
        assert db.session.scalars(sa.select(Order.id)).all() == [order.id]
