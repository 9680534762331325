"""The canteen service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from linli.canteen.extensions import db, shared_models
from linli.canteen.pages.common import PAGE_MESSAGES
from linli.shared.factory import ServiceSpec, create_service_app


def _api_blueprints() -> list[Any]:
    from linli.canteen.diners.api import blp as diners_blp
    from linli.canteen.feedback.api import blp as feedback_blp
    from linli.canteen.kitchen.api import blp as kitchen_blp
    from linli.canteen.menu.api import blp as menu_blp
    from linli.canteen.orders.api import blp as orders_blp
    from linli.canteen.payments.api import blp as payments_blp
    from linli.canteen.reports.api import blp as reports_blp
    from linli.canteen.stock.api import blp as stock_blp
    from linli.canteen.summary.api import blp as summary_blp
    from linli.canteen.surveys.api import blp as surveys_blp
    from linli.canteen.today.api import blp as today_blp
    from linli.canteen.waste.api import blp as waste_blp

    return [menu_blp, today_blp, stock_blp, orders_blp, kitchen_blp, reports_blp, payments_blp, diners_blp, waste_blp,
            feedback_blp, surveys_blp, summary_blp]


def _page_blueprints() -> list[Any]:
    from linli.canteen.diners.pages import pages as meal_card_pages
    from linli.canteen.feedback.pages import pages as feedback_pages
    from linli.canteen.pages import blueprints as page_blueprints
    from linli.canteen.surveys.pages import pages as survey_pages
    from linli.canteen.waste.pages import pages as waste_pages

    return [*page_blueprints(), meal_card_pages, waste_pages, feedback_pages, survey_pages]


def _hookspecs() -> list[Any]:
    from linli.canteen import hookspecs

    return [hookspecs]


def _builtin_plugins() -> list[Any]:
    from linli.canteen.diners import builtin as diners_builtin
    from linli.canteen.feedback import builtin as feedback_builtin
    from linli.canteen.menu import builtin as menu_builtin
    from linli.canteen.orders import builtin as orders_builtin
    from linli.canteen.payments import builtin as payments_builtin
    from linli.canteen.waste import builtin as waste_builtin

    return [menu_builtin, orders_builtin, payments_builtin, diners_builtin, waste_builtin, feedback_builtin]


def _seed_demo(app: Flask) -> None:
    from linli.canteen.demo import seed_demo
    from linli.canteen.diners.demo import seed_demo as seed_diners
    from linli.canteen.feedback.demo import seed_demo as seed_feedback
    from linli.canteen.payments.demo import seed_demo as seed_payments
    from linli.canteen.waste.demo import seed_demo as seed_waste

    seed_demo(app)
    seed_diners(app)
    seed_waste(app)
    seed_payments(app)  # the waste demo's served orders
    seed_feedback(app)


def _tick(app: Flask) -> dict[str, int]:
    from linli.canteen.feedback.tasks import tick as feedback_tick
    from linli.canteen.orders.tasks import tick
    from linli.canteen.payments.tasks import tick as payments_tick

    # orders expire first, then their money goes back; old identified feedback is anonymised
    return {**tick(app), **payments_tick(app), **feedback_tick(app)}


def _models() -> None:
    """Import every models module so that its tables are on the metadata."""
    from linli.canteen.diners import models as _diners_models  # noqa: F401
    from linli.canteen.feedback import models as _feedback_models  # noqa: F401
    from linli.canteen.menu import models as _menu_models  # noqa: F401  (registers tables)
    from linli.canteen.orders import models as _orders_models  # noqa: F401
    from linli.canteen.payments import models as _payments_models  # noqa: F401
    from linli.canteen.stock import models as _stock_models  # noqa: F401
    from linli.canteen.surveys import models as _surveys_models  # noqa: F401
    from linli.canteen.waste import models as _waste_models  # noqa: F401


SPEC = ServiceSpec(
    name="canteen",
    title="Linli canteen",
    description=("Community canteen (社区食堂): menu and meal services, today's menu and stock, orders, payments, "
                 "the kitchen queue, diners and meal cards, sales reports, kitchen waste, feedback and surveys."),
    package="linli.canteen",
    db=db,
    models=shared_models,
    api_blueprints=_api_blueprints,
    page_blueprints=_page_blueprints,
    hookspecs=_hookspecs,
    builtin_plugins=_builtin_plugins,
    seed_demo=_seed_demo,
    tick=_tick,
    page_messages=PAGE_MESSAGES,
    # Stripe.js and its card frame on the payment page (payments/stripe_gateway)
    csp_sources={"script-src": ["https://js.stripe.com"], "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
                 "connect-src": ["https://api.stripe.com"]},
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    _models()
    return create_service_app(SPEC, test_config)
