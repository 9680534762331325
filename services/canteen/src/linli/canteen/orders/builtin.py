"""Built-in default for ``price_adjustments``: none (promotions and subsidies come from plugins)."""

from __future__ import annotations

from typing import Any

from linli.canteen import hookimpl


@hookimpl
def price_adjustments(community: Any, order: dict[str, Any]) -> list[dict[str, Any]]:
    return []
