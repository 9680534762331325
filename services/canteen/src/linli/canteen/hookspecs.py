"""Hook specifications of the canteen service. Implement them with ``from linli.canteen import hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec
def menu_annotations(community: Any, date: Any) -> dict[str, Any] | None:
    """Annotate the menu of ``date`` in ``community`` (e.g. the solar term in effect and the
    dish tags it features). Return a dict merged into the menu's ``annotations``, or None."""


@hookspec
def price_adjustments(community: Any, order: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Price adjustments (promotions, discounts) for an order being placed, computed on the server.

    ``order`` is a draft: ``{"community_id", "meal_service": {"id", "kind", "service_date"}, "diner_id",
    "channel", "mode", "subtotal_fen", "lines": [{"kind", "dish_id", "portion", "set_meal_id",
    "retail_item_id", "quantity", "unit_price_fen", "line_total_fen"}]}``; a set meal's line also
    carries its ``set_meal_code``.
    Return a list of ``{"code", "label_zh", "label_en", "amount_fen"}`` (negative = discount) or None.
    The total never goes below zero. Default: no adjustments."""


@hookspec
def payment_providers(community: Any) -> list[Any] | None:
    """Payment providers offered in ``community``: instances of
    ``linli.canteen.payments.base.BasePaymentProvider`` (life cycle: prepare → execute → confirm;
    refund). Built-ins: ``cash``, ``meal_card``, ``stripe`` and ``subsidy``. A provider whose
    ``identifier`` another plugin also returns replaces the built-in one; a provider whose
    ``is_available(community)`` is False is not offered."""


@hookspec(firstresult=True)
def waste_assessment(community: Any, period: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any] | None:
    """Score a canteen's kitchen waste for one period (the canteen's assessment, 考核).

    ``period`` is ``{"start": date, "end": date, "by": "day"|"week"|"month"|"range"}``; ``figures`` is
    ``{"covers", "meal_services", "weighed_services", "grams": {"preparation", "unserved", "plate",
    "total"}, "edible_grams", "per_cover": {same kinds: grams per cover or None without covers},
    "targets": {kind: grams per cover}}``. Return ``{"score": 0–100 or None, "passed": bool or None,
    "method": str, "notes": [str]}``. The first plugin that answers wins; the built-in scores each
    target as 100 × target / actual (at most 100) and averages them."""
