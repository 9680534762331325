"""Poll pages: a household votes once; everyone in the community sees the results and turnout."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.cases.pagekit import act, community_or_404, is_en, is_staff_of, sign_in_page, signed_in
from linli.cases.polls import service
from linli.shared.db import utcnow
from linli.shared.errors import NotFound

pages = Blueprint("poll_pages", __name__, url_prefix="/polls")


def _number(name: str) -> int | None:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@pages.get("/<community_id>")
def poll_list(community_id: str) -> str:
    community = community_or_404(community_id)
    return render_template("cases/polls.html", community=community, polls=service.list_polls(community.id),
                           now=utcnow(), en=is_en())


@pages.get("/<community_id>/<int:poll_id>")
def poll_page(community_id: str, poll_id: int) -> str:
    community = community_or_404(community_id)
    poll = service.get_poll(poll_id)
    if poll.community_id != community.id:
        raise NotFound(f"No poll {poll_id} here.", code="poll_not_found")
    identity = signed_in()
    return render_template("cases/poll.html", community=community, poll=poll, results=service.results(poll.id),
                           identity=identity, household=service.household_of(identity) if identity else None,
                           voted=service.voted(identity, poll.id) if identity else False,
                           staff=is_staff_of(identity, community.id), en=is_en())


@pages.post("/<community_id>/<int:poll_id>")
def vote(community_id: str, poll_id: int) -> Any:
    community = community_or_404(community_id)
    identity = signed_in()
    back = url_for(".poll_page", community_id=community.id, poll_id=poll_id)
    if identity is None:
        return sign_in_page(community)
    option_id = _number("option_id") or 0
    household_id = _number("household_id") if is_staff_of(identity, community.id) else None
    return act(lambda: service.vote(identity, poll_id, option_id=option_id, household_id=household_id),
               _("Thank you, your household's vote is counted."), back)
