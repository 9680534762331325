"""Hook specifications of the cases service. Implement them with ``from linli.cases import hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec
def service_items(community: Any) -> list[dict[str, Any]]:
    """Return service items this community offers, each a dict with ``code``, ``name_zh``,
    ``name_en``, ``category`` and ``modes`` (any of ``on_site``, ``self_service``,
    ``help_you_do``, ``door_to_door``), optionally ``online_prereview``, ``delegated``,
    ``sunk_down``, ``accepts_reports`` (bools), ``handling`` (``on_the_spot``, ``passed_on`` or
    ``path_explained``), ``documents`` (document codes), ``case_category``, ``keywords``.

    Every plugin's items are merged by ``code``: the fields a later plugin gives replace the earlier
    ones, so a community plugin can change a built-in item by giving only its code and what differs.
    """


@hookspec(firstresult=True)
def route_case(community: Any, case: Any) -> list[dict[str, str]] | None:
    """Return the bodies responsible for ``case`` in ``community``, whom a new case proposes to invite:
    a list of dicts with ``kind`` (``department``, ``property``, ``owners_committee``, ``unit``,
    ``company`` or ``other``), ``name`` and optionally ``contact``.

    The first plugin that returns a list wins (return None to leave the case to the next one); the
    built-in default reads ``[communities.<id>.settings.cases.routing]``, keyed by case category.
    """
