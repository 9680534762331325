"""The committee dashboard, the subdistrict view and the weekly digest, built on the three services'
summary APIs only (``client.gather``): which ranges each tile asks for, the links into each service's
own pages, and the digest by email when an SMTP server is configured (``LINLI_SMTP_URL``)."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import gettext as _

from linli.hub.dashboard.client import SERVICES, Request, Tile, gather
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.errors import Forbidden, Unprocessable
from linli.shared.localtime import local_today
from linli.shared.navigation import page_url
from linli.shared.state import service_state

CASE_WEEKS = 8  # the cases chart: opened and resolved over the last eight weeks


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Committee:
    community: Community
    day: dt.date
    date_from: dt.date
    date_to: dt.date
    tiles: dict[str, Tile]
    links: dict[str, str] = field(default_factory=dict)

    def tile(self, service: str) -> Tile:
        return self.tiles[service]

    def day_figure(self, rows: list[dict[str, Any]], key: str) -> Any:
        """The chosen day's value in a per-day series (``None`` when the day is not in it)."""
        for row in rows:
            if row.get("date") == self.day.isoformat():
                return row.get(key)
        return None


def links(community_id: str) -> dict[str, str]:
    """Where each tile drills down to: the service's own page of the same figures."""
    c = community_id
    return {
        "waste": page_url("canteen", f"/waste/{c}"), "feedback": page_url("canteen", f"/feedback/{c}/staff"),
        "kitchen": page_url("canteen", f"/kitchen/{c}"), "rooms": page_url("hub", f"/staff/rooms?community={c}"),
        "roster": page_url("hub", f"/staff/roster?community={c}"), "volunteers": page_url("hub", "/volunteer"),
        "visits": page_url("hub", f"/staff/visits/overview?community={c}"),
        "visits_report": page_url("hub", f"/staff/visits/report?community={c}"),
        "clearance": page_url("cases", f"/staff/clearance/{c}"), "cases": page_url("cases", f"/staff/cases/{c}"),
        "polls": page_url("cases", f"/polls/{c}"),
    }


def _requests(community_id: str, ranges: dict[str, tuple[dt.date, dt.date]]) -> list[Request]:
    return [Request(service, community_id, (("community_id", community_id), ("date_from", first.isoformat()),
                                            ("date_to", last.isoformat())))
            for service, (first, last) in ranges.items()]


def committees(identity: Identity, token: str, community_ids: list[str], day: dt.date,
               ranges: dict[str, tuple[dt.date, dt.date]] | None = None) -> list[Committee]:
    """Each community's tiles, all services of all communities asked at once. The default ranges:
    the week so far (Monday to ``day``) for canteen and hub, the last eight weeks for cases."""
    known = service_state().communities
    for community_id in community_ids:
        known.require(community_id)
        if not identity.is_staff_of(community_id):
            raise Forbidden("The dashboard is for the committee's staff.", code="not_staff_of_community")
    monday = monday_of(day)
    ranges = ranges or {"canteen": (monday, day), "hub": (monday, day),
                        "cases": (monday - dt.timedelta(weeks=CASE_WEEKS - 1), day)}
    wanted = [r for c in community_ids for r in _requests(c, ranges)]
    tiles = gather(identity, token, wanted)
    return [Committee(known[c], day, *ranges["canteen"], {s: tiles[(s, c)] for s in SERVICES}, links(c))
            for c in community_ids]


def subdistrict_communities(identity: Identity) -> list[str]:
    """The communities the token names that this suite serves, in the file's order."""
    return [cid for cid in service_state().communities if identity.is_staff_of(cid)]


def parse_day(value: str | None) -> dt.date:
    if not value:
        return local_today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Unprocessable("A day is YYYY-MM-DD.", code="invalid_date") from None


def digest_week(value: str | None) -> dt.date:
    """The Monday of the digest's week: the one asked for, else last week (the Monday meeting's)."""
    if value:
        return monday_of(parse_day(value))
    return monday_of(local_today()) - dt.timedelta(weeks=1)


def digest(identity: Identity, token: str, community_id: str, monday: dt.date) -> Committee:
    sunday = monday + dt.timedelta(days=6)
    week = (monday, sunday)
    return committees(identity, token, [community_id], sunday, {"canteen": week, "hub": week, "cases": week})[0]


# --- email ----------------------------------------------------------------------------------------------


def smtp_configured() -> bool:
    return bool(current_app.config.get("LINLI_SMTP_URL"))


def recipients(value: str | None) -> list[str]:
    given = value if value and value.strip() else current_app.config.get("LINLI_DIGEST_TO") or ""
    addresses = [a.strip() for a in given.replace(";", ",").split(",") if a.strip()]
    if not addresses:
        raise Unprocessable(_("Name at least one address to send the digest to."), code="page_message")
    for address in addresses:
        local, _at, domain = address.partition("@")
        if not local or "." not in domain or any(ch.isspace() or ch in "<>\"," for ch in address) or len(address) > 254:
            raise Unprocessable(_("Not an email address: %(address)s", address=address), code="page_message")
    return addresses


def send_digest(*, subject: str, text: str, html: str, to: list[str]) -> None:
    """Send through ``LINLI_SMTP_URL`` (``smtp://[user:password@]host:port``; ``smtps://`` for TLS
    from the start; ``?starttls=1`` to upgrade), from ``LINLI_DIGEST_FROM``."""
    url = urlsplit(current_app.config["LINLI_SMTP_URL"])
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, current_app.config["LINLI_DIGEST_FROM"], ", ".join(to)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    timeout = float(current_app.config.get("LINLI_SMTP_TIMEOUT", 10))
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname or "127.0.0.1", url.port or (465 if url.scheme == "smtps" else 25),
                    timeout=timeout) as smtp:
        if "starttls=1" in (url.query or ""):
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)
