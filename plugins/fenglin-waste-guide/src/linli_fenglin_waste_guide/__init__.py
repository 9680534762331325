"""Fenglin Huiyuan's waste-sorting guide, in Chinese and in English.

Huiyuan took the bins out of the corridors on 10 May (撤桶): household waste goes to the waste room at
set times (定时定点), where volunteers on duty help residents sort it. A resident who knows English
translated the sorting guide for the compound's 300-odd residents from abroad (seed 003). This plugin
gives Huiyuan's guide in both languages through the hub's ``community_content`` hook, with the same
``slug`` as the built-in Chinese guide, so it replaces that one there:
``/guides/fenglin-huiyuan/waste-sorting?lang=en``.

The opening hours are read from the community's waste-sorting duty (``shift_templates``; Huiyuan's
own three slots come from ``fenglin_volunteer_shifts``), so the guide and the duty never disagree.
Enable it in communities.toml: ``plugins = ["fenglin_waste_guide"]``; optional settings in
``[communities.<id>.settings.fenglin_waste_guide]``: ``credit_zh`` / ``credit_en`` (who wrote it).
"""

from __future__ import annotations

from typing import Any

from linli.hub import hookimpl
from linli.hub.volunteers.service import shift_templates

SLUG = "waste-sorting"
SETTINGS = "fenglin_waste_guide"

GUIDE: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "汇园垃圾分类指南",
        "summary": "汇园居民区5月10日起撤桶，生活垃圾请分四类，定时定点投放到垃圾箱房。",
        "credit": "汇园居民区垃圾分类志愿者",
        "sections": [
            {"heading": "可回收物", "text": "适宜回收利用的生活废弃物，请保持清洁干燥，纸箱压扁后投放。",
             "items": ["废纸张：报纸、纸板箱、书本", "废塑料：饮料瓶、塑料盒", "废玻璃：玻璃瓶、玻璃罐",
                       "废金属：易拉罐、罐头盒", "废织物：旧衣服、床单"]},
            {"heading": "有害垃圾", "text": "对人体健康或自然环境有害的废弃物，请轻放，防止破损。",
             "items": ["废电池：充电电池、纽扣电池", "废灯管：荧光灯管、节能灯", "过期药品及其包装",
                       "废油漆及其容器", "水银温度计、血压计"]},
            {"heading": "湿垃圾", "text": "易腐烂的废弃物。请沥干水分，破袋投入湿垃圾桶，袋子投入干垃圾桶。",
             "items": ["剩菜剩饭", "瓜皮果核", "菜叶、蛋壳等食材废料", "过期食品", "花卉绿植"]},
            {"heading": "干垃圾", "text": "除以上三类以外的其他生活垃圾。",
             "items": ["餐巾纸、卫生间用纸", "尿不湿", "烟蒂", "陶瓷碎片", "大骨头、贝壳"]},
        ],
        "hours": ("投放时间和地点", "请在以下时段把垃圾带到{location}，值守志愿者会帮助大家分类："),
        "questions": ("有问题找谁", "问现场值守的志愿者，或到邻里小汇前台找居委会。"),
    },
    "en": {
        "title": "Waste sorting at Huiyuan",
        "summary": "Since 10 May there are no bins in the corridors: please sort your household waste "
                   "four ways and bring it to the waste room at the set times.",
        "credit": "Translated by a Huiyuan resident for our 300-odd neighbours from abroad.",
        "sections": [
            {"heading": "Recyclables (可回收物)", "text": "Things that can be recycled. Keep them clean and dry; "
                                                       "flatten boxes.",
             "items": ["Paper: newspapers, cardboard boxes, books", "Plastics: drink bottles, plastic boxes",
                       "Glass: bottles and jars", "Metal: drink cans, tins", "Textiles: old clothes, bed sheets"]},
            {"heading": "Hazardous waste (有害垃圾)", "text": "Harmful to people or the environment. Put it in gently "
                                                          "so that nothing breaks.",
             "items": ["Batteries: rechargeable and button cells", "Fluorescent tubes and energy-saving bulbs",
                       "Medicines past their date, and their packaging", "Paint and paint tins",
                       "Mercury thermometers and blood-pressure meters"]},
            {"heading": "Wet waste (湿垃圾)", "text": "Food and other waste that rots. Drain it, tear the bag open "
                                                   "and empty it into the wet-waste bin; the bag goes in dry waste.",
             "items": ["Leftovers", "Fruit peel and cores", "Kitchen scraps: vegetable leaves, eggshells",
                       "Food past its date", "Flowers and houseplants"]},
            {"heading": "Dry waste (干垃圾)", "text": "Everything that is none of the three above.",
             "items": ["Tissues and toilet paper", "Nappies", "Cigarette ends", "Broken ceramics",
                       "Large bones and shells"]},
        ],
        "hours": ("When and where", "Bring your waste to the {location} in these hours; the volunteers on duty "
                                    "there help you sort it:"),
        "questions": ("Questions?", "Ask the volunteer on duty, or the residents' committee at the front desk "
                                    "of the neighbourhood hub (邻里小汇)."),
    },
}


def guide(community: Any, language: str) -> dict[str, Any]:
    """The guide in ``language`` (``zh`` or ``en``), with the community's waste-room hours."""
    text = GUIDE[language]
    settings = community.setting(SETTINGS, {}) or {}
    sections = [dict(section) for section in text["sections"]]
    duty = shift_templates(community.id).get("waste-sorting")
    if duty is not None:
        heading, lead = text["hours"]
        location = duty.get(f"location_{language}") or duty.get("location_zh", "")
        sections.append({"heading": heading, "text": lead.format(location=location),
                         "items": [f"{slot['start']}–{slot['end']}" for slot in duty["slots"]]})
    heading, answer = text["questions"]
    sections.append({"heading": heading, "text": answer})
    return {"slug": SLUG, "title": text["title"], "summary": text["summary"],
            "credit": settings.get(f"credit_{language}", text["credit"]), "sections": sections}


@hookimpl
def community_content(community: Any, locale: str) -> list[dict[str, Any]] | None:
    if locale not in GUIDE:
        return None
    return [guide(community, locale)]
