"""The ordering steps the kiosk, the phone page and the counter share: pick a meal service → dishes
(full or half) and set meals → cart → pay → pickup number with QR code.

``ordering_blueprint(flow)`` builds the routes of one flow under ``<prefix>/<community_id><base>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from linli.canteen.diners import kiosk_card, lookup
from linli.canteen.extensions import db
from linli.canteen.menu import service as menu
from linli.canteen.orders import service as orders
from linli.canteen.orders.models import Order
from linli.canteen.pages import cart, kiosk_diner
from linli.canteen.pages.common import choose_community_page, register_filters
from linli.canteen.payments import checkout as paying
from linli.canteen.payments import service as payments
from linli.canteen.payments import stripe_gateway
from linli.canteen.today.service import menu_of_the_day
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import utcnow
from linli.shared.errors import NotFound, Problem
from linli.shared.limits import caller_key, client_address, rate_limit
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.navigation import sign_in_url
from linli.shared.pages import (
    act,
    check_same_origin,
    community_or_404,
    friendly,
    sign_in_page,
    signed_in,
    staff_of,
)

PICKUP_STEP = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Flow:
    name: str  # blueprint name and cart key
    channel: str  # the order's channel
    prefix: str  # URL prefix
    base: str  # path after the community id
    body_class: str
    days_ahead: int = 0  # pre-ordering: how many days after today may be chosen
    staff: bool = False  # counter staff order for a diner
    card_sign_in: bool = False  # a diner may say who they are with a kiosk card number and PIN
    title: str = ""

    @property
    def offers_card(self) -> bool:
        return not self.staff


@dataclass
class Page:
    """What a flow's view knows about the request: the community, who is there, and whether they may."""

    community: Community
    identity: Identity | None
    allowed: bool


def _page(flow: Flow, community_id: str) -> Page:
    community = community_or_404(community_id)
    if flow.staff:
        identity = staff_of(community_id)
        return Page(community, identity, identity is not None)
    identity = signed_in()
    if identity is not None and not identity.belongs_to(community_id):
        identity = None  # a diner of another canteen orders here anonymously
    if identity is None and flow.card_sign_in:
        identity = kiosk_diner.current(community_id)
    return Page(community, identity, True)


def _service_entry(community_id: str, meal_service_id: int) -> dict[str, Any]:
    try:
        meal_service = menu.get_meal_service(meal_service_id)
    except NotFound:
        abort(404)
    if meal_service.community_id != community_id:
        abort(404)
    day_menu = menu_of_the_day(community_id, meal_service.service_date)
    entry = next(s for s in day_menu["services"] if s["id"] == meal_service_id)
    entry["retail"] = day_menu["retail"]
    return entry


def _form_id(form: Any, key: str) -> int:
    """An id posted by a form; anything but digits reads as 0, which no dish, set meal or good has."""
    value = form.get(key, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _pickup_times(entry: dict[str, Any]) -> list[dt.datetime]:
    start = dt.datetime.fromisoformat(entry["starts_at"])
    end = dt.datetime.fromisoformat(entry["ends_at"])
    now = utcnow()
    times = []
    slot = start
    while slot <= end:
        if slot >= now:
            times.append(slot)
        slot += PICKUP_STEP
    return times


def _stripe_key(community: Community) -> str | None:
    config = stripe_gateway.settings()
    if not config.publishable_key or "stripe" not in payments.providers_for(community):
        return None
    return config.publishable_key


def ordering_blueprint(flow: Flow) -> Blueprint:
    pages = Blueprint(f"canteen_{flow.name}", __name__, url_prefix=flow.prefix)
    register_filters(pages)
    root = f"/<community_id>{flow.base}"

    def render(template: str, page: Page, **context: Any) -> str:
        return render_template(f"canteen/order/{template}", flow=flow, community=page.community,
                               identity=page.identity, **context)

    def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(community_id: str, **kwargs: Any) -> Any:
            page = _page(flow, community_id)
            if not page.allowed:
                return sign_in_page(page.community)
            return view(page, **kwargs)

        wrapper.__name__ = view.__name__
        return wrapper

    if not flow.staff:
        @pages.get("")
        def choose() -> Any:
            if request.args.get("community"):
                return redirect(url_for(".services", community_id=request.args["community"]))
            return choose_community_page(flow.title, f"canteen_{flow.name}.services", flow.body_class)

    @pages.get(root)
    @guarded
    def services(page: Page) -> Any:
        today = local_today()
        days = [today + dt.timedelta(days=n) for n in range(flow.days_ahead + 1)]
        day, date_problem = menu.day_from_query(request.args.get("date"), days_ahead=flow.days_ahead)
        entries = menu_of_the_day(page.community.id, day)["services"]
        open_entries = [e for e in entries if e["ordering_open"]]
        if len(open_entries) == 1 and flow.name == "kiosk":  # one meal to choose: skip the step
            return redirect(url_for(".menu_page", community_id=page.community.id, meal_service_id=open_entries[0]["id"]))
        return render("services.html", page, entries=entries, days=days, day=day, date_problem=date_problem,
                      next_open=None if open_entries else menu.next_open_service(page.community.id))

    if flow.days_ahead:
        @pages.get(f"{root}/mine")
        @guarded
        def mine(page: Page) -> Any:
            """The signed-in diner's orders here, newest first, each with its pickup number."""
            if page.identity is None:
                return redirect(sign_in_url())
            return render("mine.html", page, orders=orders.list_orders(page.identity, community_id=page.community.id,
                                                                      limit=30))

    def menu_context(page: Page, entry: dict[str, Any]) -> dict[str, Any]:
        lines = cart.load(flow.name, page.community.id, entry["id"])
        return {"entry": entry, "cart": cart.view(entry, lines)}

    @pages.get(f"{root}/<int:meal_service_id>")
    @guarded
    def menu_page(page: Page, meal_service_id: int) -> Any:
        entry = _service_entry(page.community.id, meal_service_id)
        return render("menu.html", page, **menu_context(page, entry))

    def cart_fragment(page: Page, meal_service_id: int) -> Callable[[], str]:
        def fragment() -> str:
            entry = _service_entry(page.community.id, meal_service_id)
            return render("_cart.html", page, **menu_context(page, entry))

        return fragment

    @pages.post(f"{root}/<int:meal_service_id>/cart")
    @guarded
    def cart_add(page: Page, meal_service_id: int) -> Any:
        form = request.form

        def add() -> None:
            entry = _service_entry(page.community.id, meal_service_id)
            if not entry["ordering_open"]:
                raise Problem("closed", code="ordering_closed")
            if form.get("kind") == "set_meal":
                picked = {int(k.split("-", 1)[1]): [int(v) for v in form.getlist(k) if v.isdigit()]
                          for k in form if k.startswith("group-") and k.split("-", 1)[1].isdigit()}
                new = cart.set_meal_line(entry, _form_id(form, "set_meal_id"), picked)
            elif form.get("kind") == "retail":
                new = cart.retail_line(entry, _form_id(form, "retail_item_id"))
            else:
                new = cart.dish_line(entry, _form_id(form, "dish_id"), form.get("portion", "full"))
            lines = cart.add(cart.load(flow.name, page.community.id, meal_service_id), new,
                             orders.line_limit(flow.channel))
            cart.check_stock(entry, lines)
            cart.save(flow.name, page.community.id, meal_service_id, lines)

        return act(add, _("Added to your order."), url_for(".menu_page", community_id=page.community.id,
                                                           meal_service_id=meal_service_id),
                   cart_fragment(page, meal_service_id))

    @pages.post(f"{root}/<int:meal_service_id>/cart/<int:index>")
    @guarded
    def cart_change(page: Page, meal_service_id: int, index: int) -> Any:
        delta = 1 if request.form.get("delta") == "1" else -1

        def change() -> None:
            lines = cart.change(cart.load(flow.name, page.community.id, meal_service_id), index, delta,
                                orders.line_limit(flow.channel))
            if delta > 0:
                cart.check_stock(_service_entry(page.community.id, meal_service_id), lines)
            cart.save(flow.name, page.community.id, meal_service_id, lines)

        message = _("One more added.") if delta > 0 else _("One taken off.")
        return act(change, message, url_for(".menu_page", community_id=page.community.id,
                                            meal_service_id=meal_service_id), cart_fragment(page, meal_service_id))

    @pages.get(f"{root}/<int:meal_service_id>/pay")
    @guarded
    def pay(page: Page, meal_service_id: int) -> Any:
        entry = _service_entry(page.community.id, meal_service_id)
        lines = cart.load(flow.name, page.community.id, meal_service_id)
        if not lines:
            flash(_("Your order is empty. Please add a dish first."), "error")
            return redirect(url_for(".menu_page", community_id=page.community.id, meal_service_id=meal_service_id))
        diner = page.identity if page.identity is not None and not flow.staff else None
        summary = kiosk_diner.summary(page.community, diner.subject) if diner is not None else None
        mode = request.args.get("mode") if request.args.get("mode") in entry["modes"] else entry["modes"][0]
        return render("pay.html", page, entry=entry, cart=cart.view(entry, lines), diner=diner, diner_summary=summary,
                      mode=mode,
                      stripe_key=_stripe_key(page.community) if flow.offers_card else None,
                      pickup_times=_pickup_times(entry) if flow.days_ahead else [])

    @pages.post(f"{root}/<int:meal_service_id>/pay")
    @guarded
    def checkout(page: Page, meal_service_id: int) -> Any:
        form = request.form
        back = url_for(".pay", community_id=page.community.id, meal_service_id=meal_service_id)
        method = form.get("method", "cash")
        order: Order | None = None
        try:
            check_same_origin()
            lines = cart.load(flow.name, page.community.id, meal_service_id)
            pickup_time = None
            if form.get("pickup_time"):
                pickup_time = dt.datetime.fromisoformat(form["pickup_time"])
            diner_id = None
            if flow.staff and (form.get("diner_id") or "").strip():  # card number, phone, name or account
                assert page.identity is not None
                diner_id = lookup.resolve_diner(page.identity, community_id=page.community.id,
                                                query=form["diner_id"])
            rate_limit("order", caller_key(page.identity))
            order = orders.place_order(page.identity, community_id=page.community.id,
                                       meal_service_id=meal_service_id, lines=cart.order_lines(lines),
                                       mode=form.get("mode", "dine_in"), channel=flow.channel,
                                       pickup_time=pickup_time, diner_id=diner_id)
            _payment, extra = paying.pay_order(page.identity, order, method)
        except (Problem, ValueError) as problem:
            db.session.rollback()
            if order is not None:  # placed but not paid: give the stock back at once
                try:
                    orders.cancel_order(page.identity, order.id, order.pickup_ref)
                except Problem:
                    db.session.rollback()
            flash(friendly(problem) if isinstance(problem, Problem) else _("Please check the pickup time."),
                  "error")
            return redirect(back, code=303)
        cart.save(flow.name, page.community.id, meal_service_id, [])
        if flow.card_sign_in:
            kiosk_diner.forget()  # one order per card sign-in: the next person starts anonymous
        if extra.get("client_secret"):
            session["canteen_card"] = {"order_id": order.id, "client_secret": extra["client_secret"]}
        return redirect(url_for(".order_page", community_id=page.community.id, order_id=order.id,
                                ref=order.pickup_ref), code=303)

    if flow.card_sign_in:
        @pages.route(f"{root}/<int:meal_service_id>/card", methods=["GET", "POST"])
        @guarded
        def card_sign_in(page: Page, meal_service_id: int) -> Any:
            entry = _service_entry(page.community.id, meal_service_id)
            mode = request.values.get("mode") if request.values.get("mode") in entry["modes"] else None
            if request.method == "GET":
                return render("card.html", page, entry=entry, mode=mode, card_number="", error=None)
            card_number = request.form.get("card_number", "").strip()[:16]
            try:
                check_same_origin()
                rate_limit("pin", client_address())
                diner_id = kiosk_card.sign_in(community_id=page.community.id, card_number=card_number,
                                              pin=request.form.get("pin", "").strip())
            except Problem as problem:
                db.session.rollback()
                error = friendly(problem)
                if problem.code == "wrong_card_or_pin":
                    left = kiosk_diner.attempts_left(problem.extras, card_number, kiosk_card.MAX_ATTEMPTS)
                    if left == 0:  # this try used up the last one
                        error = _("The card number or the PIN is not right. The card is locked now for 15 "
                                  "minutes; please ask at the counter.")
                    elif left <= 2:
                        error = _("The card number or the PIN is not right. %(n)d more tries, then the card "
                                  "is locked for 15 minutes.", n=left)
                # the card number stays typed in: only the PIN is asked again
                page_answer = render("card.html", page, entry=entry, mode=mode, card_number=card_number, error=error)
                if problem.status == 429:  # too many tries from this kiosk: say when to try again
                    error = _("Too many tries here; please wait %(n)d seconds and try again.",
                              n=problem.extras.get("retry_after", 60))
                    page_answer = render("card.html", page, entry=entry, mode=mode, card_number=card_number,
                                         error=error)
                    return page_answer, 429, problem.headers
                return page_answer
            kiosk_diner.remember(page.community.id, diner_id)
            flash(_("Hello! Your meal card is ready to pay."), "ok")
            return redirect(url_for(".pay", community_id=page.community.id, meal_service_id=meal_service_id,
                                    mode=mode), code=303)

        @pages.post(f"{root}/card/forget")
        @guarded
        def card_forget(page: Page) -> Any:
            check_same_origin()
            kiosk_diner.forget()
            return redirect(url_for(".services", community_id=page.community.id), code=303)

    def order_context(page: Page, order_id: int) -> dict[str, Any]:
        order = orders.access_order(page.identity, order_id, request.args.get("ref"))
        if order.community_id != page.community.id:
            abort(404)
        summary = payments.summary_of(order)  # access_order checked the viewer (diner, staff or reference)
        card = session.get("canteen_card") or {}
        return {"order": order, "summary": summary, "local": order.created_at.astimezone(LOCAL_TZ),
                "client_secret": card.get("client_secret") if card.get("order_id") == order.id else None,
                "stripe_key": _stripe_key(page.community) if flow.offers_card else None,
                "expiry_minutes": orders.expiry_minutes(),
                "cash_pending": any(p.provider == "cash" and p.state == "pending" for p in summary["payments"])}

    @pages.get(f"{root}/orders/<int:order_id>")
    @guarded
    def order_page(page: Page, order_id: int) -> Any:
        if request.args.get("payment_intent"):  # back from Stripe: ask it whether the money arrived
            _confirm_card(page, order_id)
        return render("done.html", page, **order_context(page, order_id))

    @pages.get(f"{root}/orders/<int:order_id>/status")
    @guarded
    def order_status(page: Page, order_id: int) -> Any:
        return render("_status.html", page, **order_context(page, order_id))

    return pages


def _confirm_card(page: Page, order_id: int) -> None:
    order = orders.access_order(page.identity, order_id, request.args.get("ref"))
    for payment in payments.order_payments(order.id):
        provider = payments.provider_of(payment)
        if provider is not None and provider.needs_client_confirmation and payment.state in ("created", "pending"):
            try:
                payments.confirm_payment(page.identity, payment.id, ref=order.pickup_ref)
            except Problem:
                db.session.rollback()
    session.pop("canteen_card", None)
