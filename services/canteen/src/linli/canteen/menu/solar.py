"""The 24 solar terms (节气) from sxtwl (see docs/notes/solar-terms.md); dates are China dates."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from typing import Any

import sxtwl

# sxtwl jqIndex order: 0 = 冬至 (winter solstice), then onward; 3 = 立春.
JIEQI_ZH = ("冬至", "小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨",
            "立夏", "小满", "芒种", "夏至", "小暑", "大暑", "立秋", "处暑", "白露",
            "秋分", "寒露", "霜降", "立冬", "小雪", "大雪")
JIEQI_EN = ("Winter Solstice", "Minor Cold", "Major Cold", "Start of Spring",
            "Rain Water", "Awakening of Insects", "Spring Equinox", "Clear and Bright",
            "Grain Rain", "Start of Summer", "Grain Buds", "Grain in Ear",
            "Summer Solstice", "Minor Heat", "Major Heat", "Start of Autumn",
            "End of Heat", "White Dew", "Autumn Equinox", "Cold Dew",
            "Frost's Descent", "Start of Winter", "Minor Snow", "Major Snow")


@functools.lru_cache(maxsize=8)
def _terms_around(year: int) -> list[tuple[dt.date, int]]:
    """[(start date, jqIndex)] from 立春 of year-1 to 立春 of year+1, sorted."""
    out: dict[dt.date, int] = {}
    for y in (year - 1, year):
        for info in sxtwl.getJieQiByYear(y):  # 25 items: 立春(y) .. 立春(y+1), Beijing time
            t = sxtwl.JD2DD(info.jd)
            out[dt.date(t.Y, t.M, t.D)] = info.jqIndex
    return sorted(out.items())


def tag_for(name_zh: str) -> str:
    """The dish tag a solar term features, e.g. ``solar:小雪``."""
    return f"solar:{name_zh}"


@functools.lru_cache(maxsize=512)
def solar_term(day: dt.date) -> dict[str, Any]:
    """The solar term in effect on ``day`` (China date) and the next one."""
    terms = _terms_around(day.year)
    i = bisect.bisect_right([t[0] for t in terms], day) - 1
    (start, index), (next_start, next_index) = terms[i], terms[i + 1]
    return {"index": index, "name_zh": JIEQI_ZH[index], "name_en": JIEQI_EN[index], "start": start.isoformat(),
            "next_name_zh": JIEQI_ZH[next_index], "next_name_en": JIEQI_EN[next_index],
            "next_start": next_start.isoformat(), "tag": tag_for(JIEQI_ZH[index])}
