"""The counter page for staff: find an order by its pickup number, take cash, hand orders over,
and order for an elderly diner at the counter. ``/counter/<community_id>``, staff token in the
``linli_token`` cookie."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.canteen.extensions import db
from linli.canteen.kitchen import service as kitchen
from linli.canteen.orders.models import Order
from linli.canteen.orders.states import KITCHEN_STATES
from linli.canteen.pages.common import choose_community_page, register_filters
from linli.canteen.pages.ordering import Flow, ordering_blueprint
from linli.canteen.payments import service as payments
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import utcnow
from linli.shared.localtime import local_today
from linli.shared.pages import act, staff_page

COUNTER_ORDER = Flow(name="counter_order", channel="counter", prefix="/counter", base="/order",
                     body_class="staff", staff=True, title="Order for a diner")
order_pages = ordering_blueprint(COUNTER_ORDER)

pages = Blueprint("canteen_counter", __name__, url_prefix="/counter")
register_filters(pages)
HANDOVER_STATES = KITCHEN_STATES


def find_by_number(community_id: str, number: int) -> Order | None:
    """Today's order with that pickup number."""
    return db.session.scalar(sa.select(Order).where(Order.community_id == community_id,
                                                    Order.pickup_date == local_today(),
                                                    Order.pickup_number == number))


def _today(community_id: str, *where: sa.ColumnElement[bool]) -> list[Order]:
    return list(db.session.scalars(sa.select(Order).where(
        Order.community_id == community_id, Order.pickup_date == local_today(), *where).order_by(Order.pickup_number)))


@pages.get("")
def choose() -> Any:
    return choose_community_page("Counter", "canteen_counter.desk")


@pages.get("/<community_id>")
@staff_page
def desk(community: Community, identity: Identity) -> Any:
    number_text = request.args.get("number", "").strip()
    found = None
    if number_text:
        found = find_by_number(community.id, int(number_text)) if number_text.isdigit() else None
    summary = payments.payment_summary(identity, found.id) if found else None
    waiting = _today(community.id, Order.state == "pending_payment", Order.expires_at > utcnow())
    handover = _today(community.id, Order.state.in_(HANDOVER_STATES))
    return render_template("canteen/staff/counter.html", community=community, identity=identity,
                           number=number_text, found=found, summary=summary, waiting=waiting, handover=handover)


@pages.post("/<community_id>/orders/<int:order_id>/cash")
@staff_page
def cash(community: Community, identity: Identity, order_id: int) -> Any:
    number = request.form.get("number", "")
    return act(lambda: payments.take_at_counter(identity, order_id), _("Cash received. The order goes to the kitchen."),
               url_for(".desk", community_id=community.id, number=number))


@pages.post("/<community_id>/orders/<int:order_id>/collected")
@staff_page
def collected(community: Community, identity: Identity, order_id: int) -> Any:
    return act(lambda: kitchen.advance(identity, order_id, "collected"), _("Handed over."),
               url_for(".desk", community_id=community.id, number=request.form.get("number", "")))
