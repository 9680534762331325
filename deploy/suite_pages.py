"""The pages of the embedded suite, per community: what `make run` prints and the landing page at /
links to. ``python deploy/suite_pages.py http://127.0.0.1:8000`` prints them for the communities of
``LINLI_COMMUNITIES_FILE`` (default: communities.toml)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from linli.shared.communities import Communities

# label, path ({community} is the community id), who opens it
COMMUNITY_PAGES = [
    ("kiosk", "/canteen/kiosk/{community}", "diners"),
    ("phone", "/canteen/order/{community}", "diners"),
    ("counter", "/canteen/counter/{community}", "staff"),
    ("meal cards", "/canteen/counter/{community}/meal-cards", "staff"),
    ("kitchen", "/canteen/kitchen/{community}", "staff"),
    ("staff rooms", "/hub/staff/rooms?community={community}", "staff"),
    ("residents", "/hub/staff/people?community={community}", "staff"),
    ("team", "/hub/team?community={community}", "team leads"),
    ("volunteer", "/hub/volunteer?community={community}", "volunteers"),
    ("activities", "/hub/activities?community={community}", "residents"),
    ("catalogue", "/cases/catalogue/{community}", "residents"),
]
SUITE_PAGES = [("sign in", "/hub/login", "everyone"), ("accounts", "/hub/staff/accounts", "staff")]
APIS = ["/canteen/openapi.json", "/hub/openapi.json", "/cases/openapi.json"]


def communities() -> Communities:
    return Communities.from_file(Path(os.environ.get("LINLI_COMMUNITIES_FILE", "communities.toml")))


def community_pages(community_id: str) -> list[tuple[str, str, str]]:
    return [(label, path.format(community=community_id), who) for label, path, who in COMMUNITY_PAGES]


def console_text(base_url: str, served: Communities | None = None) -> str:
    """The lines `make run` prints: every community's pages, then the suite's own."""
    served = served if served is not None else communities()
    base = base_url.rstrip("/")
    pages = COMMUNITY_PAGES + SUITE_PAGES
    label_width, who_width = max(len(p[0]) for p in pages), max(len(p[2]) for p in pages)

    def line(indent: str, label: str, who: str, url: str) -> str:
        return f"{indent}{label:<{label_width}}  {who:<{who_width}}  {url}"

    lines = [f"Linli is starting on {base}/", ""]
    for community in served.values():
        lines.append(f"  {community.name_zh} {community.name_en} ({community.id})")
        lines += [line("    ", label, who, base + path) for label, path, who in community_pages(community.id)]
        lines.append("")
    lines += [line("  ", label, who, base + path) for label, path, who in SUITE_PAGES]
    lines.append(line("  ", "APIs", "", ", ".join(base + path for path in APIS)))
    return "\n".join(lines)


if __name__ == "__main__":
    print(console_text(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
