"""The phone page for office workers (白领): pre-order for a pickup time, set meals first, pay, and
keep the pickup number on the phone. ``/order/<community_id>``."""

from __future__ import annotations

from linli.canteen.pages.ordering import Flow, ordering_blueprint

PHONE = Flow(name="phone", channel="phone", prefix="/order", base="", body_class="phone", days_ahead=3,
             title="Pre-order", card_sign_in=True)  # no account at hand: the meal card's number and PIN
pages = ordering_blueprint(PHONE)
