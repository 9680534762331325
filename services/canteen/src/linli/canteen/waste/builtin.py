"""The built-in waste assessment: each target scores 100 × target / actual (capped at 100), the score is
their average; passed when every figure is within its target."""

from __future__ import annotations

from typing import Any

from linli.canteen import hookimpl


def score_against_targets(figures: dict[str, Any]) -> dict[str, Any]:
    per_cover, goal = figures["per_cover"], figures["targets"]
    notes: list[str] = []
    if not figures["covers"] or not goal:
        return {"score": None, "passed": None, "method": "builtin", "notes": ["no covers weighed"]}
    parts = []
    for kind, target in goal.items():
        actual = per_cover.get(kind)
        if actual is None:
            continue
        parts.append(100.0 if actual <= 0 else min(100.0, 100.0 * target / actual))
    missing = figures["meal_services"] - figures["weighed_services"]
    if missing:
        notes.append(f"{missing} meal services not weighed")
    passed = all(per_cover.get(kind) is not None and per_cover[kind] <= target for kind, target in goal.items())
    return {"score": round(sum(parts) / len(parts), 1) if parts else None, "passed": passed,
            "method": "builtin", "notes": notes}


@hookimpl(trylast=True)
def waste_assessment(community: Any, period: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    return score_against_targets(figures)
