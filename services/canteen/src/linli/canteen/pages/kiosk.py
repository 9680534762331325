"""The kiosk for elderly diners (白发): very large type, high contrast, big targets, few steps.

``/kiosk/<community_id>`` (or ``/kiosk?community=<id>``): meal service → dishes full or half and set
meals → cart → pay (cash at the counter; meal card after the diner types their kiosk card number
and PIN, which also takes off the elderly subsidy when they have one; card when Stripe is
configured) → the pickup number, huge, with its QR code.
"""

from __future__ import annotations

from linli.canteen.pages.ordering import Flow, ordering_blueprint

KIOSK = Flow(name="kiosk", channel="kiosk", prefix="/kiosk", base="", body_class="kiosk",
             title="Order a meal", card_sign_in=True, skip_single_service=True, plain_menu=True,
             shared_screen=True)
pages = ordering_blueprint(KIOSK)
