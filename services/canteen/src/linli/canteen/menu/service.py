"""Menu administration: dishes, set meals, retail goods, meal services. Callable without HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import (
    PORTIONS,
    Dish,
    MealService,
    MenuRevision,
    RetailItem,
    SetMeal,
    SetMealGroup,
    SetMealOption,
)
from linli.shared.auth import Identity
from linli.shared.db import changed_rows, utcnow
from linli.shared.errors import Conflict, NotFound, Unprocessable
from linli.shared.localtime import local_today
from linli.shared.state import service_state


def _check(identity: Identity | None, community_id: str) -> None:
    service_state().communities.require(community_id)
    if identity is not None:
        identity.require_community(community_id)


def bump_revision(community_id: str) -> None:
    """Mark the community's menu as changed (part of every menu ETag)."""
    updated = changed_rows(db.session.execute(
        sa.update(MenuRevision).where(MenuRevision.community_id == community_id)
        .values(revision=MenuRevision.revision + 1)
    ))
    if not updated:
        db.session.add(MenuRevision(community_id=community_id, revision=1))
        db.session.flush()


# --- dishes -----------------------------------------------------------------------------------


def create_dish(identity: Identity | None, *, community_id: str, commit: bool = True, **fields: Any) -> Dish:
    _check(identity, community_id)
    if db.session.scalar(sa.select(Dish.id).where(Dish.community_id == community_id, Dish.code == fields["code"])):
        raise Conflict(f"A dish with code {fields['code']!r} exists.", code="duplicate_code")
    dish = Dish(community_id=community_id, **fields)
    db.session.add(dish)
    bump_revision(community_id)
    if commit:
        db.session.commit()
    return dish


def get_dish(dish_id: int, community_id: str | None = None) -> Dish:
    dish = db.session.get(Dish, dish_id)
    if dish is None or (community_id is not None and dish.community_id != community_id):
        raise NotFound("No such dish.", code="unknown_dish")
    return dish


def update_dish(identity: Identity | None, dish_id: int, **fields: Any) -> Dish:
    dish = get_dish(dish_id)
    _check(identity, dish.community_id)
    for key, value in fields.items():
        setattr(dish, key, value)
    bump_revision(dish.community_id)
    db.session.commit()
    return dish


def list_dishes(community_id: str, *, include_inactive: bool = False) -> list[Dish]:
    service_state().communities.require(community_id)
    query = sa.select(Dish).where(Dish.community_id == community_id).order_by(Dish.category, Dish.id)
    if not include_inactive:
        query = query.where(Dish.active.is_(True))
    return list(db.session.scalars(query))


# --- set meals --------------------------------------------------------------------------------


def create_set_meal(identity: Identity | None, *, community_id: str, groups: list[dict[str, Any]],
                    commit: bool = True, **fields: Any) -> SetMeal:
    """A set meal; each group is ``{"name_zh", "name_en", "choose", "options": [{"dish_id", "portion"}]}``."""
    _check(identity, community_id)
    if db.session.scalar(sa.select(SetMeal.id).where(SetMeal.community_id == community_id,
                                                     SetMeal.code == fields["code"])):
        raise Conflict(f"A set meal with code {fields['code']!r} exists.", code="duplicate_code")
    if not groups:
        raise Unprocessable("A set meal needs at least one group of items.", code="empty_set_meal")
    set_meal = SetMeal(community_id=community_id, **fields)
    for position, group in enumerate(groups):
        options = group["options"]
        choose = group.get("choose", 1)
        if choose > len(options):
            raise Unprocessable("A group cannot choose more items than it offers.", code="invalid_group")
        dish_ids = [o["dish_id"] for o in options]
        if len(set(dish_ids)) != len(dish_ids):
            raise Unprocessable("A group lists a dish twice.", code="invalid_group")
        rows = SetMealGroup(position=position, name_zh=group["name_zh"], name_en=group["name_en"], choose=choose)
        for option in options:
            dish = get_dish(option["dish_id"], community_id)
            portion = option.get("portion", "full")
            if portion not in PORTIONS or (portion == "half" and not dish.has_half):
                raise Unprocessable(f"{dish.name_en} is not sold as a {portion} portion.", code="no_half_portion")
            rows.options.append(SetMealOption(dish_id=dish.id, portion=portion))
        set_meal.groups.append(rows)
    db.session.add(set_meal)
    bump_revision(community_id)
    if commit:
        db.session.commit()
    return set_meal


def list_set_meals(community_id: str) -> list[SetMeal]:
    service_state().communities.require(community_id)
    return list(db.session.scalars(
        sa.select(SetMeal).where(SetMeal.community_id == community_id, SetMeal.active.is_(True)).order_by(SetMeal.id)
    ))


def get_set_meal(set_meal_id: int, community_id: str | None = None) -> SetMeal:
    set_meal = db.session.get(SetMeal, set_meal_id)
    if set_meal is None or (community_id is not None and set_meal.community_id != community_id):
        raise NotFound("No such set meal.", code="unknown_set_meal")
    return set_meal


# --- retail goods -----------------------------------------------------------------------------


def create_retail_item(identity: Identity | None, *, community_id: str, commit: bool = True,
                       **fields: Any) -> RetailItem:
    _check(identity, community_id)
    if db.session.scalar(sa.select(RetailItem.id).where(RetailItem.community_id == community_id,
                                                        RetailItem.code == fields["code"])):
        raise Conflict(f"A retail item with code {fields['code']!r} exists.", code="duplicate_code")
    item = RetailItem(community_id=community_id, **fields)
    db.session.add(item)
    bump_revision(community_id)
    if commit:
        db.session.commit()
    return item


def list_retail_items(community_id: str) -> list[RetailItem]:
    service_state().communities.require(community_id)
    return list(db.session.scalars(
        sa.select(RetailItem).where(RetailItem.community_id == community_id, RetailItem.active.is_(True))
        .order_by(RetailItem.id)
    ))


def restock_retail_item(identity: Identity | None, item_id: int, delta: int) -> RetailItem:
    """Add (or with a negative delta, write off) stock; never below zero."""
    item = db.session.get(RetailItem, item_id)
    if item is None:
        raise NotFound("No such retail item.", code="unknown_retail_item")
    _check(identity, item.community_id)
    done = changed_rows(db.session.execute(
        sa.update(RetailItem).where(RetailItem.id == item_id, RetailItem.stock_remaining + delta >= 0)
        .values(stock_remaining=RetailItem.stock_remaining + delta, version=RetailItem.version + 1)
    ))
    if not done:
        raise Conflict("Not that much stock to write off.", code="insufficient_stock")
    db.session.commit()
    db.session.refresh(item)
    return item


# --- meal services ----------------------------------------------------------------------------


def create_meal_service(identity: Identity | None, *, community_id: str, service_date: dt.date, kind: str,
                        starts_at: dt.datetime, ends_at: dt.datetime, order_cutoff_at: dt.datetime,
                        dine_in: bool = True, takeaway: bool = True, note: str = "",
                        commit: bool = True) -> MealService:
    _check(identity, community_id)
    if not starts_at < ends_at:
        raise Unprocessable("A meal service must start before it ends.", code="invalid_hours")
    if order_cutoff_at > ends_at:
        raise Unprocessable("Orders must close before the meal service ends.", code="invalid_cutoff")
    if not (dine_in or takeaway):
        raise Unprocessable("Offer dine-in, takeaway or both.", code="invalid_modes")
    if db.session.scalar(sa.select(MealService.id).where(
            MealService.community_id == community_id, MealService.service_date == service_date,
            MealService.kind == kind)):
        raise Conflict(f"There is already a {kind} service on {service_date}.", code="duplicate_meal_service")
    service = MealService(community_id=community_id, service_date=service_date, kind=kind, starts_at=starts_at,
                          ends_at=ends_at, order_cutoff_at=order_cutoff_at, dine_in=dine_in, takeaway=takeaway,
                          note=note)
    db.session.add(service)
    bump_revision(community_id)
    if commit:
        db.session.commit()
    return service


def get_meal_service(meal_service_id: int) -> MealService:
    service = db.session.get(MealService, meal_service_id)
    if service is None:
        raise NotFound("No such meal service.", code="unknown_meal_service")
    return service


def list_meal_services(community_id: str, service_date: dt.date) -> list[MealService]:
    service_state().communities.require(community_id)
    return list(db.session.scalars(
        sa.select(MealService).where(MealService.community_id == community_id,
                                     MealService.service_date == service_date).order_by(MealService.starts_at)
    ))


def update_meal_service(identity: Identity | None, meal_service_id: int, **fields: Any) -> MealService:
    """Change hours, cut-off, dine-in/takeaway or the note of a meal service."""
    service = get_meal_service(meal_service_id)
    _check(identity, service.community_id)
    for key, value in fields.items():
        setattr(service, key, value)
    if not service.starts_at < service.ends_at:
        raise Unprocessable("A meal service must start before it ends.", code="invalid_hours")
    if service.order_cutoff_at > service.ends_at:
        raise Unprocessable("Orders must close before the meal service ends.", code="invalid_cutoff")
    if not (service.dine_in or service.takeaway):
        raise Unprocessable("Offer dine-in, takeaway or both.", code="invalid_modes")
    bump_revision(service.community_id)
    db.session.commit()
    return service


STAFF_DAYS_BACK, STAFF_DAYS_AHEAD = 7, 14  # the counter and the kitchen look this far


def day_from_query(text: str | None, *, days_back: int = 0, days_ahead: int = 0) -> tuple[dt.date, str | None]:
    """The day a page asks for with ``?date=YYYY-MM-DD``, within today − ``days_back`` … today +
    ``days_ahead``; else today and why (``bad_date``: not a date, ``date_out_of_range``: too far),
    so that the page says so instead of silently showing today."""
    today = local_today()
    if not text:
        return today, None
    try:
        day = dt.date.fromisoformat(text.strip()[:10]) if len(text.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return today, "bad_date"
    if not today - dt.timedelta(days=days_back) <= day <= today + dt.timedelta(days=days_ahead):
        return today, "date_out_of_range"
    return day, None


def next_open_service(community_id: str, *, within_days: int = 14) -> MealService | None:
    """The next meal service still to be served (ordering not yet closed), soonest first: what a
    kiosk shows after hours ("next: breakfast tomorrow at 07:00")."""
    now = utcnow()
    return db.session.scalar(
        sa.select(MealService).where(MealService.community_id == community_id, MealService.order_cutoff_at > now,
                                     MealService.service_date <= local_today() + dt.timedelta(days=within_days))
        .order_by(MealService.starts_at).limit(1))
