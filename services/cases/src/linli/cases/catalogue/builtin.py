"""The built-in service items every community has (全岗通: one window for every item).

A community's settings may mark some of them delegated (委托办理, done by appointment with the
committee carrying the originals): ``[communities.<id>.settings.catalogue] delegated = [codes]``.
"""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl
from linli.cases.catalogue.items import builtin_items


@hookimpl
def service_items(community: Any) -> list[dict[str, Any]]:
    delegated = set((community.setting("catalogue") or {}).get("delegated", ()))
    items = builtin_items()
    for item in items:
        if item["code"] in delegated:
            item["delegated"] = True
            if "door_to_door" not in item["modes"]:
                item["modes"] = [*item["modes"], "door_to_door"]
    return items
