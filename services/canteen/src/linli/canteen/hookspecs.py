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
def payment_providers(community: Any) -> list[Any] | None:
    """Payment providers offered in ``community``: instances of
    ``linli.canteen.payments.base.BasePaymentProvider`` (life cycle: prepare → execute → confirm;
    refund). Built-ins: ``cash``, ``meal_card``, ``stripe`` and ``subsidy``. A provider whose
    ``identifier`` another plugin also returns replaces the built-in one; a provider whose
    ``is_available(community)`` is False is not offered."""
