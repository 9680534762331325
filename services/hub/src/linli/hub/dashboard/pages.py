"""The committee dashboard (居委会驾驶舱) for a large screen and a phone, the subdistrict view of
the committees side by side, and the printable weekly digest for the Monday meeting (emailed when
an SMTP server is configured). Staff only; every figure comes through ``dashboard.service`` from
the three services' summary APIs."""

from __future__ import annotations

import datetime as dt
import smtplib
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.dashboard import service
from linli.hub.dashboard.client import Tile
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.errors import Problem
from linli.shared.pages import act, is_en, local_date, money, sign_in_page, signed_in, staff_page

pages = Blueprint("hub_dashboard_pages", __name__)

PERIOD_LABELS = {"am": ("上午", "Morning"), "pm": ("下午", "Afternoon"), "late": ("延时", "Extended hours")}
DUTY_LABELS = {"front_desk": ("前台接待", "Front desk"), "visiting": ("走访", "Visiting"),
               "meeting": ("调研开会", "Meetings"), "training": ("培训", "Training"), "off": ("休息", "Off")}
METHOD_LABELS = {"cash": ("现金", "Cash"), "meal_card": ("饭卡", "Meal card"), "subsidy": ("助餐补贴", "Subsidy"),
                 "stripe": ("银行卡/移动支付", "Card / mobile")}


def label(pair: tuple[str, str] | None, fallback: str = "") -> str:
    if not pair:
        return fallback
    return pair[1] if is_en() else pair[0]


def title(item: dict[str, Any], key: str = "title") -> str:
    zh, en = item.get(f"{key}_zh") or item.get(key) or "", item.get(f"{key}_en") or ""
    return en if is_en() and en else zh


def token() -> str:
    header = request.headers.get("Authorization", "")
    return header.partition(" ")[2].strip() if header else request.cookies.get("linli_token", "")


def unavailable(tile: Tile) -> str:
    if tile.status == "forbidden":
        return _("Not shown: your account may not read these figures.")
    return _("Unavailable just now: the service did not answer. The other figures are current.")


def chart_data(committee: service.Committee) -> dict[str, Any]:
    """What the two charts draw (the tiles and the table carry the same figures as text)."""
    data: dict[str, Any] = {}
    canteen = committee.tile("canteen")
    if canteen.ok and canteen.data:
        covers = canteen.data["covers_by_day"]
        waste = {r["date"]: r["per_cover"] for r in canteen.data["waste"]["by_day"]}
        data["canteen"] = {"labels": [local_date(r["date"]) for r in covers], "covers": [r["covers"] for r in covers],
                           "waste": [waste.get(r["date"]) for r in covers], "target": canteen.data["waste"]["target"],
                           "covers_label": _("Covers"), "waste_label": _("Waste per cover (g)"),
                           "target_label": _("Target (g)")}
    cases = committee.tile("cases")
    if cases.ok and cases.data:
        weeks = cases.data["weeks"]
        data["cases"] = {"labels": [local_date(w["week_start"]) for w in weeks],
                         "opened": [w["opened"] for w in weeks], "resolved": [w["resolved"] for w in weeks],
                         "opened_label": _("Opened"), "resolved_label": _("Resolved")}
    return data


def _common() -> dict[str, Any]:
    return {"label": label, "title": title, "unavailable": unavailable, "money": money, "local_date": local_date,
            "periods": PERIOD_LABELS, "duties": DUTY_LABELS, "methods": METHOD_LABELS}


@pages.get("/staff/dashboard")
@staff_page
def dashboard(community: Community, identity: Identity) -> Any:
    day = service.parse_day(request.args.get("day"))
    (committee,) = service.committees(identity, token(), [community.id], day)
    return render_template("hub/dashboard/dashboard.html", community=community, committee=committee, day=day,
                           previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1),
                           chart=chart_data(committee), several=len(service.subdistrict_communities(identity)) > 1,
                           **_common())


def _or_dash(value: Any) -> Any:
    return "—" if value is None else value


SIDE_BY_SIDE: tuple[tuple[str, Any, Any], ...] = (
    ("canteen", lambda: _("Covers this week"), lambda d: d["covers"]),
    ("canteen", lambda: _("Takings this week"), lambda d: money(d["takings_fen"])),
    ("canteen", lambda: _("Waste per cover (g)"), lambda d: _or_dash(d["waste"]["per_cover"])),
    ("canteen", lambda: _("Target (g)"), lambda d: _or_dash(d["waste"]["target"])),
    ("canteen", lambda: _("Rating"), lambda d: _or_dash(d["ratings"]["average"])),
    ("hub", lambda: _("Bookings this week"), lambda d: d["rooms"]["bookings"]),
    ("hub", lambda: _("Contested slots"), lambda d: sum(r["contested_slots"] for r in d["rounds"])),
    ("hub", lambda: _("On duty this week"), lambda d: d["volunteers"]["on_duty"]),
    ("hub", lambda: _("At the desk now"), lambda d: sum(len(p["at_desk"]) for p in d["roster"]["periods"])),
    ("hub", lambda: _("Households overdue for a visit"), lambda d: _or_dash((d["visits"] or {}).get("overdue"))),
    ("cases", lambda: _("Open cases"), lambda d: d["open"]),
    ("cases", lambda: _("Overdue"), lambda d: d["overdue"]),
    ("cases", lambda: _("Resolved this week"), lambda d: d["resolved_this_week"]),
    ("cases", lambda: _("Polls closing this week"), lambda d: len(d["polls_closing_this_week"])),
)


def side_by_side(committees: list[service.Committee]) -> list[tuple[str, list[Any]]]:
    """One row per figure, one cell per committee (``None``: that service did not answer)."""
    return [(name(), [figure(m.tile(svc).data) if m.tile(svc).ok else None for m in committees])
            for svc, name, figure in SIDE_BY_SIDE]


@pages.get("/staff/dashboard/subdistrict")
def subdistrict() -> Any:
    identity = signed_in()
    if identity is None or not identity.is_staff:
        return sign_in_page()
    day = service.parse_day(request.args.get("day"))
    committees = service.committees(identity, token(), service.subdistrict_communities(identity), day)
    return render_template("hub/dashboard/subdistrict.html", committees=committees, day=day,
                           rows=side_by_side(committees),
                           community=committees[0].community if committees else None, **_common())


def _digest(community: Community, identity: Identity) -> tuple[service.Committee, dt.date]:
    monday = service.digest_week(request.values.get("week"))
    return service.digest(identity, token(), community.id, monday), monday


def _render_digest(community: Community, committee: service.Committee, monday: dt.date, *, email: bool = False) -> str:
    """The digest page, or (``email``) the email's HTML part: the same, with its stylesheet inlined (a mail
    client fetches no stylesheet) and without the page's buttons."""
    inline_css = Path(str(current_app.static_folder), "dashboard.css").read_text(encoding="utf-8") if email else ""
    return render_template("hub/dashboard/digest.html", community=community, committee=committee, monday=monday,
                           sunday=monday + dt.timedelta(days=6), previous_week=monday - dt.timedelta(weeks=1),
                           next_week=monday + dt.timedelta(weeks=1), smtp=service.smtp_configured(), email=email,
                           inline_css=inline_css, **_common())


@pages.get("/staff/dashboard/digest")
@staff_page
def digest(community: Community, identity: Identity) -> Any:
    committee, monday = _digest(community, identity)
    return _render_digest(community, committee, monday)


@pages.post("/staff/dashboard/digest")
@staff_page
def email_digest(community: Community, identity: Identity) -> Any:
    back = url_for("hub_dashboard_pages.digest", community=community.id, week=request.form.get("week") or None)

    def send() -> None:
        if not service.smtp_configured():
            raise Problem(_("No mail server is configured (LINLI_SMTP_URL)."), code="page_message", status=409)
        to = service.recipients(request.form.get("to"))
        committee, monday = _digest(community, identity)
        subject = _("Weekly digest %(community)s %(first)s – %(last)s", community=community.name(get_locale_name()),
                    first=local_date(monday), last=local_date(monday + dt.timedelta(days=6)))
        html = _render_digest(community, committee, monday, email=True)
        try:
            service.send_digest(subject=subject, text=digest_text(committee), html=html, to=to)
        except (OSError, smtplib.SMTPException):
            raise Problem(_("The mail server did not take the digest; try again later."), code="page_message",
                          status=503) from None

    return act(send, _("The digest was sent."), back)


def get_locale_name() -> str:
    return "en" if is_en() else "zh_CN"


def digest_text(committee: service.Committee) -> str:
    """The digest as plain text (the email's text part)."""
    lines = [f"{committee.community.name_zh} {committee.community.name_en}: "
             f"{committee.date_from.isoformat()} – {committee.date_to.isoformat()}"]
    canteen, hub, cases = committee.tile("canteen"), committee.tile("hub"), committee.tile("cases")
    if canteen.ok and canteen.data:
        c = canteen.data
        lines.append(f"{_('Covers')}: {c['covers']} · {_('Takings')}: {money(c['takings_fen'])} · "
                     f"{_('Waste per cover (g)')}: {c['waste']['per_cover']} / {c['waste']['target']}")
    else:
        lines.append(f"{_('Canteen')}: {unavailable(canteen)}")
    if hub.ok and hub.data:
        h = hub.data
        lines.append(f"{_('Room bookings')}: {h['rooms']['bookings']} · {_('Volunteers on duty')}: "
                     f"{h['volunteers']['on_duty']}")
        if h.get("visits"):
            lines.append(f"{_('Households overdue for a visit')}: {h['visits']['overdue']}")
    else:
        lines.append(f"{_('Neighbourhood hub')}: {unavailable(hub)}")
    if cases.ok and cases.data:
        k = cases.data
        lines.append(f"{_('Open cases')}: {k['open']} · {_('Overdue')}: {k['overdue']} · "
                     f"{_('Resolved')}: {k['resolved']}")
    else:
        lines.append(f"{_('Cases and services')}: {unavailable(cases)}")
    return "\n".join(lines) + "\n"
