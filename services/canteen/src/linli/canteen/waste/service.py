"""The waste log: weigh, correct (a new entry replaces the old one, which is kept), undo within a
minute, read the log. Callable without HTTP; the API and the pages call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.menu.models import Dish, MealService
from linli.canteen.menu.service import list_meal_services
from linli.canteen.waste.models import WasteEntry
from linli.shared.auth import Identity
from linli.shared.db import changed_rows, lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.localtime import local_today
from linli.shared.state import service_state

UNDO_SECONDS = 60
CLOCK_SKEW = dt.timedelta(minutes=5)  # a tablet's clock may run a little ahead
MAX_LOG_DAYS = 366


def _staff(identity: Identity, community_id: str) -> None:
    service_state().communities.require(community_id)
    if not identity.is_staff:
        raise Forbidden("Only canteen staff weigh waste.", code="forbidden")
    identity.require_community(community_id)


def _meal_service(community_id: str, service_date: dt.date, meal_kind: str) -> MealService:
    if service_date > local_today():
        raise Unprocessable("Waste can only be weighed for a meal service that has been, not a future date.",
                            code="future_date")
    service = db.session.scalar(sa.select(MealService).where(
        MealService.community_id == community_id, MealService.service_date == service_date,
        MealService.kind == meal_kind))
    if service is None:
        raise Unprocessable(f"There was no {meal_kind} service on {service_date} here.", code="no_meal_service")
    return service


def _dish(community_id: str, dish_id: int | None) -> int | None:
    if dish_id is None:
        return None
    dish = db.session.get(Dish, dish_id)
    if dish is None or dish.community_id != community_id:
        raise Unprocessable("That dish is not on this canteen's menu.", code="unknown_dish")
    return dish_id


def record_entry(identity: Identity, *, community_id: str, service_date: dt.date, meal_kind: str, kind: str,
                 grams: int, edible: bool = True, dish_id: int | None = None, note: str = "",
                 weighed_at: dt.datetime | None = None) -> WasteEntry:
    """One weighing at the scales."""
    _staff(identity, community_id)
    now = utcnow()
    if weighed_at is not None and weighed_at > now + CLOCK_SKEW:
        raise Unprocessable("The weighing time is in the future.", code="future_time")
    service = _meal_service(community_id, service_date, meal_kind)
    entry = WasteEntry(community_id=community_id, meal_service_id=service.id, service_date=service.service_date,
                       meal_kind=service.kind, kind=kind, edible=edible, dish_id=_dish(community_id, dish_id),
                       grams=grams, note=note, weighed_by=identity.subject, weighed_at=weighed_at or now,
                       state="current", created_at=now)
    db.session.add(entry)
    db.session.commit()
    return entry


def get_entry(identity: Identity, entry_id: int) -> WasteEntry:
    entry = db.session.get(WasteEntry, entry_id)
    if entry is None:
        raise NotFound("No such waste entry.", code="not_found")
    _staff(identity, entry.community_id)
    return entry


def _retire(entry_id: int, to_state: str, **values: Any) -> None:
    """current → corrected/undone, once: a conditional UPDATE, so two at once cannot both win."""
    done = changed_rows(db.session.execute(sa.update(WasteEntry).where(WasteEntry.id == entry_id, WasteEntry.state == "current")
                              .values(state=to_state, **values)))
    if done != 1:
        db.session.rollback()
        state = db.session.scalar(sa.select(WasteEntry.state).where(WasteEntry.id == entry_id))
        raise Conflict(f"This entry is {state} already; only the current entry can change.", code="entry_not_current",
                       state=state)


def correct_entry(identity: Identity, entry_id: int, *, grams: int, reason: str, **changes: Any) -> WasteEntry:
    """Replace an entry by a corrected one; the original stays in the log with state ``corrected``."""
    original = db.session.scalar(lock_for_update(sa.select(WasteEntry).where(WasteEntry.id == entry_id)))
    if original is None:
        raise NotFound("No such waste entry.", code="not_found")
    _staff(identity, original.community_id)
    dish_id = _dish(original.community_id, changes["dish_id"]) if "dish_id" in changes else original.dish_id
    _retire(entry_id, "corrected")
    now = utcnow()
    correction = WasteEntry(
        community_id=original.community_id, meal_service_id=original.meal_service_id,
        service_date=original.service_date, meal_kind=original.meal_kind, kind=changes.get("kind", original.kind),
        edible=changes.get("edible", original.edible), dish_id=dish_id, grams=grams, note=original.note,
        weighed_by=identity.subject, weighed_at=original.weighed_at, state="current", corrects_id=original.id,
        correction_reason=reason, created_at=now)
    db.session.add(correction)
    db.session.commit()
    return correction


def undo_entry(identity: Identity, entry_id: int) -> WasteEntry:
    """Take back one's own weighing within a minute (a slip at the scales); it stays in the log as undone."""
    entry = get_entry(identity, entry_id)
    now = utcnow()
    if entry.weighed_by != identity.subject:
        raise Forbidden("Only who weighed it can undo an entry; others correct it.", code="not_your_entry")
    if (now - entry.created_at).total_seconds() > UNDO_SECONDS:
        raise Conflict(f"Undo works for {UNDO_SECONDS} seconds; correct the entry instead.", code="undo_expired")
    _retire(entry_id, "undone", undone_at=now, undone_by=identity.subject)
    db.session.commit()
    return db.session.get_one(WasteEntry, entry_id, populate_existing=True)


def check_window(community_id: str, date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from or (date_to - date_from).days >= MAX_LOG_DAYS:
        raise Unprocessable(f"date_from ≤ date_to, at most {MAX_LOG_DAYS} days.", code="invalid_range")


def log(identity: Identity, *, community_id: str, date_from: dt.date, date_to: dt.date,
        include_history: bool = True) -> list[WasteEntry]:
    """The log, oldest first; with history, each correction follows the entry it replaced."""
    _staff(identity, community_id)
    check_window(community_id, date_from, date_to)
    where = [WasteEntry.community_id == community_id, WasteEntry.service_date >= date_from,
             WasteEntry.service_date <= date_to]
    if not include_history:
        where.append(WasteEntry.state == "current")
    return list(db.session.scalars(sa.select(WasteEntry).where(*where)
                                   .order_by(WasteEntry.service_date, WasteEntry.meal_service_id, WasteEntry.id)))


def weighable_services(community_id: str) -> list[MealService]:
    """The meal services the scales offer: today's that have started, then yesterday's (late
    weighings), newest first."""
    now, today = utcnow(), local_today()
    services = [s for s in list_meal_services(community_id, today) if s.starts_at <= now]
    services += list_meal_services(community_id, today - dt.timedelta(days=1))
    return sorted(services, key=lambda s: s.starts_at, reverse=True)


def recent(identity: Identity, community_id: str, limit: int = 8) -> list[WasteEntry]:
    """The last entries at this canteen (the scales page shows them)."""
    _staff(identity, community_id)
    return list(db.session.scalars(sa.select(WasteEntry).where(WasteEntry.community_id == community_id)
                                   .order_by(WasteEntry.id.desc()).limit(limit)))


def can_undo(entry: WasteEntry, identity: Identity, now: dt.datetime | None = None) -> bool:
    return (entry.state == "current" and entry.weighed_by == identity.subject
            and ((now or utcnow()) - entry.created_at).total_seconds() <= UNDO_SECONDS)


def dishes_most_unserved(identity: Identity, *, community_id: str, date_from: dt.date, date_to: dt.date,
                         limit: int = 10) -> list[dict[str, Any]]:
    """Dishes with the most unserved grams (剩余未售) in the range: what to plan smaller portions of."""
    _staff(identity, community_id)
    check_window(community_id, date_from, date_to)
    rows = db.session.execute(
        sa.select(Dish.id, Dish.name_zh, Dish.name_en, sa.func.sum(WasteEntry.grams), sa.func.count(WasteEntry.id))
        .join(Dish, Dish.id == WasteEntry.dish_id)
        .where(WasteEntry.community_id == community_id, WasteEntry.state == "current",
               WasteEntry.kind == "unserved", WasteEntry.service_date >= date_from,
               WasteEntry.service_date <= date_to)
        .group_by(Dish.id, Dish.name_zh, Dish.name_en)
        .order_by(sa.func.sum(WasteEntry.grams).desc(), Dish.id).limit(limit))
    return [{"dish_id": i, "name_zh": zh, "name_en": en, "unserved_grams": int(g), "entries": int(n)}
            for i, zh, en, g, n in rows]
