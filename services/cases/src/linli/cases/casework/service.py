"""Cases (约请制), callable without HTTP: open, take up, invite, meet, agree, resolve, follow up,
rate, close, reopen; search; what a resident sees.

Every change locks the case row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's single
writer does the same), checks the transition table (:mod:`.lifecycle`) and its own rules, and only
then writes: a refused change leaves nothing behind. Events ``cases.case.opened``,
``cases.case.resolved`` and ``cases.case.closed`` are published in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from linli.cases.casework import lifecycle, search
from linli.cases.casework.models import CASE_STATES as CASE_STATES  # the pages' filters
from linli.cases.casework.models import CATEGORIES as CATEGORIES
from linli.cases.casework.models import PARTY_KINDS as PARTY_KINDS
from linli.cases.casework.models import (
    Action,
    Case,
    CaseResident,
    Deadline,
    Invitation,
    Meeting,
    Rating,
    TimelineEntry,
)
from linli.cases.casework.sla import local_date
from linli.cases.extensions import db
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.db import lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.events import publish
from linli.shared.state import service_state

SYSTEM = "system"


def require_staff(identity: Identity, community_id: str) -> None:
    identity.require_community(community_id)
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Cases are handled by the residents' committee staff.", code="missing_role")


# --- opening -----------------------------------------------------------------------------------


def _reference(case: Case) -> str:
    prefix = "".join(part[0] for part in case.community_id.split("-") if part).upper() or "C"
    return f"{prefix}-{local_date(case.created_at):%Y}-{case.id:06d}"


def _open(*, community_id: str, title: str, category: str, description: str, actor: str, source: str,
          public: bool, address: str | None = None, lat: float | None = None, long: float | None = None,
          assigned_to: str | None = None, source_ref: str | None = None, source_event_type: str | None = None,
          detail: dict[str, Any] | None = None, now: dt.datetime | None = None) -> Case:
    service_state().communities.require(community_id)
    now = now or utcnow()
    case = Case(community_id=community_id, title=title, category=category, description=description,
                opened_by=actor, source=source, public=public, address=address, lat=lat, long=long,
                assigned_to=assigned_to, source_ref=source_ref, source_event_type=source_event_type,
                search_text=search.search_text(title, description, address), created_at=now, updated_at=now)
    db.session.add(case)
    db.session.flush()
    case.reference = _reference(case)
    case.search_text = search.search_text(case.reference, title, description, address)
    case.search_vector = search.vector(case.search_text, db.engine.dialect.name)
    lifecycle.record(case, "open", actor, from_state=None, to_state="reported", detail=detail or {"source": source},
                     now=now)
    lifecycle.open_first_deadline(case, now)
    _announce("cases.case.opened", case)
    return case


def _announce(event_type: str, case: Case) -> None:
    publish(event_type, {
        "case_id": case.id, "reference": case.reference, "title": case.title, "category": case.category,
        "state": case.state, "source_event_type": case.source_event_type, "source_ref": case.source_ref,
    }, community_id=case.community_id)


def open_case(identity: Identity, *, community_id: str, title: str, category: str, description: str = "",
              address: str | None = None, assigned_to: str | None = None, public: bool = True,
              residents: Sequence[str] = ()) -> Case:
    """Staff open a case for a problem residents share (optionally naming the residents affected)."""
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    case = _open(community_id=community_id, title=title, category=category, description=description,
                 actor=identity.subject, source="staff", public=public, address=address, assigned_to=assigned_to)
    for subject in dict.fromkeys(residents):
        db.session.add(CaseResident(case_id=case.id, subject=subject, relation="affected"))
    db.session.commit()
    return case


def report_case(identity: Identity, *, community_id: str, title: str, category: str, description: str = "",
                address: str | None = None) -> Case:
    """A resident reports a problem; they follow its progress in plain words."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    case = _open(community_id=community_id, title=title, category=category, description=description,
                 actor=identity.subject, source="resident", public=True, address=address)
    db.session.add(CaseResident(case_id=case.id, subject=identity.subject, relation="reporter"))
    db.session.commit()
    return case


def open_case_for_request(*, community_id: str, title: str, category: str, description: str, actor: str,
                          address: str | None, lat: float | None, long: float | None) -> Case:
    """A case from a standard Open311 client (the caller commits with its own rows)."""
    return _open(community_id=community_id, title=title, category=category, description=description,
                 actor=actor, source="open311", public=True, address=address, lat=lat, long=long)


def open_case_from_event(*, event_id: str, community_id: str, title: str, category: str, description: str,
                         event_type: str | None = None, detail: dict[str, Any] | None = None) -> Case:
    """Open a case for an event from another service; the event id keeps it to one case.

    Called inside the receiver's transaction (which records the event id); not committed here.
    Such cases may name a household: they are not public (not listed over Open311).
    """
    existing = db.session.scalar(sa.select(Case).where(Case.source_ref == event_id))
    if existing is not None:
        return existing
    return _open(community_id=community_id, title=title, category=category, description=description,
                 actor=SYSTEM, source="event", public=False, source_ref=event_id, source_event_type=event_type,
                 detail={"event_type": event_type, **(detail or {})})


# --- reading -----------------------------------------------------------------------------------


def get_case(case_id: int, *, lock: bool = False) -> Case:
    query = sa.select(Case).where(Case.id == case_id)
    if lock:
        query = lock_for_update(query)
    case = db.session.scalars(query).first()
    if case is None:
        raise NotFound(f"No case {case_id}.", code="case_not_found")
    return case


def staff_case(identity: Identity, case_id: int, *, lock: bool = False) -> Case:
    case = get_case(case_id, lock=lock)
    require_staff(identity, case.community_id)
    return case


@dataclass
class CaseDetail:
    case: Case
    timeline: list[TimelineEntry]
    invitations: list[Invitation]
    meetings: list[Meeting]
    actions: list[Action]
    ratings: list[Rating]
    deadlines: list[Deadline]
    residents: list[CaseResident]

    @property
    def allowed_actions(self) -> list[str]:
        return lifecycle.allowed_actions(self.case.state)

    def as_dict(self) -> dict[str, Any]:
        today = local_date(utcnow())
        invitations = [{**_columns(i), "answer": i.effective_answer(today)} for i in self.invitations]
        return {**_columns(self.case), "timeline": self.timeline, "invitations": invitations,
                "meetings": self.meetings, "actions": self.actions, "ratings": self.ratings,
                "deadlines": self.deadlines, "allowed_actions": self.allowed_actions,
                "residents": [r.subject for r in self.residents], "satisfaction": average_score(self.ratings)}


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in sa.inspect(row).mapper.column_attrs}


def average_score(ratings: Sequence[Rating]) -> float | None:
    return round(sum(r.score for r in ratings) / len(ratings), 2) if ratings else None


def detail(case: Case) -> CaseDetail:
    def rows(model: Any) -> list[Any]:
        return list(db.session.scalars(sa.select(model).where(model.case_id == case.id).order_by(model.id)))

    return CaseDetail(case, rows(TimelineEntry), rows(Invitation), rows(Meeting), rows(Action), rows(Rating),
                      rows(Deadline), rows(CaseResident))


def case_detail(identity: Identity, case_id: int) -> CaseDetail:
    return detail(staff_case(identity, case_id))


def search_cases(identity: Identity, *, community_id: str, q: str = "", state: Sequence[str] = (),
                 category: str | None = None, source: str | None = None, assigned_to: str | None = None,
                 opened_from: dt.datetime | None = None, opened_to: dt.datetime | None = None,
                 limit: int = 50, offset: int = 0) -> list[Case]:
    """A community's cases matching the words and filters, newest first."""
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    return find_cases(community_id, q=q, state=state, category=category, source=source, assigned_to=assigned_to,
                      opened_from=opened_from, opened_to=opened_to, limit=limit, offset=offset)


RECENT_WINDOW = 5000


def find_cases(community_id: str, *, q: str = "", limit: int = 50, offset: int = 0, **filters: Any) -> list[Case]:
    """Newest first. With words, on PostgreSQL, first among the community's newest ``RECENT_WINDOW``
    cases (a short walk down the (community, created_at) index, where common words are found at
    once); only when that window holds too few matches does the search go to the full-text index
    over every case, sorting what it finds (rare words: few). Left alone, the planner cannot know
    that the bigrams of one word always come together (it multiplies their frequencies) and picks
    one plan for both kinds of word."""
    full = case_query(community_id, q=q, **filters)
    if not q or search.matches(q, db.engine.dialect.name) is None or db.engine.dialect.name != "postgresql":
        return list(db.session.scalars(full.limit(limit).offset(offset)))
    newest = (sa.select(Case.id).where(Case.community_id == community_id)
              .order_by(Case.created_at.desc(), Case.id.desc()).limit(RECENT_WINDOW)
              .cte("newest").prefix_with("MATERIALIZED"))
    in_window = (case_query(community_id, **filters).join(newest, newest.c.id == Case.id)
                 .where(search.matches_each_row(q)).limit(limit + offset))
    found = list(db.session.scalars(in_window))
    if len(found) == limit + offset:
        return found[offset:]
    # the words are rare among the newest: take them from the full-text index, then sort (coalesce
    # keeps the planner from walking the created_at index through every case instead)
    anywhere = full.order_by(None).order_by(sa.func.coalesce(Case.created_at, Case.created_at).desc(),
                                            Case.id.desc())
    return list(db.session.scalars(anywhere.limit(limit).offset(offset)))


def case_query(community_id: str, *, q: str = "", state: Sequence[str] = (), category: str | None = None,
               source: str | None = None, assigned_to: str | None = None, opened_from: dt.datetime | None = None,
               opened_to: dt.datetime | None = None) -> sa.Select[tuple[Case]]:
    query = sa.select(Case).where(Case.community_id == community_id)
    words = search.matches(q, db.engine.dialect.name) if q else None
    if words is not None:
        query = query.where(words)
    if state:
        query = query.where(Case.state.in_(list(state)))
    for column, value in ((Case.category, category), (Case.source, source), (Case.assigned_to, assigned_to)):
        if value:
            query = query.where(column == value)
    if opened_from is not None:
        query = query.where(Case.created_at >= opened_from)
    if opened_to is not None:
        query = query.where(Case.created_at < opened_to)
    return query.order_by(Case.created_at.desc(), Case.id.desc())


def cases_of_resident(identity: Identity) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).join(CaseResident, CaseResident.case_id == Case.id)
        .where(CaseResident.subject == identity.subject).order_by(Case.id.desc())))


def resident_case(identity: Identity, case_id: int) -> CaseDetail:
    """A resident who reported or is affected reads their case (staff of the community too)."""
    case = get_case(case_id)
    if identity.belongs_to(case.community_id) and identity.has_role(*STAFF_ROLES):
        return detail(case)
    linked = db.session.scalar(sa.select(CaseResident.id).where(CaseResident.case_id == case.id,
                                                                CaseResident.subject == identity.subject))
    if linked is None:
        raise Forbidden("This is not a case you reported or are named in.", code="not_your_case")
    return detail(case)


def proposed_invitations(identity: Identity, case_id: int) -> list[dict[str, Any]]:
    """Whom to invite, from ``route_case`` (built-in: the community's settings; plugins may replace it)."""
    case = staff_case(identity, case_id)
    return propose_for(case)


def propose_for(case: Case) -> list[dict[str, Any]]:
    state = service_state()
    community = state.communities.require(case.community_id)
    bodies = state.hooks_for(community).route_case(community=community, case=case) or []
    invited = {i.party_name for i in db.session.scalars(sa.select(Invitation).where(Invitation.case_id == case.id))}
    return [{**body, "invited": body["name"] in invited} for body in bodies]


# --- the life cycle ----------------------------------------------------------------------------


def take_up(identity: Identity, case_id: int, *, assigned_to: str | None = None, note: str = "") -> Case:
    """The committee takes the problem up; it is assigned to a staff member (by default the caller)."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "take_up")
    case.assigned_to = assigned_to or case.assigned_to or identity.subject
    lifecycle.apply(case, "take_up", identity.subject, note=note, detail={"assigned_to": case.assigned_to}, now=now)
    db.session.commit()
    return case


def assign(identity: Identity, case_id: int, *, assigned_to: str, note: str = "") -> Case:
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "assign")
    case.assigned_to = assigned_to
    lifecycle.apply(case, "assign", identity.subject, note=note, detail={"assigned_to": assigned_to},
                    public=False, now=now)
    db.session.commit()
    return case


def add_note(identity: Identity, case_id: int, *, note: str) -> TimelineEntry:
    case = staff_case(identity, case_id, lock=True)
    entry = lifecycle.apply(case, "note", identity.subject, note=note, public=False, now=utcnow())
    db.session.commit()
    return entry


def invite(identity: Identity, case_id: int, *, party_kind: str, party_name: str, answer_due_on: dt.date,
           contact_person: str = "") -> Invitation:
    """Invite a party to consult (约请); the first invitation moves the case to parties_invited."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "invite")
    if answer_due_on < local_date(now):
        raise Unprocessable("The answer cannot be due before today.", code="due_in_past")
    duplicate = db.session.scalar(sa.select(Invitation.id).where(Invitation.case_id == case.id,
                                                                 Invitation.party_name == party_name))
    if duplicate is not None:
        raise Conflict(f"{party_name} is invited already.", code="already_invited", invitation_id=duplicate)
    invitation = Invitation(case_id=case.id, party_kind=party_kind, party_name=party_name,
                            contact_person=contact_person, answer_due_on=answer_due_on, invited_by=identity.subject,
                            created_at=now)
    db.session.add(invitation)
    db.session.flush()
    lifecycle.apply(case, "invite", identity.subject, detail={
        "invitation_id": invitation.id, "party": party_name, "party_kind": party_kind,
        "answer_due_on": answer_due_on.isoformat()}, now=now)
    db.session.commit()
    return invitation


def answer_invitation(identity: Identity, case_id: int, invitation_id: int, *, answer: str,
                      note: str = "") -> Invitation:
    """Record a party's answer (accepted / declined), as staff hear it by phone or letter."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "answer_invitation")
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.case_id != case.id:
        raise NotFound(f"Case {case_id} has no invitation {invitation_id}.", code="invitation_not_found")
    if invitation.answer != "pending":
        raise Conflict(f"{invitation.party_name} answered already ({invitation.answer}).", code="already_answered")
    invitation.answer, invitation.answer_note, invitation.answered_at = answer, note, now
    lifecycle.apply(case, "answer_invitation", identity.subject, note=note, detail={
        "invitation_id": invitation.id, "party": invitation.party_name, "answer": answer}, now=now)
    db.session.commit()
    return invitation


def hold_meeting(identity: Identity, case_id: int, *, held_at: dt.datetime, place: str, attendees: list[str],
                 minutes: str) -> Meeting:
    """Record a face-to-face consultation and its minutes (needs at least one party invited)."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "hold_meeting")
    if held_at > now + dt.timedelta(minutes=5):
        raise Unprocessable("Minutes are recorded after the meeting: held_at is in the future.",
                            code="meeting_in_future")
    meeting = Meeting(case_id=case.id, held_at=held_at, place=place, attendees=attendees, minutes=minutes,
                      recorded_by=identity.subject, created_at=now)
    db.session.add(meeting)
    db.session.flush()
    lifecycle.apply(case, "hold_meeting", identity.subject, detail={
        "meeting_id": meeting.id, "held_at": held_at.isoformat(), "place": place, "attendees": attendees}, now=now)
    db.session.commit()
    return meeting


def agree_action(identity: Identity, case_id: int, *, description: str, responsible_party: str,
                 due_on: dt.date) -> Action:
    """An action agreed at the consultation: who does what by when."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "agree_action")
    action = Action(case_id=case.id, description=description, responsible_party=responsible_party, due_on=due_on,
                    created_by=identity.subject, created_at=now)
    db.session.add(action)
    db.session.flush()
    lifecycle.apply(case, "agree_action", identity.subject, detail={
        "action_id": action.id, "what": description, "party": responsible_party, "due_on": due_on.isoformat()},
        now=now)
    db.session.commit()
    return action


ACTION_MOVES = {"agreed": ("in_progress", "done", "dropped"), "in_progress": ("done", "dropped"),
                "done": (), "dropped": ()}


def update_action(identity: Identity, case_id: int, action_id: int, *, state: str, evidence: str = "") -> Action:
    """An action starts, is done (with evidence) or is dropped."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "update_action")
    action = db.session.get(Action, action_id)
    if action is None or action.case_id != case.id:
        raise NotFound(f"Case {case_id} has no action {action_id}.", code="action_not_found")
    if state not in ACTION_MOVES[action.state]:
        raise Conflict(f"An action that is {action.state} cannot become {state}.", code="invalid_action_change",
                       action_state=action.state)
    if state == "done" and not evidence.strip():
        raise Unprocessable("Say what shows the action was done (evidence).", code="evidence_required")
    action.state = state
    action.evidence = evidence or action.evidence
    action.done_at = now if state == "done" else None
    lifecycle.apply(case, "update_action", identity.subject, detail={
        "action_id": action.id, "what": action.description, "party": action.responsible_party, "state": state,
        "evidence": evidence}, now=now)
    db.session.commit()
    return action


def resolve(identity: Identity, case_id: int, *, summary: str, funded_by: list[str] | None = None) -> Case:
    """Resolved: every agreed action done or dropped, at least one done."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "resolve")
    states = list(db.session.scalars(sa.select(Action.state).where(Action.case_id == case.id)))
    if any(s not in ("done", "dropped") for s in states) or "done" not in states:
        raise Conflict("Every agreed action must be done or dropped, and one done, before the case is resolved.",
                       code="actions_not_done", open_actions=sum(s not in ("done", "dropped") for s in states))
    case.resolution_summary = summary
    case.funded_by = list(funded_by or [])
    case.resolved_at = now
    lifecycle.apply(case, "resolve", identity.subject, note=summary, detail={"funded_by": case.funded_by}, now=now)
    _announce("cases.case.resolved", case)
    db.session.commit()
    return case


def follow_up(identity: Identity, case_id: int, *, held: bool, note: str) -> Case:
    """A later check that the solution held; if it did not, the case is reopened."""
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "follow_up")
    if held:
        lifecycle.apply(case, "follow_up", identity.subject, note=note, detail={"held": True}, now=now)
    else:
        _reopen(case, identity.subject, note or "The follow-up found the problem back.", now)
    db.session.commit()
    return case


def rate(identity: Identity, case_id: int, *, score: int, comment: str = "", on_behalf_of: str | None = None) -> Rating:
    """A resident who reported or is affected rates the handling (staff may record one by phone)."""
    now = utcnow()
    case = get_case(case_id, lock=True)
    rater = identity.subject
    if on_behalf_of is not None:
        require_staff(identity, case.community_id)
        rater = on_behalf_of
    linked = db.session.scalar(sa.select(CaseResident.id).where(CaseResident.case_id == case.id,
                                                                CaseResident.subject == rater))
    if linked is None:
        if on_behalf_of is None:
            raise Forbidden("Only residents who reported or are named in the case rate it.", code="not_your_case")
        db.session.add(CaseResident(case_id=case.id, subject=rater, relation="affected"))
    lifecycle.check(case, "rate")
    if db.session.scalar(sa.select(Rating.id).where(Rating.case_id == case.id, Rating.rater == rater)) is not None:
        raise Conflict("This resident has rated the case already.", code="already_rated")
    rating = Rating(case_id=case.id, rater=rater, score=score, comment=comment, created_at=now)
    db.session.add(rating)
    lifecycle.apply(case, "rate", identity.subject, detail={"score": score}, note=comment, now=now)
    db.session.commit()
    return rating


def close(identity: Identity, case_id: int, *, note: str = "") -> Case:
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    lifecycle.check(case, "close")
    case.closed_at = now
    lifecycle.apply(case, "close", identity.subject, note=note, now=now)
    _announce("cases.case.closed", case)
    db.session.commit()
    return case


def reopen(identity: Identity, case_id: int, *, reason: str) -> Case:
    now = utcnow()
    case = staff_case(identity, case_id, lock=True)
    _reopen(case, identity.subject, reason, now)
    db.session.commit()
    return case


def _reopen(case: Case, actor: str, reason: str, now: dt.datetime) -> None:
    lifecycle.check(case, "reopen")
    case.reopened_count += 1
    case.closed_at = None
    case.resolved_at = None
    lifecycle.apply(case, "reopen", actor, note=reason, detail={"round": case.reopened_count}, now=now)
