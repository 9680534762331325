"""Hook specifications of the canteen service. Implement them with ``from linli.canteen import hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec
def menu_annotations(community: Any, date: Any) -> dict[str, Any] | None:
    """Annotate the menu of ``date`` in ``community`` (e.g. the solar term in effect and the
    dish tags it features). Return a dict merged into the menu's ``annotations``, or None."""
