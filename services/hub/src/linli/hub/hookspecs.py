"""Hook specifications of the hub service. Implement them with ``from linli.hub import hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec(firstresult=True)
def allocate_slots(community: Any, round: Any, slots: list[Any], requests: list[Any], history: dict[int, Any],
                   seed: int) -> Any:
    """Decide a closed booking round: which requests win the contested slots.

    Arguments are plain data from ``linli.hub.rounds.policy``: ``round`` a ``RoundInfo`` (weekly quota, seed),
    ``slots`` ``SlotInfo``s (``available=False`` when booked outside the round), ``requests`` ``RequestInfo``s
    (team, slot, rank 1 = first choice), ``history`` team id -> ``TeamHistory`` (asked/won in recent rounds).
    Return one ``Decision`` per request (outcome won|lost|quota|unavailable, with a reason for the team);
    at most one winner per slot. The first plugin that returns a result decides; the built-in default is a
    seeded weighted lottery that favours teams that won less of what they asked for in recent rounds."""


@hookspec
def shift_templates(community: Any) -> list[dict[str, Any]]:
    """Return volunteer shift templates this community uses, each a dict with ``code``,
    ``name_zh``, ``name_en``, ``location_zh``, ``location_en``, optional ``room_id`` and ``weekdays``
    (0 = Monday; all days when left out) and ``slots``: a list of ``{"start": "07:00",
    "end": "09:00", "headcount": 2}`` in the community's local time (Asia/Shanghai).

    Every plugin's templates are merged; a later template with the same ``code`` replaces an
    earlier one, so a community plugin can change the built-in waste-sorting duty."""


@hookspec(firstresult=True)
def visit_frequency(community: Any, household: Any) -> Any:
    """How often the residents' committee visits a household (民情日记).

    ``household`` is a ``linli.hub.visits.rules.HouseholdProfile`` (id, groups of its residents,
    their ages). Return a ``linli.hub.visits.rules.VisitRule`` (``count`` visits per ``per``: week,
    month or year, and a short ``reason``) or None to leave the decision to the next plugin. The
    first plugin that answers decides; the built-in default visits ordinary households once a year
    and special groups as the community's settings say (``[settings.hub.visits.frequency]``, e.g.
    ``elderly_alone = "3/week"``, ``disabled = "2/week"``)."""


@hookspec
def room_time_held(community: Any, room_id: int, starts_at: Any, ends_at: Any) -> bool:
    """Say whether a room's time (aware datetimes) is held for something other than a first-come
    booking. Any ``True`` refuses a direct booking of that time (409 ``held_for_round``). The built-in
    implementation (``linli.hub.rounds.builtin``) holds the slots offered in an open booking round, so
    that bookings never have to know about rounds."""


@hookspec
def community_content(community: Any, locale: str) -> list[dict[str, Any]] | None:
    """Return the pages of text (guides, notices) this community shows residents in the hub, written in
    ``locale`` (``"zh"`` or ``"en"``): a list of dicts with ``slug`` (letters, digits, dashes), ``title``,
    optionally ``summary``, ``credit`` (who wrote or translated it) and ``sections``: a list of
    ``{"heading": ..., "text": ..., "items": [...]}`` (plain text; the page escapes it). Return only
    pages you have in that language; None or ``[]`` for the others.

    Served at ``/guides/<community>/<slug>?lang=en``. Every plugin's pages are merged by ``slug``: a later
    plugin's page replaces an earlier one with the same slug in that language. A page missing in English
    is shown in Chinese with a notice that it has not been translated. The built-in
    (``linli.hub.guides.builtin``) gives every community the Shanghai waste-sorting guide in Chinese."""
