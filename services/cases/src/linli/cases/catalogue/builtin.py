"""The built-in service items every community has (全岗通: one window for every item)."""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl

ITEMS: list[dict[str, Any]] = [
    {"code": "long-term-care-insurance", "name_zh": "长期护理保险申请", "name_en": "Long-term care insurance application",
     "category": "health", "modes": ["on_site", "door_to_door"], "online_prereview": True, "handling": "on_the_spot"},
    {"code": "senior-card", "name_zh": "敬老卡申领", "name_en": "Senior card application",
     "category": "elderly", "modes": ["on_site", "help_you_do"], "online_prereview": True, "handling": "on_the_spot"},
    {"code": "medical-insurance-card-replacement", "name_zh": "医保卡补办", "name_en": "Medical insurance card replacement",
     "category": "health", "modes": ["on_site", "help_you_do"], "online_prereview": True, "handling": "passed_on"},
    {"code": "residence-certificate", "name_zh": "居住证明开具", "name_en": "Certificate of residence",
     "category": "civil", "modes": ["on_site", "self_service"], "online_prereview": True, "handling": "on_the_spot"},
    {"code": "elderly-meal-subsidy", "name_zh": "老年助餐补贴申请", "name_en": "Elderly meal subsidy application",
     "category": "elderly", "modes": ["on_site", "door_to_door"], "online_prereview": False, "handling": "on_the_spot"},
    {"code": "legal-aid", "name_zh": "法律援助咨询", "name_en": "Legal aid consultation",
     "category": "legal", "modes": ["on_site"], "online_prereview": False, "handling": "path_explained"},
]


@hookimpl
def service_items(community: Any) -> list[dict[str, Any]]:
    return [dict(item) for item in ITEMS]
