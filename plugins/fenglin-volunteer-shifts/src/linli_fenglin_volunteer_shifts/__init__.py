"""Fenglin Huiyuan's volunteer shifts.

The hub's meal help for the elderly (为老助餐) carries lunch from the meal point to residents who
cannot come: volunteers deliver on weekdays between 10:45 and 12:15, three at a time. Huiyuan's
waste room also opens earlier in the morning than the built-in template assumes, so this plugin
replaces the built-in waste-sorting duty there (same ``code``) with Huiyuan's own hours.
Enable it in communities.toml: ``plugins = ["fenglin_volunteer_shifts"]``.
"""

from __future__ import annotations

from typing import Any

from linli.hub import hookimpl

MEAL_DELIVERY: dict[str, Any] = {
    "code": "meal-delivery",
    "name_zh": "为老助餐送餐",
    "name_en": "Lunch delivery to elderly residents",
    "location_zh": "汇园邻里小汇助餐点",
    "location_en": "Huiyuan neighbourhood meal point",
    "weekdays": [0, 1, 2, 3, 4],
    "slots": [{"start": "10:45", "end": "12:15", "headcount": 3}],
}

WASTE_SORTING_HUIYUAN: dict[str, Any] = {
    "code": "waste-sorting",
    "name_zh": "垃圾分类值守",
    "name_en": "Waste-sorting duty",
    "location_zh": "汇园垃圾箱房",
    "location_en": "Huiyuan waste room",
    "slots": [
        {"start": "06:30", "end": "08:30", "headcount": 2},
        {"start": "11:00", "end": "13:00", "headcount": 1},
        {"start": "18:00", "end": "20:00", "headcount": 2},
    ],
}


@hookimpl
def shift_templates(community: Any) -> list[dict[str, Any]]:
    return [dict(MEAL_DELIVERY), dict(WASTE_SORTING_HUIYUAN)]
