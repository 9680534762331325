"""The catalogue of one community: built-in items plus those of its enabled plugins, and search.

Items are configuration (code, hooks, settings), not rows: the catalogue is rebuilt from the hooks
for each request (about 160 items, well under a millisecond to search) so that enabling a plugin
in communities.toml is all it takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from linli.cases.catalogue.items import CATEGORIES, DOCUMENTS
from linli.shared.errors import NotFound
from linli.shared.state import service_state

MODES = ("on_site", "self_service", "help_you_do", "door_to_door")
HANDLINGS = ("on_the_spot", "passed_on", "path_explained")


@dataclass(frozen=True)
class ServiceItem:
    code: str
    name_zh: str
    name_en: str
    category: str
    modes: tuple[str, ...]
    online_prereview: bool = False
    delegated: bool = False
    sunk_down: bool = False
    handling: str = "passed_on"
    documents: tuple[str, ...] = ()
    accepts_reports: bool = False
    case_category: str | None = None
    keywords: str = ""
    description_zh: str = ""
    description_en: str = ""
    source: str = field(default="builtin", compare=False)

    @classmethod
    def from_hook(cls, data: dict[str, Any]) -> ServiceItem:
        known = {name for name in cls.__dataclass_fields__}
        values = {key: value for key, value in data.items() if key in known}
        values["modes"] = tuple(m for m in data.get("modes", ()) if m in MODES)
        values["documents"] = tuple(data.get("documents", ()))
        return cls(**values)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh

    def matches(self, words: Iterable[str]) -> bool:
        text = " ".join((self.code, self.name_zh, self.name_en.lower(), self.keywords.lower(),
                         *CATEGORIES.get(self.category, ("", ""))))
        return all(word in text for word in words)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["modes"] = list(self.modes)
        data["documents"] = [document_info(code) for code in self.documents]
        return data


def document_info(code: str) -> dict[str, str]:
    name_zh, name_en = DOCUMENTS.get(code, (code, code))
    return {"code": code, "name_zh": name_zh, "name_en": name_en}


def catalogue_for(community_id: str) -> list[ServiceItem]:
    state = service_state()
    community = state.communities.require(community_id)
    merged: dict[str, dict[str, Any]] = {}
    # pluggy calls the last registered plugin first; reverse so later plugins win
    for items in reversed(state.hooks_for(community).service_items(community=community)):
        for item in items:
            merged[item["code"]] = {**merged.get(item["code"], {}), **item}
    return sorted((ServiceItem.from_hook(item) for item in merged.values()),
                  key=lambda item: (item.category, item.code))


def find_item(community_id: str, code: str) -> ServiceItem:
    for item in catalogue_for(community_id):
        if item.code == code:
            return item
    raise NotFound(f"Community '{community_id}' has no service item '{code}'.", code="unknown_service_item")


def search(community_id: str, *, q: str = "", mode: str | None = None, category: str | None = None,
           online_prereview: bool | None = None, delegated: bool | None = None, sunk_down: bool | None = None,
           accepts_reports: bool | None = None) -> list[ServiceItem]:
    """Items matching every word of ``q`` (names zh/en, code, keywords, category) and every filter."""
    words = [w.lower() for w in q.split() if w]
    flags = {"online_prereview": online_prereview, "delegated": delegated, "sunk_down": sunk_down,
             "accepts_reports": accepts_reports}
    found = []
    for item in catalogue_for(community_id):
        if mode and mode not in item.modes:
            continue
        if category and item.category != category:
            continue
        if any(wanted is not None and getattr(item, name) != wanted for name, wanted in flags.items()):
            continue
        if words and not item.matches(words):
            continue
        found.append(item)
    return found


def counts(items: Iterable[ServiceItem]) -> dict[str, int]:
    items = list(items)
    return {"items": len(items), "online_prereview": sum(i.online_prereview for i in items),
            "delegated": sum(i.delegated for i in items), "sunk_down": sum(i.sunk_down for i in items),
            "accepts_reports": sum(i.accepts_reports for i in items)}
