"""Fenglin Huiyuan's service items: the first 15 services moved down to the neighbourhood hub.

The subdistrict's community affairs centre sank its first 15 service items (首批15个服务项目) down
to the compounds, e.g. medical-insurance card replacement (医保卡更换) and the senior card
(敬老卡申领): at Huiyuan's hub they are handled on the spot (当场办理). The plugin marks those
built-in items ``sunk_down`` there, and adds what the old compounds ask for: bathing help (助浴),
day care (日间照料) and the talk room. Enable it in communities.toml:
``plugins = ["fenglin_catalogue"]``.
"""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl

# the built-in items sunk down to Huiyuan's hub and handled there on the spot
SUNK_DOWN = (
    "medical-insurance-card-replacement", "senior-card", "senior-allowance", "residence-certificate",
    "ss-card-replacement", "ss-pension-survival", "job-registration", "job-unemployment-registration",
    "med-resident-enrolment", "med-reimbursement", "long-term-care-insurance", "family-birth-registration",
    "family-marriage-proof", "family-only-child-award", "disability-certificate-renewal",
)

FENGLIN_ITEMS: list[dict[str, Any]] = [
    {"code": "fenglin-bathing-help", "name_zh": "助浴服务预约", "name_en": "Bathing help booking",
     "category": "elderly", "modes": ["door_to_door", "on_site"], "online_prereview": True, "handling": "passed_on",
     "documents": ["id_card", "medical_record"], "keywords": "助浴,洗澡,bath",
     "description_zh": "为行动不便的老人预约上门或助浴点助浴", "description_en": "Bathing help at home or at the bathing point for elders who cannot manage alone"},
    {"code": "fenglin-day-care", "name_zh": "日间照料登记", "name_en": "Day care registration",
     "category": "elderly", "modes": ["on_site", "help_you_do"], "online_prereview": False, "handling": "passed_on",
     "documents": ["id_card"], "keywords": "日间照料,托老,day care",
     "description_zh": "白天独自在家的老人到邻里小汇为老服务活动室日间照料：午餐、休息和康复活动，傍晚回家"
                       "（长者照护之家的申请另见「长者照护之家/日间照料申请」）",
     "description_en": "Day care at the hub's elderly-service room for elders alone at home in the daytime: lunch, "
                       "rest and activities, home by evening (a place in a care home: see 'Day care or respite')"},
    {"code": "fenglin-talk-room", "name_zh": "谈心室预约", "name_en": "Talk room appointment",
     "category": "neighbourhood", "modes": ["on_site"], "online_prereview": False, "handling": "on_the_spot"},
]


@hookimpl
def service_items(community: Any) -> list[dict[str, Any]]:
    sunk = [{"code": code, "sunk_down": True, "handling": "on_the_spot"} for code in SUNK_DOWN]
    return [*sunk, *(dict(item) for item in FENGLIN_ITEMS)]
