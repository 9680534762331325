"""Team lead pages (request slots in a round, see results and why) and staff pages (room calendar,
round management). Pages call the domain services directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from linli.hub.bookings import service as bookings
from linli.hub.rooms.service import list_rooms, rooms_by_id
from linli.hub.rounds import reasons, service
from linli.hub.teams.service import list_teams, teams_led_by
from linli.hub.templating import register_filters
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.communities import Community
from linli.shared.errors import Unprocessable
from linli.shared.localtime import LOCAL_TZ
from linli.shared.pages import (
    act,
    choose_community,
    sign_in_page,
    signed_in,
    signed_in_staff,
    staff_page,
)

pages = Blueprint("hub_round_pages", __name__)
register_filters(pages)

def explain(decision: Any) -> str:
    """The decision's reason in the reader's language, from its recorded detail (``reasons``)."""
    return reasons.explain(decision.outcome, decision.detail or {}, decision.reason, _)


# --- team lead -------------------------------------------------------------------------------

@pages.get("/team")
def team() -> Any:
    identity = signed_in()
    if identity is None or not identity.has_role("team_lead", *STAFF_ROLES):
        return sign_in_page()
    community = choose_community(identity)
    led = [t for t in teams_led_by(identity) if t.community_id == community.id]
    if identity.is_staff and not led:
        led = list_teams(community.id)
    chosen = next((t for t in led if str(t.id) == request.args.get("team")), led[0] if led else None)
    open_rounds, results = [], []
    if chosen is not None:
        rooms = rooms_by_id(community.id)
        for round_ in service.list_rounds(community.id, status="open"):
            ranks = {r.slot_id: r.rank for r in service.team_requests(round_.id, chosen.id)}
            open_rounds.append({"round": round_, "ranks": ranks, "rooms": rooms})
        for round_ in service.list_rounds(community.id, status="allocated")[:3]:
            decisions = service.decisions_for(identity, round_.id, team_id=chosen.id)
            if decisions:
                slots = {s.id: s for s in round_.slots}
                results.append({"round": round_, "rows": [
                    {"decision": d, "slot": slots[d.slot_id], "room": rooms.get(slots[d.slot_id].room_id),
                     "why": explain(d), "label": reasons.label(d.outcome, _)} for d in decisions]})
    return render_template("hub/rounds/team.html", community=community, teams=led, team=chosen,
                           open_rounds=open_rounds, results=results)


@pages.post("/team/rounds/<int:round_id>/requests")
def submit(round_id: int) -> Any:
    identity = signed_in()
    if identity is None:
        return sign_in_page()
    team_id = request.form.get("team", type=int) or 0
    ranked = sorted(((int(v), int(k.removeprefix("rank-"))) for k, v in request.form.items()
                     if k.startswith("rank-") and k.removeprefix("rank-").isdigit() and v.isdigit()),
                    key=lambda item: item[0])

    def send() -> None:
        if not ranked:
            raise Unprocessable(_("Choose at least one slot."), code="no_slots")
        service.submit_requests(identity, round_id, team_id=team_id, slot_ids=[slot for _rank, slot in ranked])

    return act(send, _("Your requests are in. Results come when the round closes."),
               url_for(".team", team=team_id, community=request.form.get("community")))


# --- staff -----------------------------------------------------------------------------------

@pages.get("/staff/rooms")
@staff_page
def staff_rooms(community: Community, identity: Identity) -> Any:
    identity.require_community(community.id)
    today = dt.datetime.now(LOCAL_TZ).date()
    week_text = request.args.get("week", "").strip()
    week_problem = None
    try:
        monday = dt.date.fromisoformat(week_text) if week_text else today
    except ValueError:
        monday, week_problem = today, "bad_date"
    if abs((monday - today).days) > 366:  # a typo like 2062: say so rather than show an empty year
        monday, week_problem = today, "date_out_of_range"
    monday -= dt.timedelta(days=monday.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=LOCAL_TZ)
    rooms = list_rooms(community.id)
    grid: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for booking, team_ in bookings.community_bookings_between(community.id, start, start + dt.timedelta(days=7)):
        day = (booking.starts_at.astimezone(LOCAL_TZ).date() - monday).days
        times = (f"{booking.starts_at.astimezone(LOCAL_TZ):%H:%M}–"
                 f"{booking.ends_at.astimezone(LOCAL_TZ):%H:%M}")
        grid.setdefault((day, booking.room_id), []).append(
            {"booking": booking, "times": times, "label": booking.title or (team_.name_zh if team_ else "")})
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    room_names = {room.id: room.name(str(get_locale())) for room in rooms}
    pending = [{"booking": booking, "room": room_names.get(booking.room_id, ""),
                "label": booking.title or (team_.name_zh if team_ else ""),
                "when": f"{booking.starts_at.astimezone(LOCAL_TZ):%m/%d %H:%M}–"
                        f"{booking.ends_at.astimezone(LOCAL_TZ):%H:%M}"}
               for booking, team_ in bookings.bookings_awaiting_approval(community.id)]
    rounds = service.list_rounds(community.id)[:10]
    counts = service.teams_asking([r.id for r in rounds])
    return render_template("hub/rounds/staff.html", community=community, rooms=rooms, days=days, grid=grid,
                           rounds=rounds, counts=counts, pending=pending, prev_week=monday - dt.timedelta(days=7),
                           next_week=monday + dt.timedelta(days=7), monday=monday, week_problem=week_problem,
                           room_options=list(room_names.items()))


@pages.post("/staff/bookings/<int:booking_id>/<any(approve, reject):decision>")
def decide_booking(booking_id: int, decision: str) -> Any:
    identity = signed_in_staff()
    if identity is None:
        return sign_in_page()
    booking = bookings.get_booking(booking_id)
    message = _("Booking approved.") if decision == "approve" else _("Booking rejected.")
    return act(lambda: bookings.decide_booking(identity, booking_id, approve=decision == "approve"), message,
               url_for(".staff_rooms", community=booking.community_id,
                       week=booking.starts_at.astimezone(LOCAL_TZ).date().isoformat()))


@pages.post("/staff/rounds")
@staff_page
def create_round(community: Community, identity: Identity) -> Any:
    form = request.form

    def create() -> None:
        try:
            first_day = dt.date.fromisoformat(form["first_day"])
            start, end = dt.time.fromisoformat(form["start"]), dt.time.fromisoformat(form["end"])
            closes = dt.datetime.fromisoformat(form["closes_at"]).replace(tzinfo=LOCAL_TZ)
            weeks = max(1, min(int(form.get("weeks", "1")), 12))
            quota = max(1, min(int(form.get("quota") or 1), 14))
        except (KeyError, ValueError):
            raise Unprocessable(_("Fill in every field of the round."), code="bad_form") from None
        room_ids = [int(r) for r in form.getlist("rooms") if r.isdigit()]
        if start >= end:
            raise Unprocessable(_("A slot must end after it starts."), code="end_before_start")
        slots = service.weekly_slots(room_ids, first_day=first_day, weeks=weeks, start=start, end=end, tz=LOCAL_TZ)
        service.create_round(identity, community_id=community.id, title=form.get("title", "").strip()[:200] or "—",
                             closes_at=closes, slots=slots, weekly_quota=quota)

    return act(create, _("The round is open for requests."), url_for(".staff_rooms", community=community.id))


@pages.post("/staff/rounds/<int:round_id>/close")
def close_round(round_id: int) -> Any:
    identity = signed_in_staff()
    if identity is None:
        return sign_in_page()
    return act(lambda: service.close_round(identity, round_id), _("The round is decided."),
               url_for(".round_detail", round_id=round_id))


@pages.get("/staff/rounds/<int:round_id>")
def round_detail(round_id: int) -> Any:
    identity = signed_in_staff()
    if identity is None:
        return sign_in_page()
    round_ = service.get_round(round_id)
    identity.require_community(round_.community_id)
    community = choose_community(identity)
    rooms = rooms_by_id(round_.community_id)
    teams = {t.id: t for t in list_teams(round_.community_id)}
    decisions = service.decisions_for(identity, round_id)
    slots = {s.id: s for s in round_.slots}
    rows = [{"decision": d, "team": teams.get(d.team_id), "slot": slots[d.slot_id],
             "room": rooms.get(slots[d.slot_id].room_id), "why": explain(d), "label": reasons.label(d.outcome, _)}
            for d in decisions]
    return render_template("hub/rounds/round.html", community=community, round=round_, rows=rows, rooms=rooms,
                           teams=teams)
