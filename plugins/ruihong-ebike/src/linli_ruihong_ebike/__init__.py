"""ruihong-ebike: Ruihong Xincheng's e-bike safety items in the cases catalogue.

Residents asked the committee about e-bikes charged in corridors; under the invitation mechanism
(约请制) the committee, the property company and a unit built a charging garage with chargers,
extinguishers and alarms in half of the unit's warehouse. Two service items follow from it:
registering an e-bike for a place in the garage, and a door-to-door fire-safety check.

Enable it for a community in communities.toml: ``plugins = ["ruihong_ebike"]``; its settings live
in ``[communities.<id>.settings.ruihong_ebike]``: ``garage_zh`` / ``garage_en`` (where the garage is).
See docs/plugins/hooks.md for every hook you can implement.
"""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl


@hookimpl
def service_items(community: Any) -> list[dict[str, Any]]:
    """The garage registration (named after the community's garage) and the fire-safety check."""
    settings = community.setting("ruihong_ebike", {})
    garage_zh, garage_en = settings.get("garage_zh", "集中充电车库"), settings.get("garage_en", "charging garage")
    return [
        {"code": "ruihong-ebike-garage", "name_zh": f"电动自行车{garage_zh}车位登记",
         "name_en": f"E-bike place in the {garage_en}", "category": "neighbourhood",
         "modes": ["on_site", "self_service"], "online_prereview": True, "handling": "on_the_spot",
         "keywords": "电动车,充电,车库,e-bike,charging"},
        {"code": "ruihong-fire-check", "name_zh": "居家消防安全上门检查", "name_en": "Home fire-safety check",
         "category": "neighbourhood", "modes": ["door_to_door"], "online_prereview": False,
         "handling": "passed_on", "keywords": "消防,灭火器,fire"},
    ]
