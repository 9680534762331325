"""The kitchen page for staff: paid orders by meal service; preparing → ready → collected. The queue
refreshes itself every 5 seconds (htmx polling of a fragment). ``/kitchen/<community_id>``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.canteen.kitchen import service as kitchen
from linli.canteen.menu import service as menu
from linli.canteen.pages.common import choose_community_page, day_tabs, register_filters, staff_day
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.localtime import local_today
from linli.shared.pages import act, staff_page

pages = Blueprint("canteen_kitchen", __name__, url_prefix="/kitchen")
register_filters(pages)
NEXT_STEP = {"paid": "preparing", "preparing": "ready", "ready": "collected"}


def _service_id() -> int | None:
    value = request.values.get("service", "")
    return int(value) if value.isdigit() else None


def _fragment(identity: Identity, community_id: str, day: dt.date, meal_service_id: int | None) -> str:
    return render_template("canteen/staff/_kitchen_queue.html", community_id=community_id, day=day,
                           date_arg=None if day == local_today() else day.isoformat(),
                           service_id=meal_service_id, columns=kitchen.queue_by_state(identity, community_id=community_id, pickup_date=day,
                                                           meal_service_id=meal_service_id),
                           next_step=NEXT_STEP)


@pages.get("")
def choose() -> Any:
    return choose_community_page("Kitchen", "canteen_kitchen.board")


@pages.get("/<community_id>")
@staff_page
def board(community: Community, identity: Identity) -> Any:
    day, date_problem = staff_day()
    services = menu.list_meal_services(community.id, day)
    service_id = _service_id()
    if service_id is not None and service_id not in {s.id for s in services}:
        service_id = None  # a meal of another day: show the whole day
    today = local_today()
    return render_template("canteen/staff/kitchen.html", community=community, identity=identity, day=day,
                           today=today, days=day_tabs(day), date_problem=date_problem,
                           date_arg=None if day == today else day.isoformat(), services=services,
                           service_id=service_id, queue_html=_fragment(identity, community.id, day, service_id),
                           preorders=kitchen.preorders(identity, community_id=community.id, pickup_date=day,
                                                       meal_service_id=service_id))


@pages.get("/<community_id>/queue")
@staff_page
def queue(community: Community, identity: Identity) -> Any:
    return _fragment(identity, community.id, staff_day()[0], _service_id())


@pages.post("/<community_id>/orders/<int:order_id>/<any(preparing, ready, collected):to_state>")
@staff_page
def advance(community: Community, identity: Identity, order_id: int, to_state: str) -> Any:
    service_id = _service_id()
    messages = {"preparing": _("Being prepared."), "ready": _("Ready: call the number."),
                "collected": _("Handed over.")}
    day = staff_day()[0]
    date_arg = None if day == local_today() else day.isoformat()
    return act(lambda: kitchen.advance(identity, order_id, to_state), messages[to_state],
               url_for(".board", community_id=community.id, service=service_id, date=date_arg),
               lambda: _fragment(identity, community.id, day, service_id))
