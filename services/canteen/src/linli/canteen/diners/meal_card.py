"""Meal cards (饭卡): stored value per diner per community, kept as a ledger.

The balance lives on the card row (CHECK balance_fen >= 0) and moves only through conditional
UPDATEs that return the new balance, with the ledger line written in the same transaction, so
the ledger sum always equals the balance, also under concurrent charges.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from linli.canteen.diners.models import MealCard, MealCardEntry
from linli.canteen.diners.service import find_profile
from linli.canteen.extensions import db
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound
from linli.shared.state import service_state

MAX_TOP_UP_FEN = 500_000  # ¥5,000


def find_card(community_id: str, diner_id: str) -> MealCard | None:
    return db.session.execute(
        sa.select(MealCard).where(MealCard.community_id == community_id, MealCard.diner_id == diner_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def require_card(community_id: str, diner_id: str) -> MealCard:
    card = find_card(community_id, diner_id)
    if card is None:
        raise NotFound("This diner has no meal card here.", code="no_meal_card")
    return card


def check_reader(identity: Identity, community_id: str, diner_id: str) -> None:
    """Staff of the community, or the diner themself."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    if not identity.is_staff and identity.subject != diner_id:
        raise Forbidden("You may only see your own meal card.", code="not_your_card")


def _ensure_card(community_id: str, diner_id: str) -> MealCard:
    card = find_card(community_id, diner_id)
    if card is not None:
        return card
    try:
        with db.session.begin_nested():
            card = MealCard(community_id=community_id, diner_id=diner_id, balance_fen=0)
            db.session.add(card)
    except IntegrityError:  # opened at the same moment by another request
        return require_card(community_id, diner_id)
    return card


def _move(card_id: int, delta_fen: int) -> int | None:
    """Add ``delta_fen`` to the balance if it stays >= 0; the new balance, or None."""
    table = MealCard.__table__
    statement = (
        sa.update(table)
        .where(table.c.id == card_id, table.c.balance_fen + delta_fen >= 0)
        .values(balance_fen=table.c.balance_fen + delta_fen, updated_at=utcnow())
        .returning(table.c.balance_fen)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _entry(card: MealCard, kind: str, delta_fen: int, balance_after: int, *, actor: str,
           payment_id: int | None = None, note: str = "") -> MealCardEntry:
    entry = MealCardEntry(card_id=card.id, kind=kind, amount_fen=delta_fen, balance_after_fen=balance_after,
                          payment_id=payment_id, created_by=actor, note=note)
    db.session.add(entry)
    return entry


def open_card(identity: Identity, *, community_id: str, diner_id: str) -> MealCard:
    """Staff open a meal card for a diner the canteen knows (a profile); idempotent."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    if not identity.is_staff:
        raise Forbidden("Only counter staff open meal cards.", code="missing_role")
    if find_profile(community_id, diner_id) is None:
        raise NotFound("Register the diner before opening a card.", code="diner_not_found")
    card = _ensure_card(community_id, diner_id)
    db.session.commit()
    return card


def top_up(identity: Identity, *, community_id: str, diner_id: str, amount_fen: int, note: str = "",
           request_ref: str | None = None, open_if_missing: bool = True) -> MealCardEntry:
    """Staff take money at the counter and load it onto the card. The API opens a card that is new
    (``open_if_missing``); the counter page never does: it loads only an existing card.

    ``request_ref`` (a form's one-time token) makes a double submit book the money once: the
    second finds the first entry and changes nothing."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    try:
        card = _ensure_card(community_id, diner_id) if open_if_missing else require_card(community_id, diner_id)
        balance = _move(card.id, amount_fen)
        if balance is None:  # pragma: no cover - a positive top-up always fits
            raise Conflict("The top-up could not be booked.", code="top_up_failed")
        entry = _entry(card, "top_up", amount_fen, balance, actor=identity.subject, note=note)
        entry.request_ref = request_ref
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        booked = db.session.scalar(sa.select(MealCardEntry).where(MealCardEntry.request_ref == request_ref))
        if request_ref is None or booked is None:
            raise
        return booked
    return entry


def charge(*, community_id: str, diner_id: str, amount_fen: int, actor: str, payment_id: int | None) -> MealCardEntry:
    """Draw ``amount_fen`` from the card inside the caller's transaction (no commit)."""
    card = require_card(community_id, diner_id)
    balance = _move(card.id, -amount_fen)
    if balance is None:
        raise Conflict("The meal card balance is too low.", code="insufficient_balance",
                       balance_fen=require_card(community_id, diner_id).balance_fen)
    return _entry(card, "charge", -amount_fen, balance, actor=actor, payment_id=payment_id)


def credit(*, community_id: str, diner_id: str, amount_fen: int, actor: str, payment_id: int | None,
           note: str = "") -> MealCardEntry:
    """Give money back onto the card inside the caller's transaction (no commit)."""
    card = require_card(community_id, diner_id)
    balance = _move(card.id, amount_fen)
    assert balance is not None
    return _entry(card, "refund", amount_fen, balance, actor=actor, payment_id=payment_id, note=note)


def ledger(card: MealCard, *, limit: int = 200) -> list[MealCardEntry]:
    return list(db.session.scalars(
        sa.select(MealCardEntry).where(MealCardEntry.card_id == card.id)
        .order_by(MealCardEntry.id.desc()).limit(limit)
    ))


def ledger_sum(card: MealCard) -> int:
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(MealCardEntry.amount_fen), 0)).where(MealCardEntry.card_id == card.id)
    )
    return int(total or 0)
