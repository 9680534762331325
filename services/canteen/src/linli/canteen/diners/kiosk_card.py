"""Kiosk cards: how an elderly diner says who they are at the kiosk without an account password.

Counter staff issue a diner a card number (printed on the physical meal card, or read from it by a
card reader that types it in) and a short PIN the diner chooses. At the kiosk the diner types both;
the kiosk then orders as that diner for one order: the elderly subsidy applies and the meal card
pays. Five wrong PINs lock the card for 15 minutes; a wrong card number and a wrong PIN look the
same from outside and take the same time.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from linli.canteen.diners.models import KioskCard
from linli.canteen.diners.service import check_diner_id
from linli.canteen.extensions import db
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.errors import Conflict, Forbidden, Problem, Unauthorized, Unprocessable
from linli.shared.passwords import hash_secret, verify_secret
from linli.shared.state import service_state

CARD_NUMBER = re.compile(r"^\d{6,16}$")
PIN = re.compile(r"^\d{4,6}$")
MAX_ATTEMPTS = 5
LOCK_FOR = dt.timedelta(minutes=15)


class CardLocked(Problem):
    status, code, title = 423, "card_locked", "Locked"


def issue(identity: Identity, *, community_id: str, diner_id: str, card_number: str, pin: str) -> KioskCard:
    """Staff give a diner a card number and PIN (again: the old number stops working)."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    if not identity.is_staff:
        raise Forbidden("Only counter staff issue kiosk cards.", code="missing_role")
    check_diner_id(diner_id)
    if not CARD_NUMBER.match(card_number):
        raise Unprocessable("A card number is 6 to 16 digits.", code="bad_card_number")
    if not PIN.match(pin):
        raise Unprocessable("A PIN is 4 to 6 digits.", code="bad_pin")
    holder = _by_number(community_id, card_number)
    if holder is not None and holder.diner_id != diner_id:
        raise Conflict("This card number belongs to another diner.", code="card_number_taken")
    card = find_for_diner(community_id, diner_id)
    if card is None:
        card = KioskCard(community_id=community_id, diner_id=diner_id)
        db.session.add(card)
    card.card_number = card_number
    card.pin_hash = hash_secret(pin)
    card.failed_attempts = 0
    card.locked_until = None
    card.issued_by = identity.subject
    try:
        db.session.commit()
    except IntegrityError:  # the same number (or diner) issued at the same moment at another counter
        db.session.rollback()
        raise Conflict("This card number or diner was just given a card; look again.",
                       code="card_number_taken") from None
    return card


def find_for_diner(community_id: str, diner_id: str) -> KioskCard | None:
    return db.session.scalar(sa.select(KioskCard).where(KioskCard.community_id == community_id,
                                                        KioskCard.diner_id == diner_id))


def sign_in(*, community_id: str, card_number: str, pin: str, now: dt.datetime | None = None) -> str:
    """The diner id of a card whose PIN matches.

    Each try is counted before its PIN is checked, by one conditional UPDATE that also refuses a
    locked card, committed at once: of any number of concurrent tries on one card at most
    ``MAX_ATTEMPTS`` reach the PIN check; the one that uses up the last attempt locks the card, and
    a right PIN unlocks it again."""
    now = now or utcnow()
    card = _by_number(community_id, card_number) if CARD_NUMBER.match(card_number) else None
    if card is None:
        verify_secret(None, pin)  # as long as a wrong PIN takes
        raise Unauthorized("The card number or the PIN is not right.", code="wrong_card_or_pin")
    left = _count_attempt(card.id, now)
    if left is None:
        raise CardLocked("Too many wrong PINs: this card is locked for a while; ask at the counter.")
    if not verify_secret(card.pin_hash, pin):
        # how many tries are left tells the kiosk to warn before the lock; a number no card has
        # gets none here, and the kiosk counts those tries itself, so both read the same
        raise Unauthorized("The card number or the PIN is not right.", code="wrong_card_or_pin",
                           attempts_left=left)
    db.session.execute(sa.update(KioskCard).where(KioskCard.id == card.id)
                       .values(failed_attempts=0, locked_until=None, last_used_at=now))
    db.session.commit()
    return card.diner_id


def _count_attempt(card_id: int, now: dt.datetime) -> int | None:
    """Take one attempt of an unlocked card (the last one locks it): the attempts left after it
    (0: this one locked the card), or None when the card is locked."""
    attempts = KioskCard.failed_attempts + 1
    last = attempts >= MAX_ATTEMPTS
    locked_until_type = KioskCard.__table__.c.locked_until.type
    taken = db.session.execute(
        sa.update(KioskCard)
        .where(KioskCard.id == card_id,
               sa.or_(KioskCard.locked_until.is_(None), KioskCard.locked_until <= now))
        .values(failed_attempts=sa.case((last, 0), else_=attempts),
                locked_until=sa.case((last, sa.literal(now + LOCK_FOR, locked_until_type)),
                                     else_=sa.null()))
        .returning(KioskCard.id, KioskCard.failed_attempts)
    ).first()
    db.session.commit()  # counted before the (slow) PIN check, whatever it finds
    if taken is None:
        return None
    return 0 if taken.failed_attempts == 0 else MAX_ATTEMPTS - taken.failed_attempts


def _by_number(community_id: str, card_number: str) -> KioskCard | None:
    return db.session.scalar(sa.select(KioskCard).where(KioskCard.community_id == community_id,
                                                        KioskCard.card_number == card_number))
