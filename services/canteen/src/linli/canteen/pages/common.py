"""What the canteen's pages add to the shared page kit (``linli.shared.pages``): the canteen's
template filters, its wording of order and payment states, the page to pick a canteen, the day a
staff page shows with its day tabs, and the words its pages use for the service's problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from linli.canteen.menu import service as menu
from linli.shared.communities import Community
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.pages import (
    PageMessages,
    is_en,
    local_date,
    local_time,
    money,
    name,
)
from linli.shared.state import service_state


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


def relative_day(value: dt.date | str) -> str:
    """'today', 'tomorrow 12月3日 周四' or the date: for what a day's count or deadline is about."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    today = local_today()
    if value == today:
        return _("today")
    if value == today + dt.timedelta(days=1):
        return _("tomorrow") + " " + local_date(value)
    return local_date(value)


def deadline(value: dt.datetime) -> str:
    """'13:00' today, else 'tomorrow 12月3日 周四 13:00': until when something holds."""
    local = value.astimezone(LOCAL_TZ)
    if local.date() == local_today():
        return f"{local:%H:%M}"
    return f"{relative_day(local.date())} {local:%H:%M}"


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


def choose_community_page(title: str, endpoint: str, body_class: str = "") -> str:
    """Pick a canteen (for links that carry no community)."""
    communities = service_state().communities
    return render_template("canteen/choose_community.html", title=title, endpoint=endpoint, body_class=body_class,
                           community=None, communities=[communities[c] for c in communities])


def staff_day() -> tuple[dt.date, str | None]:
    """The day a counter or kitchen page shows (``?date=``, or the form's ``date``), and why not
    when it fell back to today."""
    return menu.day_from_query(request.values.get("date"), days_back=menu.STAFF_DAYS_BACK,
                               days_ahead=menu.STAFF_DAYS_AHEAD)


def day_tabs(day: dt.date) -> list[dt.date]:
    """The days a staff page offers as tabs: today and the next two, and the day shown."""
    today = local_today()
    return sorted({today + dt.timedelta(days=n) for n in range(3)} | {day})


def problem_messages() -> Mapping[str, str]:
    """A short message a diner understands for each problem the canteen's pages meet."""
    return {
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
        "future_date": _("Waste can only be weighed for a meal service that has been: not for a future date."),
        "no_meal_service": _("There was no such meal service on that day."),
        "undo_expired": _("Undo works for one minute only. Please correct the entry instead."),
        "not_your_entry": _("Only who weighed it can take it back."),
        "entry_not_current": _("This entry has changed already."),
        "empty_feedback": _("Give stars for a dish or write a comment."),
        "complaint_needs_comment": _("A complaint needs a comment that says what was wrong."),
        "already_raised": _("This complaint has been passed on already."),
    }


PAGE_MESSAGES = PageMessages(by_code=problem_messages, details_are_messages=False)
