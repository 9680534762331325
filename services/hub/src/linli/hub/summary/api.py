"""Route of the hub summary for the committee dashboard (conditional GET with an ETag)."""

from __future__ import annotations

from linli.hub.summary import service
from linli.hub.summary.schemas import HubSummarySchema
from linli.shared.summary import summary_blueprint

blp = summary_blueprint("hub", "The hub's figures for the committee dashboard", HubSummarySchema, service.summary,
                        "Room use and round results, volunteers on duty, front desk and who is out, visits due and overdue.")
