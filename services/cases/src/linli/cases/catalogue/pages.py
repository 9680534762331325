"""The catalogue page residents read at the hub's front desk or on their phone."""

from __future__ import annotations

from flask import Blueprint, render_template

from linli.cases.catalogue.service import MODES, catalogue_for
from linli.shared.pages import community_or_404

pages = Blueprint("catalogue_pages", __name__)


@pages.get("/catalogue/<community_id>")
def catalogue_page(community_id: str) -> str:
    community = community_or_404(community_id)
    return render_template("cases/catalogue.html", community=community, items=catalogue_for(community_id), modes=MODES)
