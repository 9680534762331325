"""Routes of diners and meal cards."""

from flask_smorest import Blueprint

from linli.canteen.diners import kiosk_card, meal_card, service, subsidy
from linli.canteen.diners.schemas import (
    CommunityQuerySchema,
    DinerProfileInSchema,
    DinerProfileSchema,
    KioskCardInSchema,
    KioskCardSchema,
    LedgerEntrySchema,
    LedgerSchema,
    MealCardSchema,
    SubsidyQuoteSchema,
    TopUpSchema,
)
from linli.shared.api import problems
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles
from linli.shared.state import service_state

blp = Blueprint("diners", __name__, url_prefix="/api",
                description="Diners (食客): canteen profiles, elderly subsidy, meal cards (饭卡)")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.url_value_preprocessor
def _check_diner_id(endpoint, values):
    if values and "diner_id" in values:
        service.check_diner_id(values["diner_id"])


@blp.put("/diners/<diner_id>")
@blp.arguments(DinerProfileInSchema)
@blp.response(200, DinerProfileSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
@require_roles(*STAFF_ROLES)
def save_profile(data, diner_id):
    """Create or replace a diner's canteen profile (age, special groups, subsidy eligibility)."""
    return service.save_profile(require_identity(), diner_id=diner_id, **data)


@blp.get("/diners/<diner_id>")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, DinerProfileSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
def get_profile(query, diner_id):
    """A diner's canteen profile (staff, or the diner themself)."""
    return service.get_profile(require_identity(), diner_id=diner_id, **query)


@blp.get("/diners/<diner_id>/subsidy")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, SubsidyQuoteSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
def subsidy_quote(query, diner_id):
    """What the elderly meal subsidy pays for this diner's next meal today."""
    identity = require_identity()
    meal_card.check_reader(identity, query["community_id"], diner_id)
    return subsidy.quote(service_state().communities.require(query["community_id"]), diner_id)


@blp.get("/meal-cards/<diner_id>")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, MealCardSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
def get_card(query, diner_id):
    """A meal card's balance (staff, or the diner themself)."""
    meal_card.check_reader(require_identity(), query["community_id"], diner_id)
    return meal_card.require_card(query["community_id"], diner_id)


@blp.post("/meal-cards/<diner_id>/top-ups")
@blp.arguments(TopUpSchema)
@blp.response(201, LedgerEntrySchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
@require_roles(*STAFF_ROLES)
def top_up(data, diner_id):
    """Load money onto a meal card at the counter (opens the card if new)."""
    return meal_card.top_up(require_identity(), diner_id=diner_id, **data)


@blp.get("/meal-cards/<diner_id>/ledger")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, LedgerSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
def ledger(query, diner_id):
    """The card's ledger, newest first, with its sum (always equal to the balance)."""
    meal_card.check_reader(require_identity(), query["community_id"], diner_id)
    card = meal_card.require_card(query["community_id"], diner_id)
    return {"card": card, "ledger_sum_fen": meal_card.ledger_sum(card), "entries": meal_card.ledger(card)}


@blp.put("/meal-cards/<diner_id>/kiosk-card")
@blp.arguments(KioskCardInSchema)
@blp.response(200, KioskCardSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 409)
@require_roles(*STAFF_ROLES)
def issue_kiosk_card(data, diner_id):
    """Give a diner a card number and PIN for the kiosk (again: the old number stops working)."""
    return kiosk_card.issue(require_identity(), diner_id=diner_id, **data)
