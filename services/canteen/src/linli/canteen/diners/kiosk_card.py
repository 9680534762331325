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
    """The diner id of a card whose PIN matches; a failed try is counted (and committed)."""
    now = now or utcnow()
    card = _by_number(community_id, card_number) if CARD_NUMBER.match(card_number) else None
    if card is not None and card.locked_until is not None and card.locked_until > now:
        raise CardLocked("Too many wrong PINs: this card is locked for a while; ask at the counter.")
    if verify_secret(card.pin_hash if card else None, pin) and card is not None:
        card.failed_attempts = 0
        card.locked_until = None
        card.last_used_at = now
        db.session.commit()
        return card.diner_id
    attempts_left = None
    if card is not None:
        card.failed_attempts += 1
        if card.failed_attempts >= MAX_ATTEMPTS:
            card.failed_attempts = 0
            card.locked_until = now + LOCK_FOR
            db.session.commit()
            raise CardLocked("Too many wrong PINs: this card is locked for a while; ask at the counter.")
        attempts_left = MAX_ATTEMPTS - card.failed_attempts
        db.session.commit()
    # ``attempts_left`` is None for a number no card has; the kiosk counts those tries itself, so
    # that a wrong number and a wrong PIN read the same
    raise Unauthorized("The card number or the PIN is not right.", code="wrong_card_or_pin",
                       attempts_left=attempts_left)


def _by_number(community_id: str, card_number: str) -> KioskCard | None:
    return db.session.scalar(sa.select(KioskCard).where(KioskCard.community_id == community_id,
                                                        KioskCard.card_number == card_number))
