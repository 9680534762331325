"""The roster board for the wall (值班表): today (who is at the desk, who sits in for whom, who is out
where, who holds each line of work) and the week's grid; printable. Staff enter absences here and
fill a week from the template; cell edits and swaps go through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.roster import service
from linli.hub.roster.schemas import AbsenceCreateSchema
from linli.hub.roster.service import ABSENCE_KINDS, DUTIES, PERIODS
from linli.hub.templating import register_filters
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.pages import act, is_en, load_form, staff_page

pages = Blueprint("hub_roster_pages", __name__)
register_filters(pages)
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def label(pair: tuple[str, ...]) -> str:
    return pair[1] if is_en() else pair[0]


def day_label(day: dt.date) -> str:
    if not is_en():
        return f"周{WEEKDAYS_ZH[day.weekday()]} {day.month}月{day.day}日"
    return f"{WEEKDAYS_EN[day.weekday()]} {day.day} {day:%b}"


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@pages.get("/staff/roster")
@staff_page
def board(community: Community, identity: Identity) -> Any:
    identity.require_community(community.id)
    today = service.local_today()
    monday = service.monday_of(_date(request.args.get("week")) or today)
    days = service.week_days(monday)
    focus = today if monday <= today <= days[-1] else monday
    staff = service.list_staff(identity, community.id, include_inactive=False)
    boards = service.day_boards(identity, community.id, days)
    grid: dict[int, dict[tuple[dt.date, str], Any]] = {m.id: {} for m in staff}
    for cell in service.week_cells(community.id, monday):
        grid.setdefault(cell.staff_id, {})[(cell.day, cell.period)] = cell
    me = service.staff_for_account(community.id, identity.subject)
    feed = (url_for("roster.duties_feed", token=me.feed_token, _external=True) if me is not None else None)
    return render_template(
        "hub/roster/board.html", community=community, monday=monday, days=days, today=today,
        focus=next(b for b in boards if b.day == focus), boards=boards, staff=staff, grid=grid,
        periods=PERIODS, duties=DUTIES, absence_kinds=ABSENCE_KINDS, label=label, day_label=day_label,
        lines=service.list_lines(community.id), feed=feed, iso_week=monday.isocalendar().week,
        previous_week=monday - dt.timedelta(days=7), next_week=monday + dt.timedelta(days=7),
        has_cells=any(grid.values()), staff_options=[(m.id, m.display_name) for m in staff],
        absence_words=[(code, label(names)) for code, names in ABSENCE_KINDS.items()])


@pages.post("/staff/roster/absences")
@staff_page
def add_absence(community: Community, identity: Identity) -> Any:
    form = request.form

    def add() -> None:
        data = load_form(AbsenceCreateSchema(), {
            "community_id": community.id, "staff_id": form.get("staff_id", ""), "kind": form.get("kind", ""),
            "starts_on": form.get("starts_on", ""), "ends_on": form.get("ends_on") or form.get("starts_on", ""),
            "note": form.get("note", "").strip()},
            {"staff_id": _("Who"), "kind": _("Kind"), "starts_on": _("From"), "ends_on": _("To")})
        service.add_absence(identity, **data)

    starts = _date(form.get("starts_on"))
    back = url_for(".board", community=community.id, week=starts.isoformat() if starts else None)
    return act(add, _("Absence recorded; the board shows who covers."), back)


@pages.post("/staff/roster/weeks")
@staff_page
def generate_week(community: Community, identity: Identity) -> Any:
    monday = service.monday_of(_date(request.form.get("monday")) or service.local_today())

    def generate() -> None:
        service.generate_week(identity, community.id, monday)

    return act(generate, _("The week is filled from the template."),
               url_for(".board", community=community.id, week=monday.isoformat()))
