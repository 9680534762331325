"""Fenglin Huiyuan's service items: the first services moved down to the neighbourhood hub.

In the hub these are handled on the spot (当场办理), passed on (转告受理) or the path is
explained (告知路径). Enable it for a community in communities.toml: ``plugins = ["fenglin_catalogue"]``.
"""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl

FENGLIN_ITEMS: list[dict[str, Any]] = [
    {"code": "medical-insurance-card-replacement", "name_zh": "医保卡补办(邻里小汇当场办理)",
     "name_en": "Medical insurance card replacement (on the spot at the hub)",
     "category": "health", "modes": ["on_site"], "online_prereview": True, "handling": "on_the_spot"},
    {"code": "fenglin-bathing-help", "name_zh": "助浴服务预约", "name_en": "Bathing help booking",
     "category": "elderly", "modes": ["door_to_door"], "online_prereview": False, "handling": "passed_on"},
    {"code": "fenglin-day-care", "name_zh": "日间照料登记", "name_en": "Day care registration",
     "category": "elderly", "modes": ["on_site", "help_you_do"], "online_prereview": False, "handling": "passed_on"},
    {"code": "fenglin-talk-room", "name_zh": "谈心室预约", "name_en": "Talk room appointment",
     "category": "neighbourhood", "modes": ["on_site"], "online_prereview": False, "handling": "on_the_spot"},
]


@hookimpl
def service_items(community: Any) -> list[dict[str, Any]]:
    return [dict(item) for item in FENGLIN_ITEMS]
