"""Plain data of the ``visit_frequency`` hook: what a plugin sees of a household, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field

PER_DAYS = {"week": 7, "month": 30, "year": 365}


@dataclass(frozen=True)
class HouseholdProfile:
    id: int
    community_id: str
    groups: frozenset[str] = field(default_factory=frozenset)
    ages: tuple[int, ...] = ()


@dataclass(frozen=True)
class VisitRule:
    count: int
    per: str  # week | month | year
    reason: str = ""

    def __post_init__(self) -> None:
        if self.count < 1 or self.per not in PER_DAYS:
            raise ValueError(f"not a visit rule: {self.count}/{self.per}")

    @property
    def interval_days(self) -> int:
        """Days between visits: 3/week -> 2 (a visit 2 days ago makes the household due today)."""
        return max(1, PER_DAYS[self.per] // self.count)

    @property
    def label(self) -> str:
        return f"{self.count}/{self.per}" + (f" {self.reason}" if self.reason else "")

    @classmethod
    def parse(cls, text: str, reason: str = "") -> VisitRule:
        """``"3/week"`` -> VisitRule(3, "week")."""
        count, _, per = str(text).partition("/")
        return cls(int(count), per.strip(), reason)
