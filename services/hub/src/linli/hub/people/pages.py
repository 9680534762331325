"""Staff pages for households and residents (居民与家庭): who lives where, who is elderly, living
alone or disabled, which languages they speak. Staff of the community only; every listing of a
special-group household is audited by the people service, as the API's is. The forms are checked
by the API's own schemas."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.people import service
from linli.hub.people.schemas import HouseholdCreateSchema, ResidentCreateSchema
from linli.hub.people.service import GROUPS, SPECIAL_GROUPS
from linli.hub.templating import register_filters
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.localtime import local_today
from linli.shared.pages import act, is_en, load_form, staff_page

pages = Blueprint("hub_people_pages", __name__)
register_filters(pages)

LANGUAGES = {"zh": "普通话", "shanghainese": "上海话", "en": "English"}


def _field_labels() -> dict[str, str]:
    return {"compound": _("Compound"), "building": _("Building"), "unit": _("Unit"), "room": _("Room"),
            "phone": _("Phone"), "name": _("Name"), "gender": _("Gender"), "birth_date": _("Birth date"),
            "languages": _("Languages"), "groups": _("Groups"), "note": _("Note")}


def _blank_is_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@pages.get("/staff/people")
@staff_page
def people(community: Community, identity: Identity) -> Any:
    identity.require_community(community.id)
    group = request.args.get("group") if request.args.get("group") in GROUPS else None
    households = service.list_households(identity, community_id=community.id, group=group)
    bands = service.age_bands(community)
    today = local_today()
    rows: list[dict[str, Any]] = [{"household": h, "special": service.is_special(h),
             "residents": [{"resident": r, "band": service.age_band(r.birth_date, bands, today)}
                           for r in h.residents]}
            for h in households]
    return render_template("hub/people/index.html", community=community, rows=rows, group=group, groups=GROUPS,
                           special_groups=SPECIAL_GROUPS, languages=LANGUAGES,
                           group_words={code: names[1] if is_en() else names[0] for code, names in GROUPS.items()},
                           residents=sum(len(row["residents"]) for row in rows))


@pages.post("/staff/households")
@staff_page
def new_household(community: Community, identity: Identity) -> Any:
    form = request.form

    def create() -> None:
        data = load_form(HouseholdCreateSchema(), {
            "community_id": community.id, "compound": form.get("compound", "").strip(),
            "building": form.get("building", "").strip(), "unit": form.get("unit", "").strip(),
            "room": form.get("room", "").strip(), "phone": _blank_is_none(form.get("phone"))}, _field_labels())
        service.create_household(identity, **data)

    return act(create, _("Household registered."), url_for(".people", community=community.id))


@pages.post("/staff/households/<int:household_id>/residents")
@staff_page
def new_resident(community: Community, identity: Identity, household_id: int) -> Any:
    form = request.form

    def add() -> None:
        languages = [code for code in re.split(r"[\s,，、]+", form.get("languages", "")) if code] or ["zh"]
        data = load_form(ResidentCreateSchema(), {
            "name": form.get("name", "").strip(), "gender": _blank_is_none(form.get("gender")),
            "birth_date": _blank_is_none(form.get("birth_date")), "phone": _blank_is_none(form.get("phone")),
            "languages": languages, "groups": form.getlist("groups")}, _field_labels())
        service.add_resident(identity, household_id, **data)

    return act(add, _("Resident added."), url_for(".people", community=community.id) + f"#household-{household_id}")
