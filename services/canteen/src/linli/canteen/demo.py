"""Demo data of both communities: dishes with halves, a 粮心套餐, retail goods, meal services for
today and the next days. Idempotent: whatever exists (by code / date+kind) is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Flask

from linli.canteen.extensions import db
from linli.canteen.menu import service as menu
from linli.canteen.menu.models import Dish, MealService, RetailItem, SetMeal
from linli.canteen.stock import service as stock
from linli.canteen.stock.models import DishStock, SetMealStock
from linli.shared.localtime import local_at, local_today
from linli.shared.seeding import seeding

COMMUNITIES = ("north-bund", "fenglin-huiyuan")
# who weighs the waste and takes the cash in the demo, per community
DEMO_STAFF = {"north-bund": "demo-nb-staff", "fenglin-huiyuan": "demo-hy-staff"}
DAYS_AHEAD = 3

# code, zh, en, category, full fen, half fen, tags, allergens, meal kinds
DISHES: list[tuple[str, str, str, str, int, int | None, list[str], list[str], tuple[str, ...]]] = [
    ("hongshao-rou", "红烧肉", "Braised pork belly", "meat", 1600, 900, [], ["soy"], ("lunch", "dinner")),
    ("baiqie-ji", "白切鸡", "White-cut chicken", "meat", 1500, 800, [], [], ("lunch", "dinner")),
    ("xun-yu", "本帮熏鱼", "Shanghai smoked fish", "meat", 1800, 1000, ["guest_chef"], ["fish", "soy"],
     ("lunch",)),
    ("luobo-niunan", "萝卜炖牛腩", "Beef brisket with radish", "meat", 2000, 1100,
     ["health", "solar:小雪", "solar:大雪"], [], ("lunch", "dinner")),
    ("qingchao-shishu", "清炒时蔬", "Stir-fried seasonal greens", "vegetable", 600, 350, [], [],
     ("lunch", "dinner")),
    ("fanqie-chaodan", "番茄炒蛋", "Tomato and egg", "vegetable", 800, 450, [], ["egg"], ("lunch", "dinner")),
    ("xianggu-qingcai", "香菇青菜", "Bok choy with mushrooms", "vegetable", 700, 400, ["health"], [],
     ("lunch", "dinner")),
    ("shanyao-paigu", "山药排骨汤", "Yam and pork rib soup", "soup", 1200, 700,
     ["health", "solar:立冬", "solar:小雪"], [], ("lunch",)),
    ("mifan", "米饭", "Steamed rice", "staple", 100, None, [], [], ("lunch", "dinner")),
    ("youtiao", "油条", "Fried dough stick", "breakfast", 200, None, [], ["gluten"], ("breakfast",)),
    ("doujiang", "豆浆", "Soy milk", "breakfast", 200, None, [], ["soy"], ("breakfast",)),
    ("cifantuan", "粢饭团", "Sticky rice roll", "breakfast", 500, 300, [], ["gluten"], ("breakfast",)),
    ("jingcai-bao", "净菜包", "Washed vegetable pack (raw)", "raw", 1000, None, [], [], ("raw_takeaway",)),
    ("xian-rou", "鲜肉（生）", "Fresh pork (raw, 250 g)", "raw", 1500, None, [], [], ("raw_takeaway",)),
]
RETAIL = [
    ("wuxiang-dou", "五香豆", "Five-spice broad beans", "城隍庙", 1500, 40),
    ("ligao-tang", "梨膏糖", "Pear syrup candy", "城隍庙", 2000, 30),
    ("niuzha-tang", "牛轧糖", "Nougat", "老字号", 2500, 25),
]
# kind, start, end, cut-off (Shanghai time), dine_in, takeaway
SERVICES = [
    ("breakfast", "07:00", "09:00", "08:45", True, True),
    ("lunch", "11:00", "13:00", "12:45", True, True),
    ("raw_takeaway", "15:00", "18:00", "17:30", False, True),
    ("dinner", "17:00", "18:30", "18:15", True, True),
]
PLANNED_PORTIONS = 60
SET_MEAL_LIMIT = 50


def _ensure_catalogue(community_id: str) -> dict[str, Any]:
    dishes = {d.code: d for d in db.session.scalars(sa.select(Dish).where(Dish.community_id == community_id))}
    for code, zh, en, category, full, half, tags, allergens, _kinds in DISHES:
        if code not in dishes:
            dishes[code] = menu.create_dish(
                None, community_id=community_id, commit=False, code=code, name_zh=zh, name_en=en, category=category,
                full_price_fen=full, half_price_fen=half, tags=tags, allergens=allergens,
                description_zh=f"{zh}，食堂现做。", description_en=f"{en}, cooked in the canteen today.")
    db.session.flush()
    set_meal = db.session.scalar(sa.select(SetMeal).where(SetMeal.community_id == community_id,
                                                          SetMeal.code == "liangxin"))
    if set_meal is None:
        set_meal = menu.create_set_meal(
            None, community_id=community_id, commit=False, code="liangxin", name_zh="粮心套餐",
            name_en="Grain-heart set meal", price_fen=1500, tags=["anti_waste"],
            description_zh="一荤两素一饭，半份荤菜，吃多少点多少，不浪费。",
            description_en="One meat (half portion), two vegetables (half portions) and rice: no waste.",
            groups=[
                {"name_zh": "荤菜（选一）", "name_en": "Meat (choose one)", "choose": 1,
                 "options": [{"dish_id": dishes[c].id, "portion": "half"}
                             for c in ("hongshao-rou", "baiqie-ji", "luobo-niunan")]},
                {"name_zh": "素菜（选二）", "name_en": "Vegetables (choose two)", "choose": 2,
                 "options": [{"dish_id": dishes[c].id, "portion": "half"}
                             for c in ("qingchao-shishu", "fanqie-chaodan", "xianggu-qingcai")]},
                {"name_zh": "米饭", "name_en": "Rice", "choose": 1,
                 "options": [{"dish_id": dishes["mifan"].id, "portion": "full"}]},
            ])
    retail = {r.code for r in db.session.scalars(sa.select(RetailItem).where(RetailItem.community_id == community_id))}
    for code, zh, en, brand, price, qty in RETAIL:
        if code not in retail:
            menu.create_retail_item(None, community_id=community_id, commit=False, code=code, name_zh=zh, name_en=en,
                                    brand=brand, price_fen=price, stock_remaining=qty)
    db.session.flush()
    return {"dishes": dishes, "set_meal": set_meal}


def _ensure_services(community_id: str, catalogue: dict[str, Any], day: dt.date) -> None:
    for kind, start, end, cutoff, dine_in, takeaway in SERVICES:
        if kind == "dinner" and community_id != "north-bund":
            continue  # the Huiyuan meal point serves breakfast and lunch only
        existing = db.session.scalar(sa.select(MealService).where(
            MealService.community_id == community_id, MealService.service_date == day, MealService.kind == kind))
        if existing is not None:
            continue
        service = menu.create_meal_service(
            None, community_id=community_id, service_date=day, kind=kind, starts_at=local_at(day, start),
            ends_at=local_at(day, end), order_cutoff_at=local_at(day, cutoff), dine_in=dine_in,
            takeaway=takeaway, commit=False)
        db.session.flush()
        for position, (code, *_rest, kinds) in enumerate(DISHES):
            if kind in kinds and not db.session.scalar(sa.select(DishStock.id).where(
                    DishStock.meal_service_id == service.id, DishStock.dish_id == catalogue["dishes"][code].id)):
                stock.offer_dish(None, meal_service_id=service.id, dish_id=catalogue["dishes"][code].id,
                                 planned_portions=PLANNED_PORTIONS * (3 if code == "mifan" else 1),
                                 position=position, commit=False)
        if kind == "lunch" and not db.session.scalar(sa.select(SetMealStock.id).where(
                SetMealStock.meal_service_id == service.id)):
            stock.offer_set_meal(None, meal_service_id=service.id, set_meal_id=catalogue["set_meal"].id,
                                 daily_limit=SET_MEAL_LIMIT, commit=False)


def seed_demo(app: Flask) -> None:
    with seeding(app):  # one transaction: all or nothing
        today = local_today()
        for community_id in COMMUNITIES:
            catalogue = _ensure_catalogue(community_id)
            for offset in range(DAYS_AHEAD + 1):
                _ensure_services(community_id, catalogue, today + dt.timedelta(days=offset))
        db.session.commit()
