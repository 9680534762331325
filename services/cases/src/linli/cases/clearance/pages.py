"""The daily clearance board (日日清) page for the committee's morning and the Monday meeting."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from linli.cases.casework import progress
from linli.cases.casework.pages import CATEGORY_WORDS
from linli.cases.clearance import service
from linli.cases.pagekit import is_en, staff_page
from linli.shared.auth import Identity
from linli.shared.communities import Community

pages = Blueprint("clearance_pages", __name__, url_prefix="/staff/clearance")


@pages.get("/<community_id>")
@staff_page
def board_page(community: Community, identity: Identity) -> str:
    assigned_to = request.args.get("assigned_to", "")[:120] or None
    board = service.board(identity, community.id, assigned_to=assigned_to)
    weeks = service.weekly(identity, community.id, weeks=6)
    return render_template("cases/clearance.html", community=community, board=board, weeks=weeks,
                           assigned_to=assigned_to or "", state_words=progress.STATE_WORDS,
                           category_words=CATEGORY_WORDS, en=is_en())
