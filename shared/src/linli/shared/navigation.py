"""Where each role can go: one map from role to the pages of all three services, so that every page
shows the same navigation bar and every sign-in lands on the role's home.

The services never import one another; they link to one another's pages by URL. A page of the
service itself is linked under ``request.script_root`` (its mount point, also behind the nginx
gateway through ``X-Forwarded-Prefix``); another service's page under that service's prefix
(``LINLI_PAGE_PREFIXES``, JSON ``{service: prefix}``, default ``/canteen``, ``/hub``, ``/cases`` as
the embedded run and the gateway mount them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l

from linli.shared.auth import Identity, current_identity
from linli.shared.errors import Problem
from linli.shared.state import service_state

DEFAULT_PREFIXES = {"canteen": "/canteen", "hub": "/hub", "cases": "/cases"}
STAFF = ("staff", "manager", "admin")
SIGNED_IN = ("diner", "volunteer", "team_lead", "staff", "manager", "admin")


@dataclass(frozen=True)
class Link:
    """A page one or more roles may open; ``{community}`` in the path is the community in view."""

    key: str
    service: str
    path: str
    label: Any  # a lazy translation
    roles: tuple[str, ...]
    group: Any = None  # the staff home lists links under their group's heading


GROUP_CANTEEN, GROUP_HUB, GROUP_CASES = _l("Canteen"), _l("Neighbourhood hub"), _l("Cases and services")

LINKS: tuple[Link, ...] = (
    Link("home", "hub", "/home", _l("Home"), SIGNED_IN),
    Link("counter", "canteen", "/counter/{community}", _l("Counter"), STAFF, GROUP_CANTEEN),
    Link("kitchen", "canteen", "/kitchen/{community}", _l("Kitchen"), STAFF, GROUP_CANTEEN),
    Link("meal_cards", "canteen", "/counter/{community}/meal-cards", _l("Meal cards"), STAFF, GROUP_CANTEEN),
    Link("rooms", "hub", "/staff/rooms?community={community}", _l("Rooms and bookings"), STAFF, GROUP_HUB),
    Link("people", "hub", "/staff/people?community={community}", _l("Residents and households"), STAFF, GROUP_HUB),
    Link("accounts", "hub", "/staff/accounts?community={community}", _l("Accounts"), STAFF, GROUP_HUB),
    Link("volunteers", "hub", "/volunteer", _l("Volunteer shifts"), ("volunteer", *STAFF), GROUP_HUB),
    Link("team", "hub", "/team", _l("My team's rooms"), ("team_lead",)),
    Link("activities", "hub", "/activities", _l("Activities"), ("diner", "volunteer", "team_lead")),
    Link("preorder", "canteen", "/order/{community}", _l("Order a meal"), ("diner", "volunteer", "team_lead")),
    Link("catalogue", "cases", "/catalogue/{community}", _l("Service items"), SIGNED_IN, GROUP_CASES),
    Link("account", "hub", "/account", _l("My account"), SIGNED_IN),
)

# the page each role lands on after signing in (the first role an account has, in this order)
HOMES = (("admin", "/home"), ("manager", "/home"), ("staff", "/home"), ("team_lead", "/team"),
         ("volunteer", "/volunteer"), ("diner", "/home"))


def prefixes() -> dict[str, str]:
    configured = current_app.config.get("LINLI_PAGE_PREFIXES")
    if isinstance(configured, str) and configured.strip():
        configured = json.loads(configured)
    return {**DEFAULT_PREFIXES, **(configured or {})}


def page_url(service: str, path: str) -> str:
    """A page's URL: under this service's own mount point, or under another service's prefix."""
    if service == current_app.config.get("LINLI_SERVICE"):
        return request.script_root + path
    return prefixes().get(service, f"/{service}") + path


def viewer() -> Identity | None:
    try:
        return current_identity()
    except Problem:  # a broken or expired cookie reads as signed out
        return None


def community_in_view(identity: Identity | None) -> str | None:
    """The community the page is about (its URL), else the first one the viewer belongs to."""
    wanted = (request.view_args or {}).get("community_id") or request.args.get("community")
    if isinstance(wanted, str) and wanted and (identity is None or identity.belongs_to(wanted)):
        return wanted
    if identity is not None:
        mine = sorted(c for c in identity.communities if c != "*")
        if mine:
            return mine[0]
        served = list(service_state().communities)  # an admin of every community: the first one
        if served:
            return str(served[0])
    return None


def links_for(identity: Identity | None, community_id: str | None = None) -> list[dict[str, Any]]:
    """The pages this viewer may open, each ``{key, label, url, group, current}``; the one this
    page is (the longest URL that is this path or a folder of it) is ``current``."""
    if identity is None:
        return []
    community_id = community_id or community_in_view(identity)
    found = []
    for link in LINKS:
        if not identity.roles & set(link.roles):
            continue
        if "{community}" in link.path and not community_id:
            continue
        url = page_url(link.service, link.path.format(community=community_id))
        found.append({"key": link.key, "label": link.label, "url": url, "group": link.group, "current": False})
    here = request.script_root + request.path
    def path_of(entry: dict[str, Any]) -> str:
        return str(entry["url"]).split("?", 1)[0]

    matching = [entry for entry in found if here == path_of(entry) or here.startswith(path_of(entry) + "/")]
    if matching:
        max(matching, key=lambda entry: len(path_of(entry)))["current"] = True
    return found


def home_url(identity: Identity | None) -> str:
    """Where this viewer lands after signing in (the sign-in page when signed out)."""
    if identity is None:
        return page_url("hub", "/login")
    for role, path in HOMES:
        if role in identity.roles:
            return page_url("hub", path)
    return page_url("hub", "/home")


def sign_in_url() -> str:
    """The hub's sign-in page, coming back here afterwards (with this service's mount point)."""
    from urllib.parse import urlencode

    back = request.script_root + request.full_path.rstrip("?")
    return page_url("hub", "/login") + "?" + urlencode({"next": back})


def init_navigation(app: Flask) -> None:
    @app.context_processor
    def _navigation() -> dict[str, Any]:
        def nav() -> dict[str, Any]:
            identity = viewer()
            return {"identity": identity, "links": links_for(identity), "home_url": home_url(identity),
                    "sign_in_url": sign_in_url(), "sign_out_url": page_url("hub", "/logout")}

        return {"linli_nav": nav, "linli_page_url": page_url}
