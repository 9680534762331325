"""Age bands: a resident's age as the community counts it (``[settings.hub.people] age_bands``).

Plain functions of a birth date and the community's settings, below the service and the schemas
(both use them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from linli.shared.communities import Community
from linli.shared.localtime import local_today

DEFAULT_AGE_BANDS = (60, 70, 80)


def age_bands(community: Community) -> tuple[int, ...]:
    """The community's age bands, e.g. ``[settings.hub.people] age_bands = [60, 70, 80]``."""
    hub = community.setting("hub", {}) or {}
    return tuple(sorted(int(b) for b in hub.get("people", {}).get("age_bands", DEFAULT_AGE_BANDS)))


def age_band(birth_date: dt.date | None, bands: Sequence[int], today: dt.date | None = None) -> str | None:
    if birth_date is None:
        return None
    today = today or local_today()
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    reached = [b for b in bands if age >= b]
    return f"{reached[-1]}+" if reached else None
