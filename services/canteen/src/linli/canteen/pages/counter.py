"""The counter page for staff: find an order by its pickup number, take cash, hand orders over,
and order for an elderly diner at the counter. ``/counter/<community_id>``, staff token in the
``linli_token`` cookie."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.canteen.kitchen import service as kitchen
from linli.canteen.pages.common import choose_community_page, day_tabs, register_filters, staff_day
from linli.canteen.pages.ordering import Flow, ordering_blueprint
from linli.canteen.payments import service as payments
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.localtime import local_today
from linli.shared.pages import act, staff_page

COUNTER_ORDER = Flow(name="counter_order", channel="counter", prefix="/counter", base="/order",
                     body_class="staff", staff=True, title="Order for a diner")
order_pages = ordering_blueprint(COUNTER_ORDER)

pages = Blueprint("canteen_counter", __name__, url_prefix="/counter")
register_filters(pages)


@pages.get("")
def choose() -> Any:
    return choose_community_page("Counter", "canteen_counter.desk")


@pages.get("/<community_id>")
@staff_page
def desk(community: Community, identity: Identity) -> Any:
    day, date_problem = staff_day()
    number_text = request.args.get("number", "").strip()
    found = None
    if number_text.isdigit() and len(number_text) < 9:
        found = kitchen.find_by_number(identity, community_id=community.id, pickup_date=day, number=int(number_text))
    summary = payments.payment_summary(identity, found.id) if found else None
    lists = kitchen.desk(identity, community_id=community.id, pickup_date=day)
    return render_template("canteen/staff/counter.html", community=community, identity=identity, day=day,
                           today=local_today(), days=day_tabs(day), date_problem=date_problem,
                           number=number_text, found=found, summary=summary, **lists)


@pages.post("/<community_id>/orders/<int:order_id>/cash")
@staff_page
def cash(community: Community, identity: Identity, order_id: int) -> Any:
    number = request.form.get("number", "")
    return act(lambda: payments.take_at_counter(identity, order_id), _("Cash received. The order goes to the kitchen."),
               url_for(".desk", community_id=community.id, number=number, date=request.form.get("date") or None))


@pages.post("/<community_id>/orders/<int:order_id>/collected")
@staff_page
def collected(community: Community, identity: Identity, order_id: int) -> Any:
    return act(lambda: kitchen.advance(identity, order_id, "collected"), _("Handed over."),
               url_for(".desk", community_id=community.id, number=request.form.get("number", ""),
                       date=request.form.get("date") or None))
