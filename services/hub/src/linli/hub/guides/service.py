"""The guides of one community: every plugin's ``community_content`` pages, merged by slug, per language.

Pages are configuration (code and settings), not rows: they are gathered from the hook for each
request, so enabling a plugin in communities.toml is all it takes. A page a plugin gives in Chinese
but not in English is shown in Chinese, saying so (``Guide.translated`` is False).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from linli.shared.errors import NotFound
from linli.shared.state import service_state

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
log = structlog.get_logger("linli.hub.guides")


@dataclass(frozen=True)
class Section:
    heading: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    slug: str
    language: str  # the language the text is in
    title: str
    summary: str = ""
    credit: str = ""
    sections: tuple[Section, ...] = ()
    translated: bool = True  # False: asked for another language, shown in this one

    @classmethod
    def from_hook(cls, data: Any, language: str) -> Guide | None:
        """A page as a plugin gave it, or None (logged) when it is not one: a wrong page is left out
        rather than breaking the others."""
        try:
            if not isinstance(data, Mapping):
                raise TypeError("a guide is a dict")
            slug, title = data.get("slug"), data.get("title")
            if not (isinstance(slug, str) and SLUG.match(slug) and isinstance(title, str) and title.strip()):
                raise ValueError("a guide needs a slug of lower-case letters, digits and dashes, and a title")
            sections = tuple(
                Section(str(s["heading"]), str(s.get("text") or ""), tuple(str(i) for i in s.get("items") or ()))
                for s in data.get("sections") or ())
            return cls(slug, language, title, str(data.get("summary") or ""), str(data.get("credit") or ""),
                       sections)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.warning("guide.invalid", language=language, page=repr(data)[:200], error=str(error))
            return None


def language_of(locale: str) -> str:
    """``zh`` or ``en`` for a page locale (``zh_CN``, ``en``, ``en-GB`` ...)."""
    return "en" if locale.lower().startswith("en") else DEFAULT_LANGUAGE


def _pages(community_id: str, language: str) -> dict[str, Guide]:
    state = service_state()
    community = state.communities.require(community_id)
    merged: dict[str, Guide] = {}
    # pluggy calls the last registered plugin first; reverse so later plugins win
    for pages in reversed(state.hooks_for(community).community_content(community=community, locale=language)):
        for data in pages or ():
            guide = Guide.from_hook(data, language)
            if guide is not None:
                merged[guide.slug] = guide
    return merged


def guides_for(community_id: str, locale: str) -> list[Guide]:
    """Every guide of the community, each in the reader's language when it has one, else in Chinese."""
    language = language_of(locale)
    found = _pages(community_id, language)
    if language != DEFAULT_LANGUAGE:
        for slug, guide in _pages(community_id, DEFAULT_LANGUAGE).items():
            found.setdefault(slug, _untranslated(guide))
    return sorted(found.values(), key=lambda guide: guide.slug)


def find_guide(community_id: str, slug: str, locale: str) -> Guide:
    for guide in guides_for(community_id, locale):
        if guide.slug == slug:
            return guide
    raise NotFound(f"Community '{community_id}' has no guide '{slug}'.", code="unknown_guide")


def _untranslated(guide: Guide) -> Guide:
    return Guide(guide.slug, guide.language, guide.title, guide.summary, guide.credit, guide.sections,
                 translated=False)
