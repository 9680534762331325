"""North Bund's canteen: the grain-heart set meal promotion and the food-safety guidance before holidays.

- **Grain-heart lunch promotion** (粮心套餐午市优惠): the grain-heart set meal, North Bund's answer
  to kitchen waste (half portions in one bundle), costs less at lunch, per set meal ordered.
  ``price_adjustments`` adds one discount line per order; the server computes it, never the page.
- **Food-safety guidance before holidays** (节前食品安全指导): before each holiday the market
  supervision office (市场监督管理所) comes to the canteen; ``menu_annotations`` announces it on the
  menu of the days before. Holidays are computed, the lunar ones with sxtwl (Spring Festival 1/1,
  Dragon Boat 5/5, Mid-Autumn 8/15), so the notice holds in every year.

Settings, ``[communities.<id>.settings.north_bund_canteen]``::

    grain_heart = { set_meal_code = "liangxin", discount_fen = 200, meal_kinds = ["lunch"] }
    food_safety = { holidays = ["spring_festival", "mid_autumn"], days_before = 7,
                    office_zh = "北外滩市场监督管理所", office_en = "North Bund Market Supervision Office" }
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import sqlalchemy as sa
import sxtwl

from linli.canteen import hookimpl
from linli.canteen.extensions import db
from linli.canteen.menu.models import SetMeal

SETTINGS = "north_bund_canteen"
# code -> (name_zh, name_en, ("lunar" | "solar", month, day))
HOLIDAYS: dict[str, tuple[str, str, tuple[str, int, int]]] = {
    "new_year": ("元旦", "New Year's Day", ("solar", 1, 1)),
    "spring_festival": ("春节", "Spring Festival", ("lunar", 1, 1)),
    "labour_day": ("劳动节", "Labour Day", ("solar", 5, 1)),
    "dragon_boat": ("端午节", "Dragon Boat Festival", ("lunar", 5, 5)),
    "mid_autumn": ("中秋节", "Mid-Autumn Festival", ("lunar", 8, 15)),
    "national_day": ("国庆节", "National Day", ("solar", 10, 1)),
}


@functools.lru_cache(maxsize=256)
def holiday_date(code: str, year: int) -> dt.date:
    """The Gregorian date of a holiday in ``year`` (for lunar ones: of the lunar year ``year``)."""
    kind, month, day = HOLIDAYS[code][2]
    if kind == "solar":
        return dt.date(year, month, day)
    solar = sxtwl.fromLunar(year, month, day)
    return dt.date(solar.getSolarYear(), solar.getSolarMonth(), solar.getSolarDay())


def next_holiday(codes: list[str], after: dt.date) -> tuple[str, dt.date] | None:
    """The first of these holidays strictly after ``after``."""
    upcoming = [(holiday_date(code, year), code) for code in codes for year in (after.year, after.year + 1)]
    later = sorted((day, code) for day, code in upcoming if day > after)
    return (later[0][1], later[0][0]) if later else None


@hookimpl
def menu_annotations(community: Any, date: dt.date) -> dict[str, Any] | None:
    """The guidance notice on the menus of the ``days_before`` days before a holiday."""
    settings = (community.setting(SETTINGS) or {}).get("food_safety")
    if not settings:
        return None
    found = next_holiday(list(settings.get("holidays", HOLIDAYS)), date)
    if found is None or (found[1] - date).days > int(settings.get("days_before", 7)):
        return None
    code, day = found
    name_zh, name_en, _ = HOLIDAYS[code]
    office_zh = settings.get("office_zh", "市场监督管理所")
    office_en = settings.get("office_en", "the market supervision office")
    return {"food_safety_guidance": {
        "holiday": code, "holiday_date": day.isoformat(), "holiday_zh": name_zh, "holiday_en": name_en,
        "office_zh": office_zh, "office_en": office_en,
        "notice_zh": f"{name_zh}前食品安全指导：{office_zh}到食堂检查指导，欢迎就餐居民提出意见。",
        "notice_en": f"Food-safety guidance before {name_en}: {office_en} visits the canteen; "
                     "diners are welcome to raise concerns.",
    }}


@hookimpl
def price_adjustments(community: Any, order: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A discount per grain-heart set meal in the order, at the meal services the settings name."""
    settings = (community.setting(SETTINGS) or {}).get("grain_heart")
    if not settings or order["meal_service"]["kind"] not in settings.get("meal_kinds", ["lunch"]):
        return None
    set_lines = [line for line in order["lines"] if line["kind"] == "set_meal"]
    if not set_lines:
        return None
    code = settings.get("set_meal_code", "liangxin")
    if all("set_meal_code" in line for line in set_lines):  # the canteen names each line's set meal
        grain_heart = {line["set_meal_id"] for line in set_lines if line["set_meal_code"] == code}
    else:
        grain_heart = set(db.session.scalars(sa.select(SetMeal.id).where(
            SetMeal.id.in_({line["set_meal_id"] for line in set_lines}), SetMeal.code == code)))
    discount = int(settings.get("discount_fen", 200))
    amount = sum(min(discount * line["quantity"], line["line_total_fen"]) for line in order["lines"]
                 if line["kind"] == "set_meal" and line["set_meal_id"] in grain_heart)
    if not amount:
        return None
    return [{"code": "grain_heart_lunch", "label_zh": "粮心套餐午市优惠", "label_en": "Grain-heart lunch offer",
             "amount_fen": -amount}]
