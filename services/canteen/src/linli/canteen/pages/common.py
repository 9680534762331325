"""What every canteen page shares: locale and formatting filters, who is signed in, same-origin form
posts, friendly messages for the service's problems, and answering htmx or plain form posts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from linli.shared.auth import Identity, current_identity
from linli.shared.communities import Community
from linli.shared.db import utcnow
from linli.shared.errors import Forbidden, Problem
from linli.shared.money import Money
from linli.shared.state import service_state

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
WEEKDAYS_ZH = "一二三四五六日"
STAFF_ROLES = ("staff", "manager")


def is_en() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def money(fen: int | None) -> str:
    return "" if fen is None else Money(int(fen)).format()


def local_time(value: dt.datetime | str | None) -> str:
    """'11:30' in Shanghai time, from a datetime or an ISO string."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{value.astimezone(LOCAL_TZ):%H:%M}"


def local_date(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if is_en():
        return f"{value:%a} {value.day} {value:%b}"
    return f"{value.month}月{value.day}日 周{WEEKDAYS_ZH[value.weekday()]}"


def relative_day(value: dt.date | str) -> str:
    """'today', 'tomorrow' or the date, for what a day's count or deadline is about."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    today = utcnow().astimezone(LOCAL_TZ).date()
    if value == today:
        return _("today")
    if value == today + dt.timedelta(days=1):
        return _("tomorrow") + " " + local_date(value)
    return local_date(value)


def deadline(value: dt.datetime) -> str:
    """'13:00' today, else 'tomorrow 12月3日 周四 13:00': until when something holds."""
    local = value.astimezone(LOCAL_TZ)
    if local.date() == utcnow().astimezone(LOCAL_TZ).date():
        return f"{local:%H:%M}"
    return f"{relative_day(local.date())} {local:%H:%M}"


def name(item: Any, field: str = "name") -> str:
    """The English or Chinese name (or another ``field``) of a dict or model."""
    key = f"{field}_en" if is_en() else f"{field}_zh"
    value = item.get(key) if isinstance(item, dict) else getattr(item, key, "")
    if not value:  # fall back to the other language rather than show nothing
        other = f"{field}_zh" if is_en() else f"{field}_en"
        value = item.get(other) if isinstance(item, dict) else getattr(item, other, "")
    return str(value or "")


def meal_kind(kind: str) -> str:
    return {"breakfast": _("Breakfast"), "lunch": _("Lunch"), "dinner": _("Dinner"),
            "raw_takeaway": _("Raw-food takeaway window")}.get(kind, kind)


def order_state(state: str) -> str:
    return {"pending_payment": _("Waiting for payment"), "paid": _("Paid, waiting for the kitchen"),
            "preparing": _("Being prepared"), "ready": _("Ready to collect"), "collected": _("Collected"),
            "cancelled": _("Cancelled"), "refunded": _("Refunded"), "expired": _("Expired (not paid in time)")
            }.get(state, state)


def payment_state(state: str) -> str:
    return {"created": _("started"), "pending": _("not yet received"), "succeeded": _("received"),
            "failed": _("failed"), "canceled": _("cancelled")}.get(state, state)


def provider_name(identifier: str) -> str:
    return {"cash": _("Cash at the counter"), "meal_card": _("Meal card"), "stripe": _("Card / WeChat Pay / Alipay"),
            "subsidy": _("Elderly meal subsidy")}.get(identifier, identifier)


def canteen_name(community: Community) -> str:
    """The canteen's own name (settings ``[canteen]``), else the community's."""
    settings = community.setting("canteen", {}) or {}
    fallback = community.name_en if is_en() else community.name_zh
    return str(settings.get("name_en" if is_en() else "name_zh") or fallback)


def register_filters(blueprint: Blueprint) -> None:
    for func, filter_name in ((money, "money"), (local_time, "hm"), (local_date, "day"), (name, "tr"),
                              (meal_kind, "meal_kind"), (order_state, "order_state"),
                              (relative_day, "relative_day"), (deadline, "deadline"),
                              (provider_name, "provider_name"), (payment_state, "payment_state"), (canteen_name, "name")):
        blueprint.add_app_template_filter(func, f"canteen_{filter_name}")


# --- who is it --------------------------------------------------------------------------------


def signed_in() -> Identity | None:
    try:
        return current_identity()
    except Problem:  # an expired or broken cookie: treat as signed out
        return None


def community_or_404(community_id: str) -> Community:
    return service_state().communities.require(community_id)


def staff_of(community_id: str) -> Identity | None:
    """The signed-in counter or kitchen staff of this community, or None."""
    identity = signed_in()
    if identity is None or not identity.has_role(*STAFF_ROLES) or not identity.belongs_to(community_id):
        return None
    return identity


def staff_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A counter or kitchen view under ``/<community_id>/…``: called as ``view(community, identity,
    **route_args)`` for the community's staff; anyone else gets the sign-in page (401, or 403 when
    signed in without the right)."""

    @functools.wraps(view)
    def wrapper(community_id: str, **kwargs: Any) -> Any:
        community = community_or_404(community_id)
        identity = staff_of(community_id)
        if identity is None:
            return sign_in_page(community)
        return view(community, identity, **kwargs)

    return wrapper


def sign_in_page(community: Community) -> tuple[str, int]:
    identity = signed_in()
    return render_template("canteen/sign_in.html", community=community, identity=identity), 403 if identity else 401


def choose_community_page(title: str, endpoint: str, body_class: str = "") -> str:
    """Pick a canteen (for links that carry no community)."""
    communities = list(service_state().communities)
    return render_template("canteen/choose_community.html", title=title, endpoint=endpoint, body_class=body_class,
                           community=None,
                           communities=[service_state().communities[c] for c in communities])


# --- form posts -------------------------------------------------------------------------------


def check_same_origin() -> None:
    """Form posts (cookie session and cookie token) must come from our own pages."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        raise Forbidden("The form post did not say where it came from.", code="cross_site_post")
    parts = urlsplit(source)
    if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/"):
        raise Forbidden("Forms can only be sent from this site's own pages.", code="cross_site_post")


def friendly(problem: Problem) -> str:
    """A short message a diner understands, never a raw error."""
    if problem.code == "page_message" and problem.detail:
        return problem.detail  # already written for the diner
    messages = {
        "sold_out": _("Sorry, that is sold out now. Please choose something else."),
        "ordering_closed": _("Ordering for this meal has closed."),
        "no_half_portion": _("This dish has no half portion."),
        "invalid_choice": _("Please make your choices for the set meal."),
        "invalid_quantity": _("Please choose between 1 and 50."),
        "line_limit": _("That is more of one item than one order may have. For more, please ask at the counter."),
        "empty_order": _("Your order is empty. Please add a dish first."),
        "too_many_lines": _("That is too many different items for one order."),
        "unknown_dish": _("That dish is not on this menu any more."),
        "unknown_set_meal": _("That set meal is not on this menu any more."),
        "unknown_meal_service": _("That meal is not served here."),
        "diner_required": _("Paying by meal card needs your diner account. Please ask at the counter."),
        "no_meal_card": _("You have no meal card yet. Please ask at the counter."),
        "insufficient_balance": _("Your meal card does not have enough money. Please pay another way."),
        "order_expired": _("The order was not paid in time and has been cancelled. Please order again."),
        "order_not_payable": _("This order cannot be paid any more."),
        "nothing_owed": _("This order is paid already."),
        "card_declined": _("The card was declined. Nothing was charged."),
        "payment_gateway_error": _("Card payment is not available right now. Nothing was charged."),
        "stripe_not_configured": _("Card payment is not available here."),
        "unknown_provider": _("That way of paying is not offered here."),
        "invalid_transition": _("That order has moved on already."),
        "cross_site_post": _("Please use the buttons on this page."),
        "wrong_card_or_pin": _("The card number or the PIN is not right. Please try again."),
        "card_number_taken": _("This card number belongs to another diner."),
        "bad_card_number": _("A card number is 6 to 16 digits."),
        "bad_pin": _("A PIN is 4 to 6 digits."),
        "diner_not_found": _("No diner here has that card number, phone or name. Look them up on the meal card page."),
        "diner_ambiguous": _("Several diners match. Please type the card number."),
        "name_required": _("A new diner needs a name."),
        "phone_taken": _("This phone number belongs to a diner already: look them up."),
        "bad_phone": _("A phone number has 5 to 15 digits."),
        "card_locked": _("This card is locked for 15 minutes after too many wrong PINs. Please ask at the counter."),
    }
    return messages.get(problem.code or "", _("Sorry, that did not work. Please ask the staff for help."))


def notice_html(message: str, is_error: bool) -> Markup:
    """An out-of-band update of the page's ``#notice`` live region."""
    role, css = ("alert", "flash flash-error") if is_error else ("status", "flash")
    return Markup(f'<div id="notice" hx-swap-oob="true"><p class="{css}" role="{role}">{escape(message)}</p></div>')


def act(action: Callable[[], Any], success: str, back: str, fragment: Callable[[], str] | None = None) -> Any:
    """Run a page action: on htmx re-render the fragment with a notice, else flash and redirect back."""
    error = None
    try:
        check_same_origin()
        action()
    except Problem as problem:
        from linli.canteen.extensions import db

        db.session.rollback()
        error = friendly(problem)
    if request.headers.get("HX-Request") and fragment is not None:
        return Response(fragment() + str(notice_html(error or success, error is not None)))
    flash(error or success, "error" if error else "ok")
    return redirect(back, code=303)
