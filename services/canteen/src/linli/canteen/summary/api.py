"""Route of the canteen summary for the committee dashboard (conditional GET with an ETag)."""

from __future__ import annotations

from linli.canteen.summary import service
from linli.canteen.summary.schemas import CanteenSummarySchema
from linli.shared.summary import summary_blueprint

blp = summary_blueprint("canteen", "The canteen's figures for the committee dashboard", CanteenSummarySchema, service.summary,
                        "Covers, takings, waste per cover against the target and ratings, for a community and dates.")
