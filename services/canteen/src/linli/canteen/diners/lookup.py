"""Finding a diner at the counter: by kiosk card number, phone, name or account id, among the diners
this canteen knows (a profile, a meal card or a kiosk card). A search that finds nobody opens
nothing: a new diner is registered on purpose (``register_diner``), then their card is opened
(``meal_card.open_card``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from linli.canteen.diners.models import DinerProfile, KioskCard, MealCard
from linli.canteen.diners.service import normalise_phone, save_profile
from linli.canteen.extensions import db
from linli.shared.auth import Identity
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.state import service_state

MAX_MATCHES = 20


@dataclass(frozen=True)
class DinerMatch:
    diner_id: str
    display_name: str
    phone: str | None
    card_number: str | None  # the kiosk card's number
    balance_fen: int | None  # None: no meal card yet


def _require_staff(identity: Identity, community_id: str) -> None:
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    if not identity.is_staff:
        raise Forbidden("Only counter staff look diners up.", code="missing_role")


def _matches(community_id: str, diner_ids: list[str]) -> list[DinerMatch]:
    if not diner_ids:
        return []
    profiles = {p.diner_id: p for p in db.session.scalars(sa.select(DinerProfile).where(
        DinerProfile.community_id == community_id, DinerProfile.diner_id.in_(diner_ids)))}
    cards = dict(db.session.execute(sa.select(MealCard.diner_id, MealCard.balance_fen).where(
        MealCard.community_id == community_id, MealCard.diner_id.in_(diner_ids))).tuples().all())
    kiosk = dict(db.session.execute(sa.select(KioskCard.diner_id, KioskCard.card_number).where(
        KioskCard.community_id == community_id, KioskCard.diner_id.in_(diner_ids))).tuples().all())
    found = [DinerMatch(diner_id=d, display_name=profiles[d].display_name if d in profiles else "",
                        phone=profiles[d].phone if d in profiles else None, card_number=kiosk.get(d),
                        balance_fen=cards.get(d)) for d in diner_ids if d in profiles or d in cards or d in kiosk]
    return sorted(found, key=lambda m: (m.display_name or "~", m.diner_id))


def find_diners(identity: Identity, *, community_id: str, query: str) -> list[DinerMatch]:
    """Diners known here whose kiosk card number, phone or account id is ``query``, or whose name
    contains it (at most ``MAX_MATCHES``)."""
    _require_staff(identity, community_id)
    text = query.strip()[:120]
    if not text:
        return []
    ids: list[str] = []
    ids += db.session.scalars(sa.select(KioskCard.diner_id).where(
        KioskCard.community_id == community_id, KioskCard.card_number == text)).all()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) == len(text.replace(" ", "").replace("-", "")):
        ids += db.session.scalars(sa.select(DinerProfile.diner_id).where(
            DinerProfile.community_id == community_id, DinerProfile.phone == digits)).all()
    for model in (DinerProfile, MealCard, KioskCard):
        ids += db.session.scalars(sa.select(model.diner_id).where(
            model.community_id == community_id, model.diner_id == text)).all()
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    ids += db.session.scalars(sa.select(DinerProfile.diner_id).where(
        DinerProfile.community_id == community_id, DinerProfile.display_name != "",
        DinerProfile.display_name.ilike(pattern, escape="\\")).limit(MAX_MATCHES)).all()
    return _matches(community_id, list(dict.fromkeys(ids))[:MAX_MATCHES])


def known_diner(identity: Identity, *, community_id: str, diner_id: str) -> DinerMatch:
    """The diner with this account id, if this canteen knows them (else NotFound)."""
    _require_staff(identity, community_id)
    found = _matches(community_id, [diner_id])
    if not found:
        raise NotFound("This canteen does not know that diner.", code="diner_not_found")
    return found[0]


def resolve_diner(identity: Identity, *, community_id: str, query: str) -> str:
    """The one diner ``query`` names (card number, phone, name, account id): NotFound when nobody,
    Conflict when several (the counter then picks from the list)."""
    found = find_diners(identity, community_id=community_id, query=query)
    if not found:
        raise NotFound("No diner here has that card number, phone or name.", code="diner_not_found")
    if len(found) > 1:
        raise Conflict("Several diners match; use the card number.", code="diner_ambiguous",
                       matches=len(found))
    return found[0].diner_id


def register_diner(identity: Identity, *, community_id: str, display_name: str, phone: str = "") -> str:
    """Staff register a diner the canteen did not know (a walk-in elder without an account): the new
    diner id. The name is needed; a phone number, when given, must not belong to another diner."""
    _require_staff(identity, community_id)
    name = display_name.strip()[:120]
    if not name:
        raise Unprocessable("A new diner needs a name.", code="name_required")
    digits = normalise_phone(phone) if phone.strip() else None
    if digits and db.session.scalar(sa.select(DinerProfile.id).where(
            DinerProfile.community_id == community_id, DinerProfile.phone == digits)):
        raise Conflict("This phone number belongs to a diner already; look them up.", code="phone_taken")
    diner_id = f"walk-in-{secrets.token_hex(5)}"
    save_profile(identity, community_id=community_id, diner_id=diner_id, birth_date=None, groups=[],
                 subsidy_eligible=False, display_name=name, phone=digits or "")
    return diner_id
