"""The residents' committees served, read from one TOML file shared by every service."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linli.shared.errors import NotFound


@dataclass(frozen=True)
class Community:
    id: str
    name_zh: str
    name_en: str
    district: str
    subdistrict: str
    plugins: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh

    def setting(self, section: str, default: Any = None) -> Any:
        return self.settings.get(section, default)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "district": self.district,
            "subdistrict": self.subdistrict,
            "plugins": list(self.plugins),
        }


class Communities(Mapping[str, Community]):
    def __init__(self, communities: dict[str, Community]) -> None:
        self._by_id = communities

    @classmethod
    def from_file(cls, path: str | Path) -> Communities:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Communities:
        communities = {}
        for community_id, entry in data.get("communities", {}).items():
            communities[community_id] = Community(
                id=community_id,
                name_zh=entry["name_zh"],
                name_en=entry["name_en"],
                district=entry.get("district", ""),
                subdistrict=entry.get("subdistrict", ""),
                plugins=tuple(entry.get("plugins", ())),
                settings=entry.get("settings", {}),
            )
        return cls(communities)

    def __getitem__(self, community_id: str) -> Community:
        return self._by_id[community_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def require(self, community_id: str) -> Community:
        try:
            return self._by_id[community_id]
        except KeyError:
            raise NotFound(f"No community '{community_id}'.", code="unknown_community") from None
