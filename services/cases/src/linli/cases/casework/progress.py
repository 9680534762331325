"""What a resident reads about their case: the steps so far and each public change in plain words
(in the resident's language; the staff's internal notes are left out)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from linli.cases.casework.models import CASE_STATES, TimelineEntry
from linli.cases.casework.service import CaseDetail

STATE_WORDS = {
    "reported": _l("Received"),
    "taken_up": _l("Taken up by the committee"),
    "parties_invited": _l("Parties invited"),
    "consultation": _l("Talking it over"),
    "actions_agreed": _l("Actions agreed"),
    "resolved": _l("Solved"),
    "follow_up": _l("Checked again"),
    "satisfaction": _l("Your opinion"),
    "closed": _l("Closed"),
}

ANSWER_WORDS = {"accepted": _l("agreed to take part"), "declined": _l("declined"), "no_answer": _l("has not answered")}
ACTION_STATE_WORDS = {"agreed": _l("agreed"), "in_progress": _l("in progress"), "done": _l("done"),
                      "dropped": _l("dropped")}


def sentence(entry: TimelineEntry) -> str:
    """One public timeline entry in plain words."""
    d: dict[str, Any] = entry.detail or {}
    action = entry.action
    if action == "open":
        return _("We received the report.")
    if action == "take_up":
        return _("The residents' committee has taken up the case and will follow it through.")
    if action == "invite":
        return _("We invited %(party)s to talk it over with us.", party=d.get("party", ""))
    if action == "answer_invitation":
        return _("%(party)s %(answer)s.", party=d.get("party", ""), answer=ANSWER_WORDS.get(d.get("answer", ""), ""))
    if action == "hold_meeting":
        return _("We met face to face at %(place)s and looked for a solution together.", place=d.get("place", ""))
    if action == "agree_action":
        return _("Agreed: %(party)s will %(what)s by %(due)s.", party=d.get("party", ""), what=d.get("what", ""),
                 due=d.get("due_on", ""))
    if action == "update_action":
        return _("%(what)s: %(state)s.", what=d.get("what", ""), state=ACTION_STATE_WORDS.get(d.get("state", ""), ""))
    if action == "resolve":
        return _("The problem is solved: %(summary)s", summary=entry.note)
    if action == "follow_up":
        return _("We checked again later: the solution holds.")
    if action == "rate":
        return _("A resident rated how the case was handled.")
    if action == "close":
        return _("The case is closed. Thank you.")
    if action == "poll":
        return _("We asked the households for their views: %(title)s", title=d.get("title", ""))
    if action == "reopen":
        return _("We reopened the case: %(reason)s", reason=entry.note)
    return _("The case was updated.")


def progress(detail: CaseDetail) -> dict[str, Any]:
    case = detail.case
    reached = CASE_STATES.index(case.state)
    steps = [{"state": state, "label": str(STATE_WORDS[state]), "done": i < reached, "current": i == reached}
             for i, state in enumerate(CASE_STATES)]
    entries = [{"at": e.at, "text": sentence(e)} for e in detail.timeline if e.public]
    return {"id": case.id, "reference": case.reference, "title": case.title, "state": case.state,
            "state_text": str(STATE_WORDS[case.state]), "steps": steps, "entries": entries,
            "can_rate": case.state in ("follow_up", "satisfaction")}
