"""Built-in shift templates: waste-sorting duty (垃圾分类值守) at the waste room, three slots a day."""

from __future__ import annotations

from typing import Any

from linli.hub import hookimpl

WASTE_SORTING: dict[str, Any] = {
    "code": "waste-sorting",
    "name_zh": "垃圾分类值守",
    "name_en": "Waste-sorting duty",
    "location_zh": "垃圾箱房",
    "location_en": "Waste room",
    "slots": [
        {"start": "07:00", "end": "09:00", "headcount": 2},
        {"start": "11:00", "end": "13:00", "headcount": 1},
        {"start": "18:00", "end": "20:00", "headcount": 2},
    ],
}


@hookimpl
def shift_templates(community: Any) -> list[dict[str, Any]]:
    """The waste-sorting duty every community runs; headcounts may be set per community in
    ``settings.volunteers.waste_sorting_headcount``."""
    headcount = (community.setting("volunteers") or {}).get("waste_sorting_headcount")
    template = {**WASTE_SORTING, "slots": [dict(slot) for slot in WASTE_SORTING["slots"]]}
    if headcount:
        for slot in template["slots"]:
            slot["headcount"] = int(headcount)
    return [template]
