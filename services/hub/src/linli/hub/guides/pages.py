"""Guide pages residents read without signing in: the community's guides, and one guide."""

from __future__ import annotations

from flask import Blueprint, render_template

from linli.hub.guides import service
from linli.shared.pages import community_or_404, is_en

pages = Blueprint("hub_guide_pages", __name__, url_prefix="/guides")


@pages.get("/<community_id>")
def index(community_id: str) -> str:
    community = community_or_404(community_id)
    return render_template("hub/guides/index.html", community=community,
                           guides=service.guides_for(community.id, "en" if is_en() else "zh"))


@pages.get("/<community_id>/<slug>")
def guide(community_id: str, slug: str) -> str:
    community = community_or_404(community_id)
    found = service.find_guide(community.id, slug, "en" if is_en() else "zh")
    return render_template("hub/guides/guide.html", community=community, guide=found)
