"""The ordering steps the kiosk, the phone page and the counter share: pick a meal service → dishes
(full or half) and set meals → cart → pay → pickup number with QR code.

A flow (kiosk, phone, counter) is data: a :class:`Flow` whose flags say what differs. The views are
plain functions of a :class:`Page` (the flow, the community, who is there); ``ordering_blueprint(flow)``
mounts the routes of :data:`ROUTES` a flow offers under ``<prefix>/<community_id><base>``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from linli.canteen.diners import kiosk_card, lookup
from linli.canteen.menu import service as menu
from linli.canteen.orders import service as orders
from linli.canteen.pages import cart, kiosk_diner
from linli.canteen.pages.common import choose_community_page, register_filters
from linli.canteen.payments import checkout as paying
from linli.canteen.payments import service as payments
from linli.canteen.payments import stripe_gateway
from linli.canteen.today.service import check_stock, menu_of_the_day
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import transaction, utcnow
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
    """One way of ordering. Views and templates read these flags, never the flow's name."""

    name: str  # blueprint name and cart key
    channel: str  # the order's channel
    prefix: str  # URL prefix
    base: str  # path after the community id
    body_class: str
    title: str = ""
    days_ahead: int = 0  # pre-ordering: how many days after today may be chosen (and "my orders")
    staff: bool = False  # counter staff order for a diner
    card_sign_in: bool = False  # a diner may say who they are with a kiosk card number and PIN
    skip_single_service: bool = False  # one meal open: straight to its menu
    plain_menu: bool = False  # dish cards without descriptions, and a word on what a half portion is
    shared_screen: bool = False  # a screen strangers share: no navigation bar, back to the start when done

    @property
    def offers_card(self) -> bool:
        return not self.staff

    @property
    def pre_orders(self) -> bool:
        return self.days_ahead > 0

    @property
    def feedback_via(self) -> str:
        """Where the rating page looks like the screen the diner ordered on."""
        return "kiosk" if self.shared_screen else "phone"


@dataclass
class Page:
    """What a flow's view knows about the request: the flow, the community, who is there, and
    whether they may."""

    flow: Flow
    community: Community
    identity: Identity | None
    allowed: bool

    def render(self, template: str, **context: Any) -> str:
        return render_template(f"canteen/order/{template}", flow=self.flow, community=self.community,
                               identity=self.identity, **context)

    def url(self, endpoint: str, **values: Any) -> str:
        return url_for(endpoint, community_id=self.community.id, **values)

    def cart(self, meal_service_id: int) -> list[dict[str, Any]]:
        return cart.load(self.flow.name, self.community.id, meal_service_id)

    def save_cart(self, meal_service_id: int, lines: list[dict[str, Any]]) -> None:
        cart.save(self.flow.name, self.community.id, meal_service_id, lines)


def _page(flow: Flow, community_id: str) -> Page:
    community = community_or_404(community_id)
    if flow.staff:
        identity = staff_of(community_id)
        return Page(flow, community, identity, identity is not None)
    identity = signed_in()
    if identity is not None and not identity.belongs_to(community_id):
        identity = None  # a diner of another canteen orders here anonymously
    if identity is None and flow.card_sign_in:
        identity = kiosk_diner.current(community_id)
    return Page(flow, community, identity, True)


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


def _stripe_key(page: Page) -> str | None:
    config = stripe_gateway.settings()
    if not page.flow.offers_card or not config.publishable_key or "stripe" not in payments.providers_for(page.community):
        return None
    return config.publishable_key


def _mode(entry: dict[str, Any], asked: str | None, default: str | None) -> str | None:
    """The way of eating asked for (dine in, take away) when the meal service offers it."""
    return asked if asked in entry["modes"] else default


# --- choosing: the canteen, the meal service, the dishes --------------------------------------


def choose(flow: Flow) -> Any:
    if request.args.get("community"):
        return redirect(url_for(".services", community_id=request.args["community"]))
    return choose_community_page(flow.title, f"canteen_{flow.name}.services", flow.body_class)


def services(page: Page) -> Any:
    flow = page.flow
    today = local_today()
    days = [today + dt.timedelta(days=n) for n in range(flow.days_ahead + 1)]
    day, date_problem = menu.day_from_query(request.args.get("date"), days_ahead=flow.days_ahead)
    entries = menu_of_the_day(page.community.id, day)["services"]
    open_entries = [e for e in entries if e["ordering_open"]]
    if len(open_entries) == 1 and flow.skip_single_service:
        return redirect(page.url(".menu_page", meal_service_id=open_entries[0]["id"]))
    return page.render("services.html", entries=entries, days=days, day=day, date_problem=date_problem,
                       next_open=None if open_entries else menu.next_open_service(page.community.id))


def mine(page: Page) -> Any:
    """The signed-in diner's orders here, newest first, each with its pickup number."""
    if page.identity is None:
        return redirect(sign_in_url())
    return page.render("mine.html", orders=orders.list_orders(page.identity, community_id=page.community.id,
                                                              limit=30))


def _menu_context(page: Page, entry: dict[str, Any]) -> dict[str, Any]:
    return {"entry": entry, "cart": cart.view(entry, page.cart(entry["id"]))}


def menu_page(page: Page, meal_service_id: int) -> Any:
    entry = _service_entry(page.community.id, meal_service_id)
    return page.render("menu.html", **_menu_context(page, entry))


# --- the cart ----------------------------------------------------------------------------------


def _cart_fragment(page: Page, meal_service_id: int) -> Callable[[], str]:
    def fragment() -> str:
        entry = _service_entry(page.community.id, meal_service_id)
        return page.render("_cart.html", **_menu_context(page, entry))

    return fragment


def _new_line(entry: dict[str, Any], form: Any) -> dict[str, Any]:
    """The cart line a menu card's form posts: a set meal with its choices, a retail good or a dish."""
    if form.get("kind") == "set_meal":
        picked = {int(k.split("-", 1)[1]): [int(v) for v in form.getlist(k) if v.isdigit()]
                  for k in form if k.startswith("group-") and k.split("-", 1)[1].isdigit()}
        return cart.set_meal_line(entry, _form_id(form, "set_meal_id"), picked)
    if form.get("kind") == "retail":
        return cart.retail_line(entry, _form_id(form, "retail_item_id"))
    return cart.dish_line(entry, _form_id(form, "dish_id"), form.get("portion", "full"))


def cart_add(page: Page, meal_service_id: int) -> Any:
    def add() -> None:
        entry = _service_entry(page.community.id, meal_service_id)
        if not entry["ordering_open"]:
            raise Problem("closed", code="ordering_closed")
        lines = cart.add(page.cart(meal_service_id), _new_line(entry, request.form),
                         orders.line_limit(page.flow.channel))
        check_stock(entry, lines)
        page.save_cart(meal_service_id, lines)

    return act(add, _("Added to your order."), page.url(".menu_page", meal_service_id=meal_service_id),
               _cart_fragment(page, meal_service_id))


def cart_change(page: Page, meal_service_id: int, index: int) -> Any:
    delta = 1 if request.form.get("delta") == "1" else -1

    def change() -> None:
        lines = cart.change(page.cart(meal_service_id), index, delta, orders.line_limit(page.flow.channel))
        if delta > 0:
            check_stock(_service_entry(page.community.id, meal_service_id), lines)
        page.save_cart(meal_service_id, lines)

    message = _("One more added.") if delta > 0 else _("One taken off.")
    return act(change, message, page.url(".menu_page", meal_service_id=meal_service_id),
               _cart_fragment(page, meal_service_id))


# --- paying ------------------------------------------------------------------------------------


def pay(page: Page, meal_service_id: int) -> Any:
    entry = _service_entry(page.community.id, meal_service_id)
    lines = page.cart(meal_service_id)
    if not lines:
        flash(_("Your order is empty. Please add a dish first."), "error")
        return redirect(page.url(".menu_page", meal_service_id=meal_service_id))
    diner = page.identity if page.identity is not None and not page.flow.staff else None
    summary = kiosk_diner.summary(page.community, diner.subject) if diner is not None else None
    return page.render("pay.html", entry=entry, cart=cart.view(entry, lines), diner=diner, diner_summary=summary,
                       mode=_mode(entry, request.args.get("mode"), entry["modes"][0]), stripe_key=_stripe_key(page),
                       pickup_times=_pickup_times(entry) if page.flow.pre_orders else [])


def _diner_for(page: Page, query: str) -> str | None:
    """The diner counter staff order for (card number, phone, name or account), else nobody."""
    if not page.flow.staff or not query.strip():
        return None
    assert page.identity is not None
    return lookup.resolve_diner(page.identity, community_id=page.community.id, query=query)


def checkout(page: Page, meal_service_id: int) -> Any:
    form = request.form
    try:
        check_same_origin()
        pickup_time = dt.datetime.fromisoformat(form["pickup_time"]) if form.get("pickup_time") else None
        with transaction():
            diner_id = _diner_for(page, form.get("diner_id") or "")
        rate_limit("order", caller_key(page.identity))  # LINLI_ORDER_RATE_LIMIT, per kiosk or person
        order, extra = paying.place_and_pay(
            page.identity, community_id=page.community.id, meal_service_id=meal_service_id,
            lines=cart.order_lines(page.cart(meal_service_id)), method=form.get("method", "cash"),
            mode=form.get("mode", "dine_in"), channel=page.flow.channel, pickup_time=pickup_time, diner_id=diner_id)
    except (Problem, ValueError) as problem:
        flash(friendly(problem) if isinstance(problem, Problem) else _("Please check the pickup time."), "error")
        return redirect(page.url(".pay", meal_service_id=meal_service_id), code=303)
    page.save_cart(meal_service_id, [])
    if page.flow.card_sign_in:
        kiosk_diner.forget()  # one order per card sign-in: the next person starts anonymous
    if extra.get("client_secret"):
        session["canteen_card"] = {"order_id": order.id, "client_secret": extra["client_secret"]}
    return redirect(page.url(".order_page", order_id=order.id, ref=order.pickup_ref), code=303)


# --- the kiosk card: a diner says who they are with its number and PIN --------------------------


def _card_error(problem: Problem, card_number: str) -> str:
    """What a failed card sign-in tells the diner, with the tries left before the card locks."""
    if problem.code != "wrong_card_or_pin":
        return friendly(problem)
    left = kiosk_diner.attempts_left(problem.extras, card_number, kiosk_card.MAX_ATTEMPTS)
    if left == 0:  # this try used up the last one
        return _("The card number or the PIN is not right. The card is locked now for 15 "
                 "minutes; please ask at the counter.")
    if left <= 2:
        return _("The card number or the PIN is not right. %(n)d more tries, then the card "
                 "is locked for 15 minutes.", n=left)
    return friendly(problem)


def card_sign_in(page: Page, meal_service_id: int) -> Any:
    entry = _service_entry(page.community.id, meal_service_id)
    mode = _mode(entry, request.values.get("mode"), None)
    if request.method == "GET":
        return page.render("card.html", entry=entry, mode=mode, card_number="", error=None)
    card_number = request.form.get("card_number", "").strip()[:16]
    try:
        check_same_origin()
        rate_limit("pin", client_address())  # one kiosk trying many cards (each card locks itself)
        with transaction():
            diner_id = kiosk_card.sign_in(community_id=page.community.id, card_number=card_number,
                                          pin=request.form.get("pin", "").strip())
    except Problem as problem:
        if problem.status == 429:  # too many tries from this kiosk: say when to try again
            error = _("Too many tries here; please wait %(n)d seconds and try again.",
                      n=problem.extras.get("retry_after", 60))
            return page.render("card.html", entry=entry, mode=mode, card_number=card_number,
                               error=error), 429, problem.headers
        # the card number stays typed in: only the PIN is asked again
        return page.render("card.html", entry=entry, mode=mode, card_number=card_number,
                           error=_card_error(problem, card_number))
    kiosk_diner.remember(page.community.id, diner_id)
    flash(_("Hello! Your meal card is ready to pay."), "ok")
    return redirect(page.url(".pay", meal_service_id=meal_service_id, mode=mode), code=303)


def card_forget(page: Page) -> Any:
    check_same_origin()
    kiosk_diner.forget()
    return redirect(page.url(".services"), code=303)


# --- the order: pickup number, QR code, its state ------------------------------------------------


def _order_context(page: Page, order_id: int) -> dict[str, Any]:
    order = orders.access_order(page.identity, order_id, request.args.get("ref"))
    if order.community_id != page.community.id:
        abort(404)
    summary = payments.summary_of(order)  # access_order checked the viewer (diner, staff or reference)
    card = session.get("canteen_card") or {}
    return {"order": order, "summary": summary, "local": order.created_at.astimezone(LOCAL_TZ),
            "client_secret": card.get("client_secret") if card.get("order_id") == order.id else None,
            "stripe_key": _stripe_key(page), "expiry_minutes": orders.expiry_minutes(),
            "cash_pending": any(p.provider == "cash" and p.state == "pending" for p in summary["payments"])}


def order_page(page: Page, order_id: int) -> Any:
    if request.args.get("payment_intent"):  # back from Stripe: ask it whether the money arrived
        paying.confirm_on_return(page.identity, order_id, request.args.get("ref"))
        session.pop("canteen_card", None)
    return page.render("done.html", **_order_context(page, order_id))


def order_status(page: Page, order_id: int) -> Any:
    return page.render("_status.html", **_order_context(page, order_id))


# --- the routes, and which flow offers which -------------------------------------------------------


@dataclass(frozen=True)
class Route:
    rule: str  # after ``/<community_id><base>``
    view: Callable[..., Any]
    methods: tuple[str, ...] = ("GET",)
    offered_if: str | None = None  # a flag of the flow the route needs


ROUTES = (
    Route("", services),
    Route("/mine", mine, offered_if="pre_orders"),
    Route("/<int:meal_service_id>", menu_page),
    Route("/<int:meal_service_id>/cart", cart_add, ("POST",)),
    Route("/<int:meal_service_id>/cart/<int:index>", cart_change, ("POST",)),
    Route("/<int:meal_service_id>/pay", pay),
    Route("/<int:meal_service_id>/pay", checkout, ("POST",)),
    Route("/<int:meal_service_id>/card", card_sign_in, ("GET", "POST"), offered_if="card_sign_in"),
    Route("/card/forget", card_forget, ("POST",), offered_if="card_sign_in"),
    Route("/orders/<int:order_id>", order_page),
    Route("/orders/<int:order_id>/status", order_status),
)


def _endpoint(flow: Flow, view: Callable[..., Any]) -> Callable[..., Any]:
    """``view`` as a route: its :class:`Page` built for ``flow``, or the sign-in page for who may not."""

    @functools.wraps(view)
    def endpoint(community_id: str, **kwargs: Any) -> Any:
        page = _page(flow, community_id)
        if not page.allowed:
            return sign_in_page(page.community)
        return view(page, **kwargs)

    return endpoint


def ordering_blueprint(flow: Flow) -> Blueprint:
    pages = Blueprint(f"canteen_{flow.name}", __name__, url_prefix=flow.prefix)
    register_filters(pages)
    if not flow.staff:  # a link without a canteen: choose one (staff come from their counter)
        # a named function, not a bare partial: Flask and its extensions name a view by its __name__
        pages.add_url_rule("", "choose", functools.update_wrapper(functools.partial(choose, flow), choose))
    for route in ROUTES:
        if route.offered_if is None or getattr(flow, route.offered_if):
            pages.add_url_rule(f"/<community_id>{flow.base}{route.rule}", route.view.__name__,
                               _endpoint(flow, route.view), methods=list(route.methods))
    return pages
