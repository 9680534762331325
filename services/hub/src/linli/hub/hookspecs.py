"""Hook specifications of the hub service. Implement them with ``from linli.hub import hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec(firstresult=True)
def allocate_slots(community: Any, round: Any, requests: list[Any], seed: int) -> Any:
    """Decide a closed booking round: which requests win the contested slots.

    The first plugin that returns a result decides; the built-in default is a seeded weighted
    lottery that favours teams that won less of what they asked for in recent rounds."""
