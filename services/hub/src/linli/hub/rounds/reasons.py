"""Why a round decision came out as it did, written once: the built-in policy stores the English
sentence (``RoundDecision.reason``, what the API gives) and the pages show the same sentence in the
reader's language, from the decision's recorded ``detail``. One msgid per reason, so one translation.

Plain functions with no Flask: ``describe(outcome, detail)`` gives English; pass ``translate``
(Flask-Babel's ``gettext``) for the reader's language. A plugin's own decision whose ``detail`` has no
kind these sentences know keeps the plugin's own reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(message: str) -> str:
    """Babel's marker for a message translated where it is shown."""
    return message


OUTCOME_LABELS = {"won": N_("Granted"), "lost": N_("Not granted"), "quota": N_("Not granted (quota)"),
                  "unavailable": N_("Not granted (unavailable)")}

UNCONTESTED = N_("Granted: no other team asked for this slot.")
WON_IN_QUEUE = N_("Granted: your team was at position %(position)s of %(drawn)s in the community's queue "
                  "(it had won %(won)s of the %(asked)s slots it asked for in recent rounds).")
WON_IN_LOTTERY = N_("Granted: your team drew position %(position)s of %(drawn)s in the weighted lottery "
                    "(it had won %(won)s of the %(asked)s slots it asked for in recent rounds).")
QUOTA = N_("Not granted: your team already had its weekly quota of %(quota)s slot(s) that week.")
UNAVAILABLE = N_("Not granted: the slot was booked outside the round.")
LOST_IN_QUEUE = N_("Not granted: %(winner)s was at position %(winner_position)s in the community's queue; your "
                   "team was at position %(position)s of %(drawn)s.")
LOST_IN_LOTTERY = N_("Not granted: %(winner)s drew position %(winner_position)s; your team drew position "
                     "%(position)s of %(drawn)s.")
LOST = N_("Not granted: the slot went to %(winner)s.")
GRANTED_TWICE = N_("Not granted: the slot was granted to another team.")
NO_DECISION = N_("Not granted: the allocation gave no decision for this request.")

# the kinds of ``detail`` the built-in policy (``allocate_in_order``) and the round's recording write
KNOWN_KINDS = frozenset({"uncontested", "draw", "quota", "unavailable", "taken", "none", "granted_twice"})


def _english(message: str, **params: Any) -> str:
    return message % params if params else message


def knows(outcome: str, detail: Mapping[str, Any]) -> bool:
    """Whether these sentences explain the decision (the built-in policy's and the round's own)."""
    return outcome == "unavailable" or detail.get("kind") in KNOWN_KINDS


def describe(outcome: str, detail: Mapping[str, Any], translate: Callable[..., str] = _english) -> str:
    """The sentence for a decision with this outcome and detail."""
    d = detail
    winner = d.get("winner_team") or (f"#{d['winner_team_id']}" if d.get("winner_team_id") else "?")
    in_queue = d.get("method", "lottery") != "lottery"
    if outcome == "unavailable":
        return translate(UNAVAILABLE)
    if outcome == "quota":
        return translate(QUOTA, quota=d.get("weekly_quota"))
    if outcome == "won":
        if d.get("kind") == "uncontested":
            return translate(UNCONTESTED)
        return translate(WON_IN_QUEUE if in_queue else WON_IN_LOTTERY, position=d.get("position"),
                         drawn=d.get("drawn"), won=d.get("won_recently", 0), asked=d.get("asked_recently", 0))
    if d.get("kind") == "granted_twice":
        return translate(GRANTED_TWICE)
    if d.get("kind") == "none":
        return translate(NO_DECISION)
    if d.get("winner_position"):
        return translate(LOST_IN_QUEUE if in_queue else LOST_IN_LOTTERY, winner=winner,
                         winner_position=d.get("winner_position"), position=d.get("position"), drawn=d.get("drawn"))
    return translate(LOST, winner=winner)


def explain(outcome: str, detail: Mapping[str, Any], reason: str, translate: Callable[..., str]) -> str:
    """What a page shows: the sentence in the reader's language, or a plugin's own reason as it wrote it."""
    return describe(outcome, detail, translate) if knows(outcome, detail) else reason


def label(outcome: str, translate: Callable[..., str] = _english) -> str:
    """The outcome in a word or two (Granted, Not granted, ...)."""
    return translate(OUTCOME_LABELS.get(outcome, outcome))
