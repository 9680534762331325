"""The one transition table of a case, and the one function that moves a case through it.

reported → taken_up → parties_invited → consultation → actions_agreed → resolved → follow_up →
satisfaction → closed; ``reopen`` takes a resolved, followed-up, rated or closed case back to
taken_up. Some actions keep the state (another invitation, another meeting, another action): they
are in the table too, so that the table alone says what may happen in each state. A wrong action
is a 409 ``invalid_transition`` raised before anything is written.

Each state change also meets one SLA milestone and opens the next (:class:`Deadline` rows, read by
the daily clearance board).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from linli.cases.casework import sla
from linli.cases.casework.models import OPEN_STATES, Case, Deadline, TimelineEntry
from linli.cases.extensions import db
from linli.shared.errors import Conflict
from linli.shared.state import service_state

_SAME = {state: state for state in OPEN_STATES}

# action -> {from state: to state}
TRANSITIONS: dict[str, dict[str, str]] = {
    "take_up": {"reported": "taken_up"},
    "invite": {"taken_up": "parties_invited", "parties_invited": "parties_invited",
               "consultation": "consultation", "actions_agreed": "actions_agreed"},
    "answer_invitation": {"parties_invited": "parties_invited", "consultation": "consultation",
                          "actions_agreed": "actions_agreed"},
    "hold_meeting": {"parties_invited": "consultation", "consultation": "consultation",
                     "actions_agreed": "actions_agreed"},
    "agree_action": {"consultation": "actions_agreed", "actions_agreed": "actions_agreed"},
    "update_action": {"actions_agreed": "actions_agreed"},
    "resolve": {"actions_agreed": "resolved"},
    "follow_up": {"resolved": "follow_up"},
    "rate": {"follow_up": "satisfaction", "satisfaction": "satisfaction"},
    "close": {"satisfaction": "closed"},
    "reopen": {"resolved": "taken_up", "follow_up": "taken_up", "satisfaction": "taken_up", "closed": "taken_up"},
    "assign": dict(_SAME),
    "note": dict(_SAME),
}

# a state change by one of these actions meets a milestone / opens the next one
MEETS = {"take_up": "first_response", "hold_meeting": "consultation", "resolve": "resolution",
         "follow_up": "follow_up"}
OPENS = {"open": "first_response", "take_up": "consultation", "hold_meeting": "resolution",
         "resolve": "follow_up", "reopen": "consultation"}
# the actions a member of staff chooses on the case page (the others follow from a form)
STAFF_MOVES = ("take_up", "resolve", "follow_up", "close", "reopen")


def allowed_actions(state: str) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if state in moves]


def check(case: Case, action: str) -> str:
    """The state ``action`` leads to from the case's state, or a 409 problem."""
    target = TRANSITIONS.get(action, {}).get(case.state)
    if target is None:
        raise Conflict(
            f"A case that is {case.state} cannot '{action}'.", code="invalid_transition",
            state=case.state, action=action, allowed=allowed_actions(case.state),
        )
    return target


def apply(case: Case, action: str, actor: str, *, note: str = "", detail: dict[str, Any] | None = None,
          public: bool = True, now: dt.datetime) -> TimelineEntry:
    """Move the case (the caller has locked it and checked the action's own rules) and record it."""
    target = check(case, action)
    before = case.state
    case.state = target
    case.updated_at = now
    entry = record(case, action, actor, from_state=before, to_state=target, note=note, detail=detail,
                   public=public, now=now)
    if target != before:
        _move_deadlines(case, action, now)
    return entry


def record(case: Case, action: str, actor: str, *, from_state: str | None, to_state: str | None, note: str = "",
           detail: dict[str, Any] | None = None, public: bool = True, now: dt.datetime) -> TimelineEntry:
    entry = TimelineEntry(case_id=case.id, at=now, actor=actor, action=action, from_state=from_state,
                          to_state=to_state, note=note, detail=detail, public=public)
    db.session.add(entry)
    return entry


def open_first_deadline(case: Case, now: dt.datetime) -> None:
    _open_deadline(case, OPENS["open"], now)


def _move_deadlines(case: Case, action: str, now: dt.datetime) -> None:
    if action in ("reopen", "close"):
        # what was still open is superseded: the case starts again, or is done
        db.session.execute(sa.update(Deadline).where(Deadline.case_id == case.id, Deadline.met_at.is_(None))
                           .values(met_at=now).execution_options(synchronize_session=False))
    elif action in MEETS:
        db.session.execute(sa.update(Deadline).where(Deadline.case_id == case.id, Deadline.met_at.is_(None),
                                                     Deadline.milestone == MEETS[action])
                           .values(met_at=now).execution_options(synchronize_session=False))
    if action in OPENS:
        _open_deadline(case, OPENS[action], now)


def _open_deadline(case: Case, milestone: str, now: dt.datetime) -> None:
    community = service_state().communities.require(case.community_id)
    due = sla.due_at(milestone, now, sla.levels_for(community, case.category))
    db.session.add(Deadline(case_id=case.id, community_id=case.community_id, milestone=milestone,
                            round=case.reopened_count, due_at=due))
