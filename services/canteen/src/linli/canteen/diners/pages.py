"""The counter's meal card page for staff: look a diner up, see the card, its ledger and the
subsidy, and load money onto the card. ``/counter/<community_id>/meal-cards``."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from linli.canteen.diners import kiosk_card, lookup, meal_card, service, subsidy
from linli.canteen.diners.meal_card import MAX_TOP_UP_FEN
from linli.canteen.pages.common import register_filters
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import transaction
from linli.shared.errors import Problem
from linli.shared.localtime import local_today
from linli.shared.pages import act, check_same_origin, community_or_404, friendly, staff_page

pages = Blueprint("canteen_meal_cards", __name__, url_prefix="/counter")
register_filters(pages)


def fen_from_yuan(text: str) -> int:
    """'50' or '12.5' yuan → fen; a page message for anything else."""
    try:
        fen = decimal.Decimal(text.strip()) * 100
    except decimal.InvalidOperation:
        fen = decimal.Decimal(-1)
    if fen != fen.to_integral_value() or not 0 < fen <= MAX_TOP_UP_FEN:
        raise Problem(_("Enter an amount between 0.01 and %(max)d yuan.", max=MAX_TOP_UP_FEN // 100),
                      code="page_message", status=422)
    return int(fen)


def birth_date_from(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        value = None
    if value is None or not dt.date(1900, 1, 1) <= value <= local_today():
        raise Problem(_("Please enter the birth date as a date in the past."), code="page_message", status=422)
    return value


def _card_view(community_id: str, diner_id: str) -> dict[str, Any]:
    card = meal_card.find_card(community_id, diner_id)
    return {
        "diner_id": diner_id,
        "profile": service.find_profile(community_id, diner_id),
        "card": card,
        "entries": meal_card.ledger(card, limit=20) if card else [],
        "quote": subsidy.quote(community_or_404(community_id), diner_id),
        "kiosk_card": kiosk_card.find_for_diner(community_id, diner_id),
    }


@pages.get("/<community_id>/meal-cards")
@staff_page
def card_page(community: Community, identity: Identity) -> Any:
    """Look a diner up by kiosk card number, phone or name (a list to pick from), or open one diner
    (``?diner_id=``). A search that finds nobody shows nobody: no form loads money anywhere."""
    query = request.args.get("q", "").strip()[:120]
    diner_id = request.args.get("diner_id", "").strip()
    matches: list[lookup.DinerMatch] | None = None
    view = None
    unknown = False
    if diner_id:
        try:
            service.check_diner_id(diner_id)
            lookup.known_diner(identity, community_id=community.id, diner_id=diner_id)
            view = _card_view(community.id, diner_id)
        except Problem:
            unknown = True
    elif query:
        matches = lookup.find_diners(identity, community_id=community.id, query=query)
        if len(matches) == 1:
            diner_id = matches[0].diner_id
            view = _card_view(community.id, diner_id)
    return render_template("canteen/diners/meal_cards.html", community=community, identity=identity, query=query,
                           diner_id=diner_id, view=view, matches=matches, unknown=unknown,
                           form_token=uuid.uuid4().hex)


@pages.post("/<community_id>/meal-cards/new")
@staff_page
def register(community: Community, identity: Identity) -> Any:
    """Register a diner the canteen did not know (on purpose, with a name), then show them."""
    try:
        check_same_origin()
        with transaction():
            diner_id = lookup.register_diner(identity, community_id=community.id,
                                             display_name=request.form.get("display_name", ""),
                                             phone=request.form.get("phone", ""))
    except Problem as problem:
        flash(friendly(problem), "error")
        return redirect(url_for(".card_page", community_id=community.id, q=request.form.get("display_name", "")),
                        code=303)
    flash(_("Diner registered. Open a meal card to load money."), "ok")
    return redirect(url_for(".card_page", community_id=community.id, diner_id=diner_id), code=303)


@pages.post("/<community_id>/meal-cards/<diner_id>/open")
@staff_page
def open_card(community: Community, identity: Identity, diner_id: str) -> Any:
    return act(lambda: meal_card.open_card(identity, community_id=community.id, diner_id=diner_id),
               _("Meal card opened."), url_for(".card_page", community_id=community.id, diner_id=diner_id))


@pages.post("/<community_id>/meal-cards/<diner_id>/top-ups")
@staff_page
def top_up(community: Community, identity: Identity, diner_id: str) -> Any:

    def load(staff: Identity = identity) -> None:
        service.check_diner_id(diner_id)
        token = request.form.get("form_token", "")[:64] or None
        meal_card.top_up(staff, community_id=community.id, diner_id=diner_id,
                         amount_fen=fen_from_yuan(request.form.get("amount_yuan", "")), note="counter",
                         request_ref=f"page:{token}" if token else None, open_if_missing=False)

    return act(load, _("Money loaded onto the meal card."),
               url_for(".card_page", community_id=community.id, diner_id=diner_id))


@pages.post("/<community_id>/meal-cards/<diner_id>/profile")
@staff_page
def save_profile(community: Community, identity: Identity, diner_id: str) -> Any:
    form = request.form

    def save(staff: Identity = identity) -> None:
        service.check_diner_id(diner_id)
        lookup.known_diner(staff, community_id=community.id, diner_id=diner_id)  # never a profile from nowhere
        service.save_profile(staff, community_id=community.id, diner_id=diner_id,
                             display_name=form.get("display_name", "").strip()[:120],
                             phone=form.get("phone", ""),
                             birth_date=birth_date_from(form.get("birth_date", "")),
                             groups=form.getlist("groups"),
                             subsidy_eligible=form.get("subsidy_eligible") == "yes")

    return act(save, _("Profile saved."), url_for(".card_page", community_id=community.id, diner_id=diner_id))


@pages.post("/<community_id>/meal-cards/<diner_id>/kiosk-card")
@staff_page
def issue_kiosk_card(community: Community, identity: Identity, diner_id: str) -> Any:
    form = request.form

    def issue(staff: Identity = identity) -> None:
        lookup.known_diner(staff, community_id=community.id, diner_id=diner_id)
        kiosk_card.issue(staff, community_id=community.id, diner_id=diner_id,
                         card_number=form.get("card_number", "").strip(), pin=form.get("pin", "").strip())

    return act(issue, _("Kiosk card saved: the diner can pay at the kiosk with it."),
               url_for(".card_page", community_id=community.id, diner_id=diner_id))
