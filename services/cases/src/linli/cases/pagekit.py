"""What the cases pages add to the suite's page kit (``linli.shared.pages``): their own words for the
problems the service raises, a staff check that takes no identity, and the date filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from linli.shared.auth import Identity
from linli.shared.pages import (
    PageMessages,
    act,
    community_or_404,
    is_en,
    load_form,
    local_date,
    sign_in_page,
    signed_in,
    staff_page,
    when,
)

__all__ = ["PAGE_MESSAGES", "act", "community_or_404", "is_en", "is_staff_of", "load_form", "register_filters",
           "sign_in_page", "signed_in", "staff_page"]


def _by_code() -> Mapping[str, str]:
    return {
        "invalid_transition": _("That step does not fit where this stands now."),
        "actions_not_done": _("Every agreed action must be done or dropped first."),
        "evidence_required": _("Say what shows the action was done."),
        "already_invited": _("This party is invited already."),
        "already_answered": _("This party has answered already."),
        "already_rated": _("This resident has rated the case already."),
        "due_in_past": _("The answer cannot be due before today."),
        "meeting_in_future": _("Record the minutes after the meeting."),
        "slot_full": _("Sorry, that time is fully booked. Please choose another."),
        "slot_over": _("That time has passed. Please choose another."),
        "mode_not_offered": _("This item is not offered that way."),
        "wrong_slot_for_mode": _("Visits at your door are booked in the door-to-door times, and only they."),
        "address_required": _("A visit at your door needs your address."),
        "already_voted": _("Your household has voted already."),
        "poll_closed": _("This poll is closed."),
        "no_household": _("Your account is not linked to a household; please ask the committee."),
        "household_not_found": _("There is no such household here."),
        "not_your_case": _("This is not a case you reported."),
        "unknown_option": _("Please choose one of the options."),
    }


PAGE_MESSAGES = PageMessages(by_code=_by_code)  # read per request, so in the page's language


def is_staff_of(identity: Identity | None, community_id: str) -> bool:
    return identity is not None and identity.is_staff_of(community_id)


def register_filters(blueprint: Any) -> None:
    blueprint.add_app_template_filter(when, "cases_when")
    blueprint.add_app_template_filter(local_date, "cases_date")
