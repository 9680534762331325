"""Feedback: rate the dishes of a collected order and comment (kiosk, phone, counter card); raise a
complaint as a food-safety complaint (an outbox event the cases service turns into a case); follow the
case the residents' committee opened (``cases.case.opened``). Callable without HTTP."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from linli.canteen.extensions import db
from linli.canteen.feedback.models import DishRating, Feedback
from linli.canteen.menu.models import Dish, MealService
from linli.canteen.orders.models import Order
from linli.canteen.orders.service import access_order
from linli.shared.auth import Identity
from linli.shared.db import changed_rows, lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.events import publish
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.state import service_state

FOOD_SAFETY_EVENT = "canteen.feedback.food_safety"
CASE_OPENED_EVENT = "cases.case.opened"
RATEABLE_STATES = ("collected",)


def order_dishes(order: Order) -> list[Dish]:
    """The dishes a diner had: dish lines and the dishes chosen inside set meals, in order."""
    ids: list[int] = []
    for line in order.lines:
        if line.kind == "dish" and line.dish_id is not None:
            ids.append(line.dish_id)
        for choice in line.choices or ():
            ids.append(int(choice["dish_id"]))
    unique = list(dict.fromkeys(ids))
    dishes = {d.id: d for d in db.session.scalars(sa.select(Dish).where(Dish.id.in_(unique)))} if unique else {}
    return [dishes[i] for i in unique if i in dishes]


def _rateable_order(identity: Identity | None, community_id: str, order_id: int, ref: str | None) -> Order:
    order = access_order(identity, order_id, ref)
    if order.community_id != community_id:
        raise NotFound("No such order here.", code="order_not_found")
    if order.state not in RATEABLE_STATES:
        raise Conflict("Rate an order once you have collected it.", code="order_not_collected", state=order.state)
    return order


def submit(identity: Identity | None, *, community_id: str, channel: str, ratings: list[dict[str, int]],
           comment: str = "", complaint: bool = False, complaint_dish_id: int | None = None,
           order_id: int | None = None, ref: str | None = None) -> Feedback:
    """Store one diner's feedback; a complaint is raised at once. One feedback per order."""
    service_state().communities.require(community_id)
    order = None
    entered_by = None
    if channel == "counter":
        if identity is None or not identity.is_staff:
            raise Forbidden("Counter cards are typed in by staff.", code="forbidden")
        identity.require_community(community_id)
        entered_by = identity.subject
    if order_id is not None:
        order = _rateable_order(identity, community_id, order_id, ref)
        allowed = {d.id for d in order_dishes(order)}
    elif channel == "counter":
        allowed = set(db.session.scalars(sa.select(Dish.id).where(Dish.community_id == community_id)))
    else:
        raise Unprocessable("Rate an order: give its id and pickup reference.", code="order_required")
    if not ratings and not comment.strip():
        raise Unprocessable("Rate at least one dish or write a comment.", code="empty_feedback")
    dish_ids = [r["dish_id"] for r in ratings]
    if len(set(dish_ids)) != len(dish_ids):
        raise Unprocessable("Rate each dish once.", code="duplicate_dish")
    unknown = [d for d in [*dish_ids, *([complaint_dish_id] if complaint_dish_id else [])] if d not in allowed]
    if unknown:
        raise Unprocessable("Rate the dishes of this order only.", code="unknown_dish", dish_ids=unknown)
    if complaint and not comment.strip():
        raise Unprocessable("Say what was wrong: a complaint needs a comment.", code="complaint_needs_comment")
    if order is not None and db.session.scalar(sa.select(Feedback.id).where(Feedback.order_id == order.id)):
        raise Conflict("This order has been rated already. Thank you!", code="already_rated")
    diner_id = order.diner_id if order is not None else None
    if diner_id is None and identity is not None and channel == "phone":
        diner_id = identity.subject
    now = utcnow()
    feedback = Feedback(ref=secrets.token_urlsafe(12), community_id=community_id,
                        order_id=order.id if order else None, diner_id=diner_id, channel=channel,
                        comment=comment.strip(), is_complaint=complaint, dish_id=complaint_dish_id,
                        entered_by=entered_by, created_at=now,
                        ratings=[DishRating(community_id=community_id, dish_id=r["dish_id"], rating=r["rating"],
                                            created_at=now) for r in ratings])
    db.session.add(feedback)
    try:
        db.session.flush()
    except IntegrityError:  # the same order rated twice at the same moment
        db.session.rollback()
        raise Conflict("This order has been rated already. Thank you!", code="already_rated") from None
    if complaint:
        _raise(feedback, raised_by=identity.subject if identity else "diner")
    db.session.commit()
    return feedback


def _complaint_payload(feedback: Feedback) -> dict[str, Any]:
    dish = db.session.get(Dish, feedback.dish_id) if feedback.dish_id else None
    where = ""
    if feedback.order_id is not None:
        order = db.session.get(Order, feedback.order_id)
        service = db.session.get(MealService, order.meal_service_id) if order else None
        if order is not None and service is not None:
            where = f" ({service.service_date} {service.kind}, pickup no. {order.pickup_number})"
    community = service_state().communities.require(feedback.community_id)
    canteen = (community.setting("canteen", {}) or {}).get("name_zh") or community.name_zh
    about = f"：{dish.name_zh}" if dish else ""
    return {
        "title": f"食品安全投诉{about}（{canteen}）"[:200],
        "description": f"{feedback.comment}\n\n— {feedback.channel}{where}",
        "feedback_id": str(feedback.id),
        "dish_name": dish.name_zh if dish else "",
        "reported_at": feedback.created_at.isoformat(),
    }


def _raise(feedback: Feedback, *, raised_by: str) -> None:
    """Mark raised and publish the event in the same transaction (the outbox)."""
    now = utcnow()
    done = changed_rows(db.session.execute(sa.update(Feedback).where(Feedback.id == feedback.id, Feedback.complaint_state.is_(None))
                              .values(complaint_state="raised", raised_at=now, raised_by=raised_by,
                                      is_complaint=True)))
    if done != 1:
        db.session.rollback()
        raise Conflict("This complaint has been passed on already.", code="already_raised")
    db.session.refresh(feedback)
    event_id = publish(FOOD_SAFETY_EVENT, _complaint_payload(feedback), community_id=feedback.community_id)
    feedback.complaint_event_id = event_id
    db.session.flush()


def raise_complaint(identity: Identity, feedback_id: int, *, dish_id: int | None = None) -> Feedback:
    """Staff pass a comment on as a food-safety complaint (once)."""
    feedback = db.session.scalar(lock_for_update(sa.select(Feedback).where(Feedback.id == feedback_id)))
    if feedback is None:
        raise NotFound("No such feedback.", code="not_found")
    identity.require_community(feedback.community_id)
    if dish_id is not None:
        dish = db.session.get(Dish, dish_id)
        if dish is None or dish.community_id != feedback.community_id:
            raise Unprocessable("That dish is not on this canteen's menu.", code="unknown_dish")
        feedback.dish_id = dish_id
    _raise(feedback, raised_by=identity.subject)
    db.session.commit()
    return feedback


def complaint_from_answer(identity: Identity, *, community_id: str, survey_answer_id: int, text: str,
                          diner_id: str | None) -> Feedback:
    """A survey answer staff flagged: it becomes a complaint feedback and is raised."""
    identity.require_community(community_id)
    if db.session.scalar(sa.select(Feedback.id).where(Feedback.survey_answer_id == survey_answer_id)):
        raise Conflict("This answer has been passed on already.", code="already_raised")
    feedback = Feedback(ref=secrets.token_urlsafe(12), community_id=community_id, survey_answer_id=survey_answer_id,
                        diner_id=diner_id, channel="survey", comment=text, is_complaint=True,
                        entered_by=identity.subject, created_at=utcnow())
    db.session.add(feedback)
    db.session.flush()
    _raise(feedback, raised_by=identity.subject)
    db.session.commit()
    return feedback


def take_up(payload: dict[str, Any], community_id: str | None) -> None:
    """``cases.case.opened`` for one of our complaints: remember the case (inside the receiver's transaction)."""
    if payload.get("source_event_type") != FOOD_SAFETY_EVENT:
        return
    source_ref = str(payload.get("source_ref") or "")
    where = [Feedback.complaint_event_id == source_ref]
    if source_ref.isdigit() and len(source_ref) < 12:
        where.append(Feedback.id == int(source_ref))
    feedback = db.session.scalar(lock_for_update(sa.select(Feedback).where(sa.or_(*where))))
    if feedback is None or (community_id is not None and feedback.community_id != community_id):
        return
    feedback.complaint_state = "taken_up"
    feedback.case_id = str(payload.get("case_id") or "")[:64] or None
    feedback.case_reference = str(payload.get("reference") or "")[:64] or None
    feedback.case_state = str(payload.get("state") or "")[:32] or None
    feedback.taken_up_at = utcnow()
    db.session.flush()


def by_ref(ref: str) -> Feedback:
    """The diner's receipt: what happened to their feedback (no sign-in, the reference is the key)."""
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.ref == ref)) if ref else None
    if feedback is None:
        raise NotFound("No feedback with that reference.", code="not_found")
    return feedback


def mine(identity: Identity, community_id: str) -> list[Feedback]:
    return list(db.session.scalars(sa.select(Feedback).where(
        Feedback.community_id == community_id, Feedback.diner_id == identity.subject)
        .order_by(Feedback.id.desc()).limit(50)))


def _day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``date_from`` to the end of ``date_to``, Shanghai days."""
    return (dt.datetime.combine(date_from, dt.time(), tzinfo=LOCAL_TZ),
            dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ))


def listing(identity: Identity, *, community_id: str, date_from: dt.date, date_to: dt.date,
            complaints_only: bool = False) -> list[Feedback]:
    identity.require_community(community_id)
    start, end = _day_bounds(date_from, date_to)
    where = [Feedback.community_id == community_id, Feedback.created_at >= start, Feedback.created_at < end]
    if complaints_only:
        where.append(Feedback.is_complaint.is_(True))
    return list(db.session.scalars(sa.select(Feedback).where(*where).order_by(Feedback.id.desc()).limit(500)))


def dish_ratings(community_id: str, date_from: dt.date, date_to: dt.date) -> dict[int, dict[str, Any]]:
    """dish id → {average, count} of ratings given in the range (Shanghai days)."""
    start, end = _day_bounds(date_from, date_to)
    rows = db.session.execute(
        sa.select(DishRating.dish_id, sa.func.avg(DishRating.rating), sa.func.count(DishRating.id))
        .where(DishRating.community_id == community_id, DishRating.created_at >= start, DishRating.created_at < end)
        .group_by(DishRating.dish_id))
    return {dish_id: {"average": round(float(avg), 2), "count": int(n)} for dish_id, avg, n in rows}


def collected_today(community_id: str, pickup_number: int) -> Order:
    """The kiosk's way in: today's collected order with the number on the diner's ticket."""
    order = db.session.scalar(sa.select(Order).where(
        Order.community_id == community_id, Order.pickup_date == local_today(),
        Order.pickup_number == pickup_number))
    if order is None or order.state not in RATEABLE_STATES:
        raise NotFound("No collected order with that number today.", code="order_not_found")
    return order


def has_feedback(order_id: int) -> bool:
    return db.session.scalar(sa.select(Feedback.id).where(Feedback.order_id == order_id)) is not None


# --- retention -----------------------------------------------------------------------------------

def identified_retention_days() -> int:
    """``LINLI_FEEDBACK_RETENTION_DAYS`` (default 365; 0 keeps identified feedback for ever)."""
    return max(int(current_app.config["LINLI_FEEDBACK_RETENTION_DAYS"]), 0)


def forget_old_identified(now: dt.datetime | None = None) -> int:
    """Delete what identifies a diner in feedback older than the retention period: who gave it
    (``diner_id``), who typed it in, and the free-text comment (which may name them). The dish
    ratings stay, now anonymous, so the dishes' scores and the reports do not change. Idempotent."""
    days = identified_retention_days()
    if not days:
        return 0
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    identified = sa.or_(Feedback.diner_id.is_not(None), Feedback.entered_by.is_not(None), Feedback.comment != "")
    done = changed_rows(db.session.execute(sa.update(Feedback).where(Feedback.created_at < cutoff, identified)
                                           .values(diner_id=None, entered_by=None, comment="")))
    db.session.commit()
    return int(done or 0)
