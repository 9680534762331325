"""Route of the cases summary for the committee dashboard (conditional GET with an ETag)."""

from __future__ import annotations

from linli.cases.summary import service
from linli.cases.summary.schemas import CasesSummarySchema
from linli.shared.summary import summary_blueprint

blp = summary_blueprint("cases", "The cases service's figures for the committee dashboard", CasesSummarySchema, service.summary,
                        "Open and overdue cases (daily clearance), opened and resolved per week, polls closing this week.")
