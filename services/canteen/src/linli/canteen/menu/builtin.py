"""Built-in default: the menu of a date is annotated with its solar term and features its dishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linli.canteen import hookimpl
from linli.canteen.menu.solar import solar_term


@hookimpl
def menu_annotations(community: Any, date: dt.date) -> dict[str, Any]:
    term = solar_term(date)
    return {"solar_term": term, "featured_tags": [term["tag"]]}
