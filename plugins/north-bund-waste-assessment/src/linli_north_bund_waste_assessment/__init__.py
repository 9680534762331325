"""North Bund's kitchen-waste assessment (将厨余垃圾量化指标纳入食堂考核体系), replacing the canteen's
built-in formula for North Bund only.

The canteen committee wanted a rule the kitchen can work out on paper from the monthly sheet:

1. start from 100 points;
2. every gram of plate waste (餐盘剩余) per cover above the plate target costs 2 points: what diners
   leave on the plate is what the half portions and set meals were meant to fix;
3. every gram of total waste per cover above the total target costs 1 point;
4. every meal service that ran without being weighed costs 5 points (no figure is not a good figure);
5. the score stays between 0 and 100; 80 passes (达标).

Settings: ``[communities.north-bund.settings.waste]`` ``targets`` (grams per cover, shared with the
built-in) and ``pass_mark`` (default 80). Enable it with ``plugins = ["north_bund_waste_assessment"]``.
"""

from __future__ import annotations

from typing import Any

from linli.canteen import hookimpl

METHOD = "north_bund"
PLATE_POINTS = 2.0
TOTAL_POINTS = 1.0
UNWEIGHED_POINTS = 5.0
PASS_MARK = 80.0


def north_bund_score(figures: dict[str, Any], pass_mark: float = PASS_MARK) -> dict[str, Any]:
    per_cover, goal = figures["per_cover"], figures["targets"]
    if not figures["covers"]:
        return {"score": None, "passed": None, "method": METHOD, "notes": ["no covers weighed"]}
    notes = []
    score = 100.0
    for kind, points in (("plate", PLATE_POINTS), ("total", TOTAL_POINTS)):
        actual, target = per_cover.get(kind), goal.get(kind)
        if actual is not None and target is not None and actual > target:
            lost = points * (actual - target)
            score -= lost
            notes.append(f"{kind} {actual:g} g > {target:g} g: −{lost:g}")
    unweighed = figures["meal_services"] - figures["weighed_services"]
    if unweighed > 0:
        score -= UNWEIGHED_POINTS * unweighed
        notes.append(f"{unweighed} meal services not weighed: −{UNWEIGHED_POINTS * unweighed:g}")
    score = round(min(100.0, max(0.0, score)), 1)
    return {"score": score, "passed": score >= pass_mark, "method": METHOD, "notes": notes}


@hookimpl
def waste_assessment(community: Any, period: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    settings = community.setting("waste", {}) or {}
    return north_bund_score(figures, float(settings.get("pass_mark", PASS_MARK)))
