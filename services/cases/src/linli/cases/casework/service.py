"""Opening and listing cases; callable without HTTP."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from linli.cases.casework.models import Case
from linli.cases.extensions import db
from linli.shared.auth import Identity
from linli.shared.state import service_state


def open_case(identity: Identity, *, community_id: str, title: str, category: str, description: str = "") -> Case:
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    case = Case(community_id=community_id, title=title, category=category, description=description,
                opened_by=identity.subject, source="staff")
    db.session.add(case)
    db.session.commit()
    return case


def open_case_from_event(*, event_id: str, community_id: str, title: str, category: str, description: str) -> Case:
    """Open a case for an event from another service; the event id keeps it to one case."""
    case = Case(community_id=community_id, title=title, category=category, description=description,
                opened_by="system", source="event", source_ref=event_id)
    db.session.add(case)
    return case


def list_cases(identity: Identity, *, community_id: str, state: str | None = None) -> list[Case]:
    identity.require_community(community_id)
    query = sa.select(Case).where(Case.community_id == community_id).order_by(Case.id.desc())
    if state:
        query = query.where(Case.state == state)
    return list(db.session.scalars(query))


def describe(case: Case) -> dict[str, Any]:
    return {"id": case.id, "title": case.title, "state": case.state}
