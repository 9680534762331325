"""Activities, sign-up, the ordered waitlist and attendance; callable without HTTP.

Never above capacity: every sign-up, cancellation and promotion locks the session row first
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's single writer does the same), then counts,
then writes. A place counts as taken by a registration or by an offer that has not expired.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from linli.hub.accounts.models import Account
from linli.hub.activities.models import Activity, ActivitySession, Registration
from linli.hub.extensions import db
from linli.hub.people.models import Resident
from linli.hub.rooms.models import Room
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.db import changed_rows, lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.events import publish
from linli.shared.state import service_state

HELPER_ROLES = (*STAFF_ROLES, "volunteer")
ORGANISER_ROLES = (*STAFF_ROLES, "team_lead", "volunteer")
DEFAULT_CONFIRM_MINUTES = 120


def confirm_window() -> dt.timedelta:
    minutes = (current_app.config.get("LINLI_WAITLIST_CONFIRM_MINUTES")
               or os.environ.get("LINLI_WAITLIST_CONFIRM_MINUTES") or DEFAULT_CONFIRM_MINUTES)
    return dt.timedelta(minutes=int(minutes))


# --- activities and sessions -------------------------------------------------------------------


def check_room(community_id: str, room_id: int | None) -> None:
    """The room must be one of this community's."""
    if room_id is None:
        return
    room = db.session.get(Room, room_id)
    if room is None or room.community_id != community_id:
        raise Unprocessable(f"Room {room_id} is not a room of community '{community_id}'.",
                            code="room_not_in_community")


def create_activity(
    identity: Identity,
    *,
    community_id: str,
    title_zh: str,
    capacity: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    organiser_kind: str,
    title_en: str = "",
    description: str = "",
    kind: str = "class",
    organiser_ref: str | None = None,
    organiser_name: str = "",
    room_id: int | None = None,
    repeat_weeks: int = 0,
    commit: bool = True,
) -> Activity:
    """An activity with one session, or ``repeat_weeks`` more on the same weekday and time."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    if not identity.has_role(*ORGANISER_ROLES):
        raise Forbidden("Only staff, team leads and volunteers create activities.", code="missing_role")
    if ends_at <= starts_at:
        raise Unprocessable("A session must end after it starts.", code="ends_before_start")
    if capacity < 0:
        raise Unprocessable("Capacity cannot be below zero.", code="capacity_negative")
    check_room(community_id, room_id)
    activity = Activity(
        community_id=community_id, title_zh=title_zh, title_en=title_en, description=description,
        kind=kind, organiser_kind=organiser_kind, organiser_ref=organiser_ref,
        organiser_name=organiser_name, capacity=capacity, created_by=identity.subject,
    )
    db.session.add(activity)
    db.session.flush()
    for week in range(repeat_weeks + 1):
        shift = dt.timedelta(weeks=week)
        db.session.add(ActivitySession(
            activity_id=activity.id, community_id=community_id, room_id=room_id,
            starts_at=starts_at + shift, ends_at=ends_at + shift, capacity=capacity,
        ))
    if commit:
        db.session.commit()
    return activity


def get_session(session_id: int, *, lock: bool = False) -> ActivitySession:
    query = sa.select(ActivitySession).where(ActivitySession.id == session_id)
    if lock:
        query = lock_for_update(query)
    session = db.session.scalars(query).first()
    if session is None:
        raise NotFound(f"No activity session {session_id}.", code="session_not_found")
    return session


def get_activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(f"No activity {activity_id}.", code="activity_not_found")
    return activity


def session_of_registration(registration_id: int) -> int | None:
    """The id of the session a registration is for; None when there is no such registration."""
    return db.session.scalar(sa.select(Registration.session_id).where(Registration.id == registration_id))


def list_sessions(community_id: str, *, start: dt.datetime | None = None,
                  end: dt.datetime | None = None) -> list[tuple[ActivitySession, Activity]]:
    service_state().communities.require(community_id)
    query = (
        sa.select(ActivitySession, Activity)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(ActivitySession.community_id == community_id, ActivitySession.cancelled.is_(False))
        .order_by(ActivitySession.starts_at, ActivitySession.id)
    )
    if start is not None:
        query = query.where(ActivitySession.ends_at > start)
    if end is not None:
        query = query.where(ActivitySession.starts_at < end)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def sessions_organised_by(community_id: str, organiser_kind: str, organiser_ref: str, *,
                          since: dt.datetime) -> list[tuple[ActivitySession, Activity]]:
    """Sessions of the activities someone organises (e.g. a volunteer's classes), from ``since``."""
    query = (
        sa.select(ActivitySession, Activity).join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Activity.community_id == community_id, Activity.organiser_kind == organiser_kind,
               Activity.organiser_ref == organiser_ref, ActivitySession.ends_at > since,
               ActivitySession.cancelled.is_(False))
        .order_by(ActivitySession.starts_at, ActivitySession.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


@dataclass(frozen=True)
class SessionCounts:
    capacity: int
    registered: int
    offered: int
    waitlisted: int

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.registered - self.offered)


def session_counts(session: ActivitySession, now: dt.datetime | None = None) -> SessionCounts:
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.session_id == session.id,
               sa.or_(Registration.status.in_(("registered", "waitlisted")),
                      sa.and_(Registration.status == "offered", Registration.offer_expires_at > now)))
        .group_by(Registration.status)
    ).all()
    counts = {status: int(n) for status, n in rows}
    return SessionCounts(session.capacity, counts.get("registered", 0), counts.get("offered", 0),
                         counts.get("waitlisted", 0))


# --- sign-up, waitlist, offers -----------------------------------------------------------------


def sign_up(
    identity: Identity,
    session_id: int,
    *,
    resident_id: int | None = None,
    display_name: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """Take a place if one is free and nobody waits; otherwise join the end of the waitlist."""
    now = now or utcnow()
    session = get_session(session_id, lock=True)
    identity.require_community(session.community_id)
    if session.cancelled:
        raise Conflict("This session was cancelled.", code="session_cancelled")
    if session.ends_at <= now:
        raise Conflict("This session is over.", code="session_over")
    if resident_id is not None:
        if not identity.has_role(*HELPER_ROLES):
            raise Forbidden("Only staff and volunteers sign residents up.", code="missing_role")
        resident = db.session.get(Resident, resident_id)
        if resident is None or resident.community_id != session.community_id:
            raise NotFound(f"No resident {resident_id} in this community.", code="resident_not_found")
        person_key, account_id = f"resident:{resident_id}", None
        display_name = display_name or resident.name
    else:
        person_key, account_id = f"account:{identity.subject}", identity.subject
        display_name = display_name or identity.name or _known_name(identity.subject, session.community_id)
    live = db.session.scalars(
        sa.select(Registration).where(Registration.session_id == session.id,
                                      Registration.person_key == person_key,
                                      Registration.status.in_(("registered", "waitlisted", "offered")))
    ).first()
    if live is not None and live.effective_status(now) != "expired":
        raise Conflict("Already signed up for this session.", code="already_signed_up",
                       registration_id=live.id)
    _advance(session, now)  # expired offers pass on before anyone new is counted
    counts = session_counts(session, now)
    registration = Registration(
        session_id=session.id, community_id=session.community_id, person_key=person_key,
        account_id=account_id, resident_id=resident_id, display_name=display_name[:120],
        signed_up_by=identity.subject, created_at=utcnow(),
    )
    if counts.places_left > 0 and counts.waitlisted == 0:
        registration.status = "registered"
    else:
        last = db.session.scalar(
            sa.select(sa.func.max(Registration.position)).where(Registration.session_id == session.id)
        )
        registration.status = "waitlisted"
        registration.position = (last or 0) + 1
    db.session.add(registration)
    db.session.commit()
    return registration


def _known_name(subject: str, community_id: str) -> str:
    """The name the hub knows for a token subject: its account's, else a volunteer profile's."""
    if subject.isdigit():
        account = db.session.get(Account, int(subject))
        if account is not None:
            return account.display_name
    from linli.hub.volunteers.models import Volunteer  # volunteers build on activities, not back

    name = db.session.scalar(sa.select(Volunteer.display_name).where(
        Volunteer.community_id == community_id, Volunteer.account_id == subject))
    return name or ""


def _advance(session: ActivitySession, now: dt.datetime) -> dict[str, int]:
    """With the session locked: record expired offers, then offer free places to the waitlist, while the
    session is not over; an offer lasts the confirm window but never past the session's end."""
    expired = changed_rows(db.session.execute(
        sa.update(Registration)
        .where(Registration.session_id == session.id, Registration.status == "offered",
               Registration.offer_expires_at <= now)
        .values(status="expired", updated_at=now)
        .execution_options(synchronize_session="fetch")
    ))
    counts = session_counts(session, now)
    free = counts.places_left
    offered = 0
    if free > 0 and counts.waitlisted > 0 and session.ends_at > now and not session.cancelled:
        waiting = db.session.scalars(
            sa.select(Registration)
            .where(Registration.session_id == session.id, Registration.status == "waitlisted")
            .order_by(Registration.position)
            .limit(free)
        ).all()
        expires = min(now + confirm_window(), session.ends_at)  # no offer outlives its session
        for registration in waiting:
            registration.status = "offered"
            registration.offer_expires_at = expires
            offered += 1
            publish("hub.activity.place_offered", {
                "registration_id": registration.id, "session_id": session.id,
                "account_id": registration.account_id, "resident_id": registration.resident_id,
                "offer_expires_at": expires.isoformat(),
            }, community_id=session.community_id)
        db.session.flush()
    return {"expired": int(expired or 0), "offered": offered}


def _registration_for_change(identity: Identity, registration_id: int) -> tuple[Registration, ActivitySession]:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(f"No registration {registration_id}.", code="registration_not_found")
    session = get_session(registration.session_id, lock=True)  # lock order: session, then rows
    db.session.refresh(registration)
    identity.require_community(session.community_id)
    own = registration.account_id is not None and registration.account_id == identity.subject
    if not own and not identity.has_role(*HELPER_ROLES):
        raise Forbidden("This is someone else's registration.", code="not_yours")
    return registration, session


def cancel(identity: Identity, registration_id: int, *, now: dt.datetime | None = None) -> Registration:
    """Give up a place, an offer or a waitlist ticket; a freed place is offered to the first waiting."""
    now = now or utcnow()
    registration, session = _registration_for_change(identity, registration_id)
    if registration.effective_status(now) not in ("registered", "waitlisted", "offered"):
        raise Conflict(f"The registration is {registration.effective_status(now)} already.",
                       code="not_active")
    registration.status = "cancelled"
    registration.updated_at = now
    db.session.flush()
    _advance(session, now)
    db.session.commit()
    return registration


def confirm_offer(identity: Identity, registration_id: int, *, now: dt.datetime | None = None) -> Registration:
    """Accept an offered place before it expires."""
    now = now or utcnow()
    registration, session = _registration_for_change(identity, registration_id)
    status = registration.effective_status(now)
    if status == "expired" and registration.status == "offered":
        _advance(session, now)
        db.session.commit()
        raise Conflict("The offer has expired and passed to the next person.", code="offer_expired")
    if status != "offered":
        raise Conflict(f"There is no open offer: the registration is {status}.", code="no_offer")
    registration.status = "registered"
    registration.offer_expires_at = None
    registration.updated_at = now
    db.session.commit()
    return registration


def check_in(identity: Identity, registration_id: int, *, now: dt.datetime | None = None) -> Registration:
    """Staff or a volunteer records attendance of a registered person (idempotent)."""
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(f"No registration {registration_id}.", code="registration_not_found")
    identity.require_community(registration.community_id)
    if not identity.has_role(*HELPER_ROLES):
        raise Forbidden("Only staff and volunteers check people in.", code="missing_role")
    if registration.status != "registered":
        raise Conflict(f"Only registered people check in; this one is {registration.status}.",
                       code="not_registered")
    if registration.checked_in_at is None:
        registration.checked_in_at = now
        registration.checked_in_by = identity.subject
        db.session.commit()
    return registration


def roster(identity: Identity, session_id: int, *, now: dt.datetime | None = None) -> list[Registration]:
    """Everyone on a session, places first then the waitlist in arrival order (staff, volunteers)."""
    session = get_session(session_id)
    identity.require_community(session.community_id)
    if not identity.has_role(*HELPER_ROLES):
        raise Forbidden("Only staff and volunteers see who signed up.", code="missing_role")
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.session_id == session_id)
        .order_by(Registration.position.is_not(None), Registration.position, Registration.id)
    ))


def my_registrations(identity: Identity) -> list[Registration]:
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.account_id == identity.subject)
        .order_by(Registration.id.desc())
    ))


def tick(app: Flask, now: dt.datetime | None = None) -> dict[str, int]:
    """Record expired offers and pass them on; safe to run any number of times."""
    now = now or utcnow()
    done = {"activity_offers_expired": 0, "activity_offers_made": 0}
    with nullcontext() if has_app_context() else app.app_context():
        session_ids = db.session.scalars(
            sa.select(Registration.session_id).where(Registration.status == "offered",
                                                     Registration.offer_expires_at <= now).distinct()
        ).all()
        for session_id in session_ids:
            session = get_session(session_id, lock=True)
            result = _advance(session, now)
            db.session.commit()
            done["activity_offers_expired"] += result["expired"]
            done["activity_offers_made"] += result["offered"]
        db.session.commit()
    return done


def describe_session(session: ActivitySession, activity: Activity, now: dt.datetime | None = None) -> dict[str, Any]:
    counts = session_counts(session, now)
    return {
        "id": session.id, "activity_id": activity.id, "community_id": session.community_id,
        "title_zh": activity.title_zh, "title_en": activity.title_en, "kind": activity.kind,
        "organiser_kind": activity.organiser_kind, "organiser_name": activity.organiser_name,
        "room_id": session.room_id, "starts_at": session.starts_at, "ends_at": session.ends_at,
        "capacity": session.capacity, "registered": counts.registered, "offered": counts.offered,
        "waitlisted": counts.waitlisted, "places_left": counts.places_left,
    }


def my_upcoming(identity: Identity, community_id: str, *, days: int = 28) -> list[dict[str, Any]]:
    """The viewer's places in the coming sessions (signed up, waitlisted or offered), soonest first:
    ``{session, activity, status, position}``."""
    now = utcnow()
    mine = {r.session_id: r for r in my_registrations(identity)
            if r.effective_status(now) in ("registered", "waitlisted", "offered")}
    return [{"session": s, "activity": a, "status": mine[s.id].effective_status(now), "position": mine[s.id].position}
            for s, a in list_sessions(community_id, start=now, end=now + dt.timedelta(days=days)) if s.id in mine]
