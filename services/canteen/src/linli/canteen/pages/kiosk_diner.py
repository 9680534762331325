"""The kiosk remembers a diner who typed their card number and PIN, for one order only: in the
signed session cookie, bound to the community, for a few minutes, and forgotten once the order is
placed (or when the diner taps "not me"), so the next person at the kiosk starts anonymous."""

from __future__ import annotations

import time
from typing import Any

from flask import session

from linli.canteen.diners import meal_card, subsidy
from linli.canteen.diners.service import find_profile
from linli.shared.auth import Identity
from linli.shared.communities import Community

KEY = "canteen_kiosk_diner"
HOLD_SECONDS = 5 * 60


def remember(community_id: str, diner_id: str) -> None:
    session[KEY] = {"community": community_id, "diner": diner_id, "until": int(time.time()) + HOLD_SECONDS}


def forget() -> None:
    session.pop(KEY, None)


def current(community_id: str) -> Identity | None:
    held = session.get(KEY)
    if not isinstance(held, dict) or held.get("community") != community_id:
        return None
    if int(held.get("until", 0)) < time.time():
        forget()
        return None
    return Identity(subject=str(held["diner"]), roles=frozenset({"diner"}), communities=frozenset({community_id}))


TRIES_KEY = "canteen_kiosk_tries"


def attempts_left(problem_extras: dict[str, Any], card_number: str, max_attempts: int) -> int:
    """Tries left before the card locks: the card's own count when the number is a card, else this
    kiosk session's count for that number, so that a wrong number reads like a wrong PIN."""
    if problem_extras.get("attempts_left") is not None:
        return int(problem_extras["attempts_left"])
    stored = session.get(TRIES_KEY)
    tries = stored if isinstance(stored, dict) else {}
    count = int(tries.get(card_number[:16], 0)) + 1
    session[TRIES_KEY] = {card_number[:16]: count % max_attempts}  # only the last number typed
    return max_attempts - count if count < max_attempts else 0


def summary(community: Community, diner_id: str) -> dict[str, Any]:
    """What the pay page tells the diner: their name, meal card balance and today's subsidy."""
    profile = find_profile(community.id, diner_id)
    card = meal_card.find_card(community.id, diner_id)
    return {"name": profile.display_name if profile else "", "balance_fen": card.balance_fen if card else None,
            "subsidy_fen": subsidy.quote(community, diner_id)["available_fen"]}
