"""Waste per cover (克/人次): each meal service's weighed waste over its real covers, the orders served
(``reports.covers``' definition: paid to collected, refunds excluded; one order is one cover whether it
held half portions, a set meal or full dishes). Summed per day, ISO week or month, per waste kind, against
the community's targets and scored by the ``waste_assessment`` hook.

One query whatever the range: per meal service its covers (the orders' (meal_service_id, state)
index) and its grams per kind (a partial index over the current entries). Meal services
that ran but were not weighed are counted apart and left out of the per-cover figures, so a forgotten
weighing never looks like zero waste.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import MealService
from linli.canteen.orders.models import Order
from linli.canteen.orders.states import SOLD_STATES
from linli.canteen.waste.models import WASTE_KINDS, WasteEntry
from linli.canteen.waste.service import _staff, check_window
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.localtime import local_today
from linli.shared.state import service_state

FIGURES = (*WASTE_KINDS, "total")
DEFAULT_TARGETS = {"plate": 50.0, "total": 120.0}  # grams per cover, when a community sets none


def targets(community: Community) -> dict[str, float]:
    """Grams per cover from ``[communities.<id>.settings.waste] targets = {plate = 50, total = 120}``."""
    configured = (community.setting("waste", {}) or {}).get("targets") or DEFAULT_TARGETS
    return {kind: float(value) for kind, value in configured.items() if kind in FIGURES}


def period_start(day: dt.date, by: str) -> dt.date:
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_period(start: dt.date, by: str) -> dt.date:
    if by == "week":
        return start + dt.timedelta(days=7)
    if by == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)


def previous_period(start: dt.date, by: str) -> dt.date:
    return period_start(start - dt.timedelta(days=1), by)


@dataclass
class Bucket:
    start: dt.date
    end: dt.date
    meal_services: int = 0
    weighed_services: int = 0
    covers: int = 0
    grams: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WASTE_KINDS, 0))
    edible_grams: int = 0

    def per_cover(self) -> dict[str, float | None]:
        values: dict[str, float | None] = {}
        for kind in WASTE_KINDS:
            values[kind] = round(self.grams[kind] / self.covers, 1) if self.covers else None
        values["total"] = round(sum(self.grams.values()) / self.covers, 1) if self.covers else None
        return values

    def figures(self, goal: dict[str, float]) -> dict[str, Any]:
        return {"covers": self.covers, "meal_services": self.meal_services,
                "weighed_services": self.weighed_services,
                "grams": {**self.grams, "total": sum(self.grams.values())}, "edible_grams": self.edible_grams,
                "per_cover": self.per_cover(), "targets": dict(goal)}


def per_service_query(community_id: str, date_from: dt.date, date_to: dt.date) -> sa.Select[Any]:
    """One row per meal service that ran in the range: its date, covers (the orders served there,
    counted from the orders' (meal_service_id, state) index alone) and the grams of its current
    entries per kind (a partial index over the current entries). Core tables, no ORM rows."""
    services, orders, entries = MealService.__table__, Order.__table__, WasteEntry.__table__
    covers = (sa.select(sa.func.count(orders.c.meal_service_id))
              .where(orders.c.meal_service_id == services.c.id, orders.c.state.in_(SOLD_STATES))
              .correlate(services).scalar_subquery())

    def grams_of(kind: str) -> Any:
        return sa.func.sum(sa.case((entries.c.kind == kind, entries.c.grams), else_=0)).label(kind)

    waste = (sa.select(entries.c.meal_service_id, *[grams_of(kind) for kind in WASTE_KINDS],
                       sa.func.sum(sa.case((entries.c.edible, entries.c.grams), else_=0)).label("edible"),
                       sa.func.count().label("entries"))
             .where(entries.c.community_id == community_id, entries.c.state == "current",
                    entries.c.service_date >= date_from, entries.c.service_date <= date_to)
             .group_by(entries.c.meal_service_id).subquery())
    return (sa.select(services.c.id, services.c.service_date, covers.label("covers"),
                      *[waste.c[kind] for kind in WASTE_KINDS], waste.c.edible, waste.c.entries)
            .select_from(services.outerjoin(waste, waste.c.meal_service_id == services.c.id))
            .where(services.c.community_id == community_id, services.c.service_date >= date_from,
                   services.c.service_date <= date_to))


def _per_service(community_id: str, date_from: dt.date, date_to: dt.date) -> dict[int, dict[str, Any]]:
    """meal service id → its date, covers and grams per kind (one query)."""
    services: dict[int, dict[str, Any]] = {}
    rows = db.session.connection().execute(per_service_query(community_id, date_from, min(date_to, local_today())))
    for service_id, day, covers, *grams, edible, entries in rows:
        weighed = {kind: int(g) for kind, g in zip(WASTE_KINDS, grams, strict=True) if g} if entries else {}
        services[service_id] = {"date": day, "covers": int(covers or 0), "grams": weighed, "edible": int(edible or 0)}
    return services


def _add(bucket: Bucket, service: dict[str, Any]) -> None:
    bucket.meal_services += 1
    if service["grams"]:
        bucket.weighed_services += 1
        bucket.covers += service["covers"]
        for kind, grams in service["grams"].items():
            bucket.grams[kind] += grams
        bucket.edible_grams += service["edible"]


def _buckets(services: dict[int, dict[str, Any]], first: dt.date, date_to: dt.date, by: str) -> list[Bucket]:
    buckets: dict[dt.date, Bucket] = {}
    start = first
    while start <= date_to:
        end = next_period(start, by) - dt.timedelta(days=1)
        buckets[start] = Bucket(start=start, end=end)
        start = next_period(start, by)
    for service in services.values():
        bucket = buckets.get(period_start(service["date"], by))
        if bucket is not None:
            _add(bucket, service)
    return list(buckets.values())


def _diff(now: dict[str, float | None], other: dict[str, float | None]) -> dict[str, float | None]:
    return {k: (round(now[k] - other[k], 1) if now.get(k) is not None and other.get(k) is not None else None)  # type: ignore[operator]
            for k in FIGURES}


def assess(community: Community, period: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """The community's score for one period: the ``waste_assessment`` hook (built-in or a plugin's)."""
    result = service_state().hooks_for(community).waste_assessment(community=community, period=period,
                                                                    figures=figures)
    return result or {"score": None, "passed": None, "method": "none", "notes": []}


def _row(community: Community, bucket: Bucket, goal: dict[str, float], by: str,
         before: Bucket | None, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    figures = bucket.figures(goal)
    per_cover = figures["per_cover"]
    start, end = bucket.start, min(bucket.end, date_to)  # whole periods: a week is Monday to Sunday
    return {
        "period_start": start, "period_end": end, "meal_services": bucket.meal_services,
        "weighed_services": bucket.weighed_services, "covers": bucket.covers, "grams": figures["grams"],
        "edible_grams": bucket.edible_grams, "per_cover": per_cover,
        "change": _diff(per_cover, before.per_cover()) if before else dict.fromkeys(FIGURES),
        "over_target": {k: (round(per_cover[k] - goal[k], 1) if k in goal and per_cover[k] is not None else None)
                        for k in FIGURES},
        "assessment": assess(community, {"start": start, "end": end, "by": by}, figures),
    }


def kpi_report(identity: Identity | None, *, community_id: str, date_from: dt.date, date_to: dt.date,
               by: str = "week") -> dict[str, Any]:
    """Waste per cover by kind per day, week or month, with the change on the period before, the
    distance to the target and the assessment score; ``totals`` for the whole range."""
    community = service_state().communities.require(community_id)
    if identity is not None:
        _staff(identity, community_id)
    check_window(community_id, date_from, date_to)
    goal = targets(community)
    first = period_start(date_from, by)
    before_first = previous_period(first, by)
    services = _per_service(community_id, before_first, date_to)
    buckets = _buckets(services, before_first, date_to, by)
    rows = [_row(community, bucket, goal, by, previous, date_from, date_to)
            for previous, bucket in zip(buckets, buckets[1:], strict=False)]
    whole = Bucket(start=date_from, end=date_to)
    for service in services.values():
        if date_from <= service["date"] <= date_to:
            _add(whole, service)
    totals = _row(community, whole, goal, "range", None, date_from, date_to)
    return {"community_id": community_id, "date_from": date_from, "date_to": date_to, "by": by,
            "targets": goal, "rows": rows, "totals": totals}
