"""The built-in guide every community has: Shanghai's household waste-sorting guide, in Chinese.

Shanghai sorts household waste four ways (上海市生活垃圾管理条例, 2019): recyclables, hazardous, wet
and dry waste, dropped off at fixed times at the waste room (定时定点). The times are those of the
community's waste-sorting duty (the ``shift_templates`` hook), so the guide and the volunteers'
shifts never disagree. A community plugin can give the same page in English (same ``slug``) or
replace it with its own text.
"""

from __future__ import annotations

from typing import Any

from linli.hub import hookimpl
from linli.hub.volunteers.service import shift_templates

SLUG = "waste-sorting"
WASTE_DUTY = "waste-sorting"

CATEGORIES_ZH: list[dict[str, Any]] = [
    {"heading": "可回收物", "text": "适宜回收利用的生活废弃物，请保持清洁干燥，压扁后投放。",
     "items": ["废纸张：报纸、纸板箱、书本", "废塑料：饮料瓶、塑料盒", "废玻璃制品：玻璃瓶", "废金属：易拉罐、罐头盒",
               "废织物：旧衣服、床单"]},
    {"heading": "有害垃圾", "text": "对人体健康或自然环境造成直接或潜在危害的废弃物，请轻放，防止破损。",
     "items": ["废电池：充电电池、纽扣电池", "废灯管：荧光灯管、节能灯", "废药品及其包装", "废油漆及其容器", "废温度计、血压计"]},
    {"heading": "湿垃圾", "text": "易腐的生物质废弃物。请沥干水分，破袋投放，袋子投入干垃圾。",
     "items": ["剩菜剩饭", "瓜皮果核", "食材废料：菜叶、蛋壳", "过期食品", "花卉绿植"]},
    {"heading": "干垃圾", "text": "除可回收物、有害垃圾、湿垃圾以外的其他生活废弃物。",
     "items": ["餐巾纸、卫生间用纸", "尿不湿", "烟蒂", "陶瓷碎片", "大骨头、贝壳"]},
]


def duty_hours(community_id: str) -> tuple[dict[str, Any], list[str]] | None:
    """The waste-sorting duty template of the community and its slots as ``"07:00–09:00"``."""
    template = shift_templates(community_id).get(WASTE_DUTY)
    if template is None:
        return None
    return template, [f"{slot['start']}–{slot['end']}" for slot in template["slots"]]


@hookimpl
def community_content(community: Any, locale: str) -> list[dict[str, Any]] | None:
    if locale != "zh":
        return None
    sections = [dict(section) for section in CATEGORIES_ZH]
    duty = duty_hours(community.id)
    if duty is not None:
        template, hours = duty
        sections.append({"heading": "投放时间和地点",
                         "text": f"定时定点投放：{template['location_zh']}每天开放以下时段，志愿者现场值守，帮助大家分类。",
                         "items": hours})
    return [{"slug": SLUG, "title": "生活垃圾分类投放指南",
             "summary": "上海市生活垃圾分为可回收物、有害垃圾、湿垃圾、干垃圾四类，请分类投放。",
             "credit": "居委会", "sections": sections}]
