"""The cases service's summary for the committee dashboard: the daily clearance board's counts and
its most urgent rows, cases opened and resolved per week, and the polls that close this week. Read
through the service's own functions (``clearance.board``, ``clearance.weekly``, ``polls.results``),
so the dashboard shows what the clearance board and the poll pages show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linli.cases.casework import sla
from linli.cases.clearance import service as clearance
from linli.cases.polls import service as polls
from linli.shared.auth import Identity
from linli.shared.db import utcnow

URGENT_ROWS = 5
MAX_WEEKS = 14


def summary(identity: Identity, *, community_id: str, date_from: dt.date, date_to: dt.date,
            now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    board = clearance.board(identity, community_id, limit=URGENT_ROWS, now=now)
    this_week = sla.week_start(sla.local_date(now))
    first, last = sla.week_start(date_from), sla.week_start(date_to)
    weeks = min(MAX_WEEKS, max(1, (this_week - min(first, this_week)).days // 7 + 1))
    counts = clearance.weekly(identity, community_id, weeks=weeks, now=now)
    in_range = [w for w in counts if first <= w["week_start"] <= last]
    week_end = sla.local_midnight(this_week + dt.timedelta(weeks=1))
    closing = []
    open_polls = 0
    for poll in polls.list_polls(community_id):
        if poll.closes_at > now:
            open_polls += 1
            if poll.closes_at <= week_end:
                result = polls.results(poll.id).as_dict()
                leading = max(result["options"], key=lambda o: (o["votes"], -o["position"]), default=None)
                closing.append({**{k: result[k] for k in ("poll_id", "title_zh", "title_en", "closes_at", "votes",
                                                        "households", "turnout")},
                                "leading_zh": leading["label_zh"] if leading else None,
                                "leading_en": leading["label_en"] if leading else None})
    closing.sort(key=lambda p: p["closes_at"])
    return {
        "community_id": community_id, "date_from": date_from, "date_to": date_to,
        "open": board.counts["open"], "overdue": board.counts["overdue"], "due_soon": board.counts["due_soon"],
        "on_time": board.counts["on_time"], "appointments_today": len(board.appointments),
        "urgent": [{k: row[k] for k in ("case_id", "reference", "title", "state", "milestone", "due_at", "timer")}
                   for row in board.rows],
        "opened": sum(w["opened"] for w in in_range), "resolved": sum(w["resolved"] for w in in_range),
        "resolved_this_week": counts[-1]["resolved"], "opened_this_week": counts[-1]["opened"],
        "weeks": counts, "open_polls": open_polls, "polls_closing_this_week": closing,
    }
