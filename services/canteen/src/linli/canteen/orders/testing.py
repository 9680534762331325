"""A small menu for tests (and for the load script): one lunch service with dishes, a set meal and a
retail good, built through the service functions. Not used by the running service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linli.canteen.extensions import db
from linli.canteen.menu import service as menu
from linli.canteen.menu.solar import solar_term
from linli.canteen.stock import service as stock
from linli.shared.localtime import local_at

FUTURE_DAY = dt.date(2030, 3, 4)  # ordering stays open; tofu carries the tag of that day's solar term


def make_menu(community_id: str = "north-bund", day: dt.date = FUTURE_DAY, *, portions: int = 20,
              set_meal_limit: int = 10, retail_stock: int = 5, prefix: str = "") -> dict[str, Any]:
    """Ids of what it made: meal_service, pork (full+half), greens (full+half), egg (full+half),
    rice (full only), set_meal (one meat half, two vegetables half, rice), beans (retail)."""
    def dish(code: str, zh: str, en: str, category: str, full: int, half: int | None, tags: list[str] | None = None):
        return menu.create_dish(None, community_id=community_id, commit=False, code=prefix + code, name_zh=zh,
                                name_en=en, category=category, full_price_fen=full, half_price_fen=half,
                                tags=tags or [])

    pork = dish("pork", "红烧肉", "Braised pork", "meat", 1600, 900)
    chicken = dish("chicken", "白切鸡", "White-cut chicken", "meat", 1500, 800)
    greens = dish("greens", "清炒时蔬", "Greens", "vegetable", 600, 350)
    egg = dish("egg", "番茄炒蛋", "Tomato and egg", "vegetable", 800, 450)
    tofu = dish("tofu", "麻婆豆腐", "Mapo tofu", "vegetable", 700, 400, [solar_term(day)["tag"], "health"])
    rice = dish("rice", "米饭", "Rice", "staple", 100, None)
    db.session.flush()
    set_meal = menu.create_set_meal(
        None, community_id=community_id, commit=False, code=prefix + "liangxin", name_zh="粮心套餐",
        name_en="Grain-heart set meal", price_fen=1500,
        groups=[{"name_zh": "荤", "name_en": "Meat", "choose": 1,
                 "options": [{"dish_id": pork.id, "portion": "half"}, {"dish_id": chicken.id, "portion": "half"}]},
                {"name_zh": "素", "name_en": "Vegetables", "choose": 2,
                 "options": [{"dish_id": d.id, "portion": "half"} for d in (greens, egg, tofu)]},
                {"name_zh": "饭", "name_en": "Rice", "choose": 1, "options": [{"dish_id": rice.id}]}])
    beans = menu.create_retail_item(None, community_id=community_id, commit=False, code=prefix + "beans",
                                    name_zh="五香豆", name_en="Five-spice beans", price_fen=1500,
                                    stock_remaining=retail_stock)
    service = menu.create_meal_service(
        None, community_id=community_id, service_date=day, kind="lunch", starts_at=local_at(day, "11:00"),
        ends_at=local_at(day, "13:00"), order_cutoff_at=local_at(day, "12:45"), commit=False)
    db.session.flush()
    for position, d in enumerate((pork, chicken, greens, egg, tofu, rice)):
        stock.offer_dish(None, meal_service_id=service.id, dish_id=d.id, planned_portions=portions,
                         position=position, commit=False)
    stock.offer_set_meal(None, meal_service_id=service.id, set_meal_id=set_meal.id, daily_limit=set_meal_limit,
                         commit=False)
    db.session.commit()
    return {"community_id": community_id, "day": day, "meal_service": service.id, "pork": pork.id,
            "chicken": chicken.id, "greens": greens.id, "egg": egg.id, "tofu": tofu.id, "rice": rice.id,
            "set_meal": set_meal.id, "beans": beans.id}
