"""Waste pages for staff: the scales tablet (``/waste/<community>/scales``: big number pad, the last
entries, undo within a minute) and the manager's page (``/waste/<community>``: waste per cover by kind
over time against the targets, the dishes with the most unserved grams beside their sales and ratings,
the score per month, exports) with a printable monthly report. They call the service functions only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.canteen.feedback.service import dish_ratings
from linli.canteen.menu.service import get_meal_service, list_dishes
from linli.canteen.pages.common import choose_community_page, register_filters
from linli.canteen.reports.service import sales
from linli.canteen.waste import kpi, service
from linli.canteen.waste.schemas import MAX_GRAMS, WASTE_KINDS
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import utcnow
from linli.shared.errors import Unprocessable
from linli.shared.localtime import local_today
from linli.shared.pages import act, staff_page

pages = Blueprint("canteen_waste", __name__, url_prefix="/waste")
register_filters(pages)
RANGES = {"14d": ("day", 14), "12w": ("week", 84), "12m": ("month", 365)}


def kind_label(kind: str) -> str:
    return {"preparation": _("Preparation waste"), "unserved": _("Unserved food"), "plate": _("Plate waste"),
            "total": _("All waste")}.get(kind, kind)


pages.add_app_template_filter(kind_label, "waste_kind")


# --- the scales -------------------------------------------------------------------------------


def _scales_context(community: Community, identity: Identity) -> dict[str, Any]:
    entries = service.recent(identity, community.id)
    now = utcnow()
    return {"community": community, "identity": identity, "services": service.weighable_services(community.id),
            "kinds": WASTE_KINDS, "dishes": list_dishes(community.id), "entries": entries,
            "undoable": {e.id for e in entries if service.can_undo(e, identity, now)}, "max_kg": MAX_GRAMS // 1000}


def _entries_fragment(community: Community, identity: Identity) -> str:
    return render_template("canteen/waste/_entries.html", **_scales_context(community, identity))


@pages.get("")
def choose() -> Any:
    return choose_community_page("Kitchen waste", "canteen_waste.manager")


@pages.get("/<community_id>/scales")
@staff_page
def scales(community: Community, identity: Identity) -> Any:
    context = _scales_context(community, identity)
    chosen = request.args.get("service", "")
    context["chosen"] = int(chosen) if chosen.isdigit() else (context["services"][0].id if context["services"] else None)
    context["entries_html"] = _entries_fragment(community, identity)
    return render_template("canteen/waste/scales.html", **context)


def _form_grams() -> int:
    text = request.form.get("grams", "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_GRAMS:
        raise Unprocessable(_("Type a weight from 1 g to %(kg)s kg.", kg=MAX_GRAMS // 1000), code="page_message")
    return int(text)


@pages.post("/<community_id>/scales")
@staff_page
def weigh(community: Community, identity: Identity) -> Any:
    chosen = request.form.get("service", "")
    saved: dict[str, Any] = {}

    def record() -> None:
        if not chosen.isdigit():
            raise Unprocessable(_("Choose the meal service first."), code="page_message")
        meal = get_meal_service(int(chosen))
        kind = request.form.get("kind", "")
        if meal.community_id != community.id or kind not in WASTE_KINDS:
            raise Unprocessable(_("Choose the meal service and the kind of waste."), code="page_message")
        dish = request.form.get("dish_id", "")
        entry = service.record_entry(identity, community_id=community.id, service_date=meal.service_date,
                                     meal_kind=meal.kind, kind=kind, grams=_form_grams(),
                                     edible=request.form.get("inedible") != "1",
                                     dish_id=int(dish) if dish.isdigit() else None)
        saved["grams"] = entry.grams

    return act(record, _("Saved. Next weight, please."),
               url_for(".scales", community_id=community.id, service=chosen or None),
               lambda: _entries_fragment(community, identity))


@pages.post("/<community_id>/scales/<int:entry_id>/undo")
@staff_page
def undo(community: Community, identity: Identity, entry_id: int) -> Any:
    return act(lambda: service.undo_entry(identity, entry_id), _("Taken back."),
               url_for(".scales", community_id=community.id), lambda: _entries_fragment(community, identity))


# --- the manager's page -----------------------------------------------------------------------


def _chart_data(report: dict[str, Any]) -> dict[str, Any]:
    return {"labels": [str(r["period_start"]) for r in report["rows"]],
            "series": [{"kind": k, "label": kind_label(k), "values": [r["per_cover"][k] for r in report["rows"]]}
                       for k in ("plate", "preparation", "unserved", "total")],
            "targets": [{"kind": k, "label": _("Target: %(kind)s", kind=kind_label(k)), "value": v}
                        for k, v in report["targets"].items()],
            "y_title": _("Grams per cover")}


def _dish_table(identity: Identity, community_id: str, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Dishes with the most unserved grams, beside what was sold and how diners rated them."""
    unserved = service.dishes_most_unserved(identity, community_id=community_id, date_from=date_from,
                                            date_to=date_to, limit=50)
    sold: dict[int, dict[str, int]] = {}
    for row in sales(identity, community_id=community_id, date_from=date_from, date_to=date_to)["dishes"]:
        entry = sold.setdefault(row["dish_id"], {"full": 0, "half": 0})
        entry["full"] += row["full"] + row["full_in_set_meals"]
        entry["half"] += row["half"] + row["half_in_set_meals"]
    ratings = dish_ratings(community_id, date_from, date_to)
    return [{**d, "sold": sold.get(d["dish_id"], {"full": 0, "half": 0}), "rating": ratings.get(d["dish_id"])}
            for d in unserved[:10]]


@pages.get("/<community_id>")
@staff_page
def manager(community: Community, identity: Identity) -> Any:
    span = request.args.get("range", "14d")
    by, days = RANGES.get(span, RANGES["14d"])
    date_to = local_today() - dt.timedelta(days=1)
    date_from = date_to - dt.timedelta(days=days - 1)
    report = kpi.kpi_report(identity, community_id=community.id, date_from=date_from, date_to=date_to, by=by)
    months = kpi.kpi_report(identity, community_id=community.id, by="month", date_to=date_to,
                            date_from=(date_to.replace(day=1) - dt.timedelta(days=150)).replace(day=1))
    query = {"community_id": community.id, "date_from": date_from, "date_to": date_to}
    return render_template(
        "canteen/waste/manager.html", community=community, identity=identity, report=report, span=span,
        ranges=RANGES, chart=_chart_data(report), months=[m for m in months["rows"] if m["meal_services"]],
        dishes=_dish_table(identity, community.id, date_from, date_to), query=query,
        this_month=date_to.strftime("%Y-%m"))


@pages.get("/<community_id>/report/<int:year>-<int:month>")
@staff_page
def monthly_report(community: Community, identity: Identity, year: int, month: int) -> Any:
    """A month on one printable page: the weekly KPI table, the month's score, the dishes."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Unprocessable(_("No such month."), code="page_message")
    first = dt.date(year, month, 1)
    last = kpi.next_period(first, "month") - dt.timedelta(days=1)
    weeks = kpi.kpi_report(identity, community_id=community.id, date_from=first, date_to=last, by="week")
    return render_template("canteen/waste/monthly_report.html", community=community, identity=identity,
                           first=first, last=last, weeks=weeks,
                           dishes=_dish_table(identity, community.id, first, last))
