"""Resident page: upcoming activities with places left; sign up, confirm an offered place, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

from linli.hub.activities import service
from linli.hub.templating import register_filters
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import utcnow
from linli.shared.pages import act, choose_community, sign_in_page, signed_in

pages = Blueprint("hub_activity_pages", __name__, url_prefix="/activities")
register_filters(pages)


def _rows(community: Community, identity: Identity | None) -> list[dict[str, Any]]:
    now = utcnow()
    mine: dict[int, Any] = {}  # session id -> the identity's live registration
    if identity is not None:
        for registration in service.my_registrations(identity):
            if registration.effective_status(now) in ("registered", "waitlisted", "offered"):
                mine.setdefault(registration.session_id, registration)
    return [{"session": s, "activity": a, "counts": service.session_counts(s, now), "mine": mine.get(s.id),
             "status": mine[s.id].effective_status(now) if s.id in mine else None}
            for s, a in service.list_sessions(community.id, start=now, end=now + dt.timedelta(days=28))]


@pages.get("")
def index() -> Any:
    identity = signed_in()
    community = choose_community(identity)
    return render_template("hub/activities/index.html", community=community, rows=_rows(community, identity),
                           identity=identity)


def _fragment(community: Community, identity: Identity, session_id: int) -> str:
    row = next((r for r in _rows(community, identity) if r["session"].id == session_id), None)
    return render_template("hub/activities/_session_card.html", row=row, community=community,
                           identity=identity) if row else ""


@pages.post("/sessions/<int:session_id>/sign-up")
def sign_up(session_id: int) -> Any:
    identity = signed_in()
    if identity is None:
        return sign_in_page()
    community = choose_community(identity)
    return act(lambda: service.sign_up(identity, session_id), _("Done. See your place below."),
               url_for(".index", community=community.id), lambda: _fragment(community, identity, session_id))


@pages.post("/registrations/<int:registration_id>/<any(confirm, cancel):action>")
def change(registration_id: int, action: str) -> Any:
    identity = signed_in()
    if identity is None:
        return sign_in_page()
    community = choose_community(identity)
    do = service.confirm_offer if action == "confirm" else service.cancel
    session_id = service.session_of_registration(registration_id) or 0
    message = _("Your place is confirmed.") if action == "confirm" else _("Cancelled.")
    return act(lambda: do(identity, registration_id), message, url_for(".index", community=community.id),
               lambda: _fragment(community, identity, session_id))
