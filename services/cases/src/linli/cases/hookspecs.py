"""Hook specifications of the cases service. Implement them with ``from linli.cases import hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec
def service_items(community: Any) -> list[dict[str, Any]]:
    """Return service items this community offers, each a dict with ``code``, ``name_zh``,
    ``name_en``, ``category`` and ``modes`` (any of ``on_site``, ``self_service``,
    ``help_you_do``, ``door_to_door``), optionally ``online_prereview`` (bool) and
    ``handling`` (``on_the_spot``, ``passed_on`` or ``path_explained``).

    Every plugin's items are merged; a later item with the same ``code`` replaces an earlier one,
    so a community plugin can change a built-in item.
    """
