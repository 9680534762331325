"""The canteen's summary for the committee dashboard: covers, takings, waste per cover against the
target and diners' ratings for a community and a date range. Every figure is read through the
canteen's own report functions (``reports.covers``, ``reports.takings``, ``waste.kpi.kpi_report``,
``feedback.dish_ratings``), so the dashboard shows exactly what those reports show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linli.canteen.feedback.service import dish_ratings
from linli.canteen.reports import service as reports
from linli.canteen.waste import kpi
from linli.shared.auth import Identity


def summary(identity: Identity, *, community_id: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    covers = reports.covers(identity, community_id=community_id, date_from=date_from, date_to=date_to)
    takings = reports.takings(identity, community_id=community_id, date_from=date_from, date_to=date_to)
    waste = kpi.kpi_report(identity, community_id=community_id, date_from=date_from, date_to=date_to, by="day")
    ratings = dish_ratings(community_id, date_from, date_to)
    by_day: dict[dt.date, int] = {}
    for row in covers:
        by_day[row["service_date"]] = by_day.get(row["service_date"], 0) + row["covers"]
    count = sum(r["count"] for r in ratings.values())
    average = round(sum(r["average"] * r["count"] for r in ratings.values()) / count, 2) if count else None
    totals = waste["totals"]
    return {
        "community_id": community_id, "date_from": date_from, "date_to": date_to,
        "covers": sum(r["covers"] for r in covers), "takeaway": sum(r["takeaway"] for r in covers),
        "meal_services": len(covers), "revenue_fen": sum(r["revenue_fen"] for r in covers),
        "covers_by_day": [{"date": day, "covers": n} for day, n in sorted(by_day.items())],
        "takings_fen": sum(r["amount_fen"] for r in takings), "takings": takings,
        "waste": {"per_cover": totals["per_cover"]["total"], "plate_per_cover": totals["per_cover"]["plate"],
                  "target": waste["targets"].get("total"), "plate_target": waste["targets"].get("plate"),
                  "over_target": totals["over_target"]["total"], "weighed_services": totals["weighed_services"],
                  "meal_services": totals["meal_services"], "passed": totals["assessment"].get("passed"),
                  "score": totals["assessment"].get("score"),
                  "by_day": [{"date": r["period_start"], "per_cover": r["per_cover"]["total"]} for r in waste["rows"]]},
        "ratings": {"count": count, "average": average, "dishes": len(ratings)},
    }
