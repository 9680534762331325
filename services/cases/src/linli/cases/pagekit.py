"""What the cases pages add to the suite's page kit (``linli.shared.pages``): their own words for the
problems the service raises, a staff check that takes no identity, and the date filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

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
        "invalid_transition": _l("That step does not fit where this stands now."),
        "actions_not_done": _l("Every agreed action must be done or dropped first."),
        "evidence_required": _l("Say what shows the action was done."),
        "already_invited": _l("This party is invited already."),
        "already_answered": _l("This party has answered already."),
        "already_rated": _l("This resident has rated the case already."),
        "due_in_past": _l("The answer cannot be due before today."),
        "meeting_in_future": _l("Record the minutes after the meeting."),
        "slot_full": _l("Sorry, that time is fully booked. Please choose another."),
        "slot_over": _l("That time has passed. Please choose another."),
        "mode_not_offered": _l("This item is not offered that way."),
        "wrong_slot_for_mode": _l("Visits at your door are booked in the door-to-door times, and only they."),
        "address_required": _l("A visit at your door needs your address."),
        "already_voted": _l("Your household has voted already."),
        "poll_closed": _l("This poll is closed."),
        "no_household": _l("Your account is not linked to a household; please ask the committee."),
        "household_not_found": _l("There is no such household here."),
        "not_your_case": _l("This is not a case you reported."),
        "unknown_option": _l("Please choose one of the options."),
    }


PAGE_MESSAGES = PageMessages(by_code=lambda: {code: str(text) for code, text in _by_code().items()})


def is_staff_of(identity: Identity | None, community_id: str) -> bool:
    return identity is not None and identity.is_staff_of(community_id)


def register_filters(blueprint: Any) -> None:
    blueprint.add_app_template_filter(when, "cases_when")
    blueprint.add_app_template_filter(local_date, "cases_date")
