"""Opinion solicitation (居民意愿征询), callable without HTTP: polls before a renovation project,
one vote per household (the database's unique constraint says so, under any concurrency), results
with turnout; households arrive from the hub as ``hub.household.changed`` events.

Who votes for which household: a resident whose token carries a ``household_id`` claim votes for
that household; staff record a household's vote they collected at the door (``household_id`` in
the body).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from linli.cases.casework import lifecycle
from linli.cases.casework.models import Case
from linli.cases.extensions import db
from linli.cases.polls.models import Household, Poll, PollOption, Vote
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.db import utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.state import service_state


def record_household(*, household_id: int, community_id: str, label: str, address: str, active: bool) -> Household:
    """The hub's household as announced (inside the event's transaction; not committed here)."""
    household = db.session.get(Household, household_id)
    if household is None:
        household = Household(id=household_id, community_id=community_id)
        db.session.add(household)
    household.community_id, household.label, household.address = community_id, label[:200], address[:300]
    household.active, household.updated_at = active, utcnow()
    db.session.flush()
    return household


def require_staff(identity: Identity, community_id: str) -> None:
    identity.require_community(community_id)
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Polls are opened by the committee's staff.", code="missing_role")


def create_poll(identity: Identity, *, community_id: str, title_zh: str, closes_at: dt.datetime,
                options: list[dict[str, str]], title_en: str = "", question: str = "", kind: str = "other",
                case_id: int | None = None) -> Poll:
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    now = utcnow()
    if closes_at <= now:
        raise Unprocessable("A poll closes in the future.", code="closes_in_past")
    case = None
    if case_id is not None:
        case = db.session.get(Case, case_id)
        if case is None or case.community_id != community_id:
            raise NotFound(f"No case {case_id} in this community.", code="case_not_found")
    poll = Poll(community_id=community_id, case_id=case_id, kind=kind, title_zh=title_zh, title_en=title_en,
                question=question, closes_at=closes_at, created_by=identity.subject, created_at=now)
    db.session.add(poll)
    db.session.flush()
    for position, option in enumerate(options, start=1):
        db.session.add(PollOption(poll_id=poll.id, position=position, label_zh=option["label_zh"],
                                  label_en=option.get("label_en", "")))
    if case is not None:
        lifecycle.record(case, "poll", identity.subject, from_state=case.state, to_state=case.state,
                         detail={"poll_id": poll.id, "title": title_zh}, now=now)
    db.session.commit()
    return poll


def get_poll(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(f"No poll {poll_id}.", code="poll_not_found")
    return poll


def options_of(poll: Poll) -> list[PollOption]:
    return list(db.session.scalars(sa.select(PollOption).where(PollOption.poll_id == poll.id)
                                   .order_by(PollOption.position)))


def list_polls(community_id: str) -> list[Poll]:
    service_state().communities.require(community_id)
    return list(db.session.scalars(sa.select(Poll).where(Poll.community_id == community_id)
                                   .order_by(Poll.closes_at.desc(), Poll.id.desc())))


def household_of(identity: Identity) -> int | None:
    claim = identity.claims.get("household_id")
    try:
        return int(claim) if claim is not None else None
    except (TypeError, ValueError):
        return None


def vote(identity: Identity, poll_id: int, *, option_id: int, household_id: int | None = None) -> Vote:
    """One vote per household: a second one is a 409, however the two arrive."""
    now = utcnow()
    poll = get_poll(poll_id)
    identity.require_community(poll.community_id)
    own = household_of(identity)
    if household_id is not None and household_id != own:
        require_staff(identity, poll.community_id)  # staff record the vote a household gave at the door
    elif own is None:
        raise Forbidden("Your account is not linked to a household; ask the committee.", code="no_household")
    household_id = household_id if household_id is not None else own
    if now >= poll.closes_at:
        raise Conflict("This poll is closed.", code="poll_closed")
    household = db.session.get(Household, household_id)
    if household is None or household.community_id != poll.community_id or not household.active:
        raise NotFound(f"No household {household_id} in this community.", code="household_not_found")
    option = db.session.get(PollOption, option_id)
    if option is None or option.poll_id != poll.id:
        raise Unprocessable(f"Poll {poll_id} has no option {option_id}.", code="unknown_option")
    ballot = Vote(poll_id=poll.id, option_id=option.id, household_id=household.id, cast_by=identity.subject,
                  created_at=now)
    db.session.add(ballot)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("This household has voted in this poll already.", code="already_voted") from None
    return ballot


@dataclass
class Results:
    poll: Poll
    options: list[dict[str, Any]]
    votes: int
    households: int

    @property
    def turnout(self) -> float:
        return round(self.votes / self.households, 4) if self.households else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"poll_id": self.poll.id, "title_zh": self.poll.title_zh, "title_en": self.poll.title_en,
                "closes_at": self.poll.closes_at, "closed": utcnow() >= self.poll.closes_at,
                "case_id": self.poll.case_id, "options": self.options, "votes": self.votes,
                "households": self.households, "turnout": self.turnout}


def results(poll_id: int) -> Results:
    poll = get_poll(poll_id)
    counts = dict(db.session.execute(sa.select(Vote.option_id, sa.func.count()).where(Vote.poll_id == poll.id)
                                     .group_by(Vote.option_id)).tuples().all())
    households = db.session.scalar(sa.select(sa.func.count()).select_from(Household).where(
        Household.community_id == poll.community_id, Household.active.is_(True))) or 0
    options = [{"id": o.id, "position": o.position, "label_zh": o.label_zh, "label_en": o.label_en,
                "votes": counts.get(o.id, 0)} for o in options_of(poll)]
    return Results(poll, options, sum(counts.values()), households)


def voted(identity: Identity, poll_id: int) -> bool:
    own = household_of(identity)
    if own is None:
        return False
    return db.session.scalar(sa.select(Vote.id).where(Vote.poll_id == poll_id, Vote.household_id == own)) is not None
