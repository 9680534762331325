"""The cases service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from linli.cases.extensions import db, shared_models
from linli.shared.factory import ServiceSpec, create_service_app


def _api_blueprints() -> list[Any]:
    from linli.cases.appointments.api import blp as appointments_blp
    from linli.cases.casework.api import blp as cases_blp
    from linli.cases.catalogue.api import blp as catalogue_blp
    from linli.cases.clearance.api import blp as clearance_blp
    from linli.cases.polls.api import blp as polls_blp
    from linli.cases.summary.api import blp as summary_blp

    return [catalogue_blp, cases_blp, appointments_blp, clearance_blp, polls_blp, summary_blp]


def _page_blueprints() -> list[Any]:
    from linli.cases.appointments.pages import pages as appointment_pages
    from linli.cases.casework.pages import pages as case_pages
    from linli.cases.catalogue.pages import pages as catalogue_pages
    from linli.cases.clearance.pages import pages as clearance_pages
    from linli.cases.open311.api import blp as open311_blp
    from linli.cases.polls.pages import pages as poll_pages

    return [catalogue_pages, appointment_pages, case_pages, clearance_pages, poll_pages, open311_blp]


def _hookspecs() -> list[Any]:
    from linli.cases import hookspecs

    return [hookspecs]


def _builtin_plugins() -> list[Any]:
    from linli.cases.casework import builtin as casework_builtin
    from linli.cases.catalogue import builtin as catalogue_builtin
    from linli.cases.polls import builtin as polls_builtin

    return [catalogue_builtin, casework_builtin, polls_builtin]


def _models() -> None:
    import linli.cases.appointments.models
    import linli.cases.casework.models
    import linli.cases.open311.models
    import linli.cases.polls.models  # noqa: F401  (registers tables)


def _init_open311(app: Flask) -> None:
    from linli.cases.open311.cli import init_open311

    init_open311(app)


def _seed_demo(app: Flask) -> None:
    from linli.cases.demo import seed_demo_cases

    seed_demo_cases(app)


def _page_messages() -> Any:
    from linli.cases.pagekit import PAGE_MESSAGES

    return PAGE_MESSAGES


SPEC = ServiceSpec(
    name="cases",
    title="Linli cases",
    description=("Service-item catalogue, appointments, cases (约请制), the daily clearance board (日日清), "
                 "opinion polls and Open311 GeoReport v2, for the residents' committees."),
    package="linli.cases",
    db=db,
    models=shared_models,
    api_blueprints=_api_blueprints,
    page_blueprints=_page_blueprints,
    hookspecs=_hookspecs,
    builtin_plugins=_builtin_plugins,
    extra_init=(_init_open311,),
    seed_demo=_seed_demo,
    page_messages=_page_messages(),
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    _models()
    return create_service_app(SPEC, test_config)
