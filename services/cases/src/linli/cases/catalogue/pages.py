"""The catalogue page residents and the front desk search (words, mode, category)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from linli.cases.catalogue import service
from linli.cases.catalogue.items import CATEGORIES, DOCUMENTS
from linli.cases.catalogue.schemas import CatalogueQuerySchema
from linli.cases.pagekit import community_or_404, is_en, register_filters
from linli.shared.errors import Unprocessable

pages = Blueprint("catalogue_pages", __name__)
register_filters(pages)


def _query() -> dict[str, Any]:
    wanted: dict[str, Any] = {key: value for key, value in request.args.items() if key in CatalogueQuerySchema().fields and value}
    for flag in ("online_prereview", "delegated", "sunk_down", "accepts_reports"):
        if flag in wanted:  # a page's link says true/false; the schema takes JSON booleans
            value = wanted.pop(flag)
            if value in ("true", "false"):
                wanted[flag] = value == "true"
    try:
        return CatalogueQuerySchema().load(wanted)
    except Exception:  # a hand-edited address: show everything rather than an error
        return CatalogueQuerySchema().load({})


@pages.get("/catalogue/<community_id>")
def catalogue_page(community_id: str) -> str:
    community = community_or_404(community_id)
    query = _query()
    try:
        items = service.search(community.id, **query)
    except Unprocessable:
        items = []
    return render_template("cases/catalogue.html", community=community, items=items, query=query,
                           modes=service.MODES, categories=CATEGORIES, documents=DOCUMENTS, en=is_en(),
                           summary=service.counts(service.catalogue_for(community.id)))
