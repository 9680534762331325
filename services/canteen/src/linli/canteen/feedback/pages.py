"""Feedback pages for diners: rate the dishes of a collected order at the kiosk (two big taps per dish
and send; the way in is the number on the ticket) or on the phone (with a comment and a complaint
box), and a receipt page that shows what became of a complaint (taken up as case …)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from linli.canteen.feedback import service
from linli.canteen.menu.service import list_dishes
from linli.canteen.orders.service import access_order
from linli.canteen.pages.common import register_filters
from linli.canteen.surveys.service import list_surveys
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import transaction
from linli.shared.errors import Problem
from linli.shared.localtime import local_today
from linli.shared.pages import (
    act,
    check_same_origin,
    community_or_404,
    friendly,
    signed_in,
    staff_page,
)

pages = Blueprint("canteen_feedback", __name__, url_prefix="/feedback")
register_filters(pages)
CHANNELS = ("kiosk", "phone")


def _channel() -> str:
    via = request.values.get("via", "phone")
    return via if via in CHANNELS else "phone"


@pages.route("/<community_id>/kiosk", methods=["GET", "POST"])
def kiosk_start(community_id: str) -> Any:
    """The kiosk: type the number on the ticket (number pad), then rate."""
    community = community_or_404(community_id)
    error = None
    if request.method == "POST":
        try:
            check_same_origin()
            number = request.form.get("pickup_number", "").strip()
            if not number.isdigit() or len(number) > 6:
                raise Problem(_("Type the number on your ticket."), code="page_message")
            order = service.collected_today(community.id, int(number))
            return redirect(url_for(".rate", community_id=community.id, order_id=order.id, ref=order.pickup_ref,
                                    via="kiosk"), code=303)
        except Problem as problem:
            error = _("We found no collected meal with that number today.") if problem.code == "order_not_found" \
                else friendly(problem)
    return render_template("canteen/feedback/kiosk_start.html", community=community, error=error), \
        (422 if error else 200)


def _order(community_id: str, order_id: int) -> Any:
    try:
        order = access_order(signed_in(), order_id, request.values.get("ref"))
    except Problem:
        abort(404)
    if order.community_id != community_id:
        abort(404)
    return order


@pages.get("/<community_id>/rate/<int:order_id>")
def rate(community_id: str, order_id: int) -> Any:
    community = community_or_404(community_id)
    order = _order(community.id, order_id)
    via = _channel()
    return render_template("canteen/feedback/rate.html", community=community, order=order, via=via,
                           dishes=service.order_dishes(order), done=service.has_feedback(order.id),
                           collected=order.state in service.RATEABLE_STATES, error=None, form={})


@pages.post("/<community_id>/rate/<int:order_id>")
def send(community_id: str, order_id: int) -> Any:
    community = community_or_404(community_id)
    order = _order(community.id, order_id)
    via = _channel()
    dishes = service.order_dishes(order)
    try:
        check_same_origin()
        ratings = []
        for dish in dishes:
            value = request.form.get(f"dish-{dish.id}", "")
            if value:
                if value not in ("1", "2", "3", "4", "5"):
                    raise Problem(_("Choose from 1 to 5 stars."), code="page_message")
                ratings.append({"dish_id": dish.id, "rating": int(value)})
        comment = request.form.get("comment", "")[:2000]
        complaint = request.form.get("complaint") == "1"
        about = request.form.get("complaint_dish", "")
        with transaction():
            feedback = service.submit(signed_in(), community_id=community.id, channel=via, ratings=ratings,
                                      comment=comment, complaint=complaint, order_id=order.id,
                                      ref=order.pickup_ref,
                                      complaint_dish_id=int(about) if about.isdigit() and complaint else None)
    except Problem as problem:
        messages = {"empty_feedback": _("Tap the stars for a dish first, or write a comment."),
                    "already_rated": _("This meal has been rated already. Thank you!"),
                    "complaint_needs_comment": _("Please say what was wrong in the comment.")}
        error = messages.get(problem.code or "") or friendly(problem)
        return render_template("canteen/feedback/rate.html", community=community, order=order, via=via,
                               dishes=dishes, done=service.has_feedback(order.id), collected=True, error=error,
                               form=request.form), 422
    return redirect(url_for(".receipt", community_id=community.id, ref=feedback.ref, via=via), code=303)


@pages.get("/<community_id>/receipt/<ref>")
def receipt(community_id: str, ref: str) -> Any:
    """Thanks, and what became of a complaint: passed on, then taken up as a case."""
    community = community_or_404(community_id)
    try:
        feedback = service.by_ref(ref)
    except Problem:
        abort(404)
    if feedback.community_id != community.id:
        abort(404)
    return render_template("canteen/feedback/receipt.html", community=community, feedback=feedback,
                           via=_channel())


# --- staff: what diners said, counter cards, raising a complaint --------------------------------


def _staff_context(community: Community, identity: Identity) -> dict[str, Any]:
    today = local_today()
    items = service.listing(identity, community_id=community.id, date_from=today - dt.timedelta(days=13),
                            date_to=today)
    dish_names = {d.id: d for d in list_dishes(community.id, include_inactive=True)}
    return {"community": community, "identity": identity, "items": items, "dishes": list_dishes(community.id),
            "dish_names": dish_names, "surveys": list_surveys(community.id)}


@pages.get("/<community_id>/staff")
@staff_page
def staff_board(community: Community, identity: Identity) -> Any:
    return render_template("canteen/feedback/staff.html", **_staff_context(community, identity))


@pages.post("/<community_id>/staff/cards")
@staff_page
def counter_card(community: Community, identity: Identity) -> Any:
    """A card a diner filled in at the counter, typed in by staff."""
    def add() -> None:
        dish = request.form.get("dish_id", "")
        rating = request.form.get("rating", "")
        ratings = [{"dish_id": int(dish), "rating": int(rating)}] if dish.isdigit() and rating in "12345" and rating \
            else []
        complaint = request.form.get("complaint") == "1"
        service.submit(identity, community_id=community.id, channel="counter", ratings=ratings,
                       comment=request.form.get("comment", "")[:2000], complaint=complaint,
                       complaint_dish_id=int(dish) if complaint and dish.isdigit() else None)

    return act(add, _("The card is saved."), url_for(".staff_board", community_id=community.id))


@pages.post("/<community_id>/staff/<int:feedback_id>/complaint")
@staff_page
def raise_complaint(community: Community, identity: Identity, feedback_id: int) -> Any:
    return act(lambda: service.raise_complaint(identity, feedback_id),
               _("Passed on to the residents' committee as a food-safety complaint."),
               url_for(".staff_board", community_id=community.id))
