"""The hub service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from linli.hub.extensions import db, shared_models
from linli.shared.factory import ServiceSpec, create_service_app


def _api_blueprints() -> list[Any]:
    from linli.hub.accounts.api import blp as accounts_blp
    from linli.hub.activities.api import blp as activities_blp
    from linli.hub.bookings.api import blp as bookings_blp
    from linli.hub.bookings.api import feeds as room_feeds_blp
    from linli.hub.people.api import blp as people_blp
    from linli.hub.rooms.api import blp as rooms_blp
    from linli.hub.roster.api import blp as roster_blp
    from linli.hub.rounds.api import blp as rounds_blp
    from linli.hub.summary.api import blp as summary_blp
    from linli.hub.teams.api import blp as teams_blp
    from linli.hub.visits.api import blp as visits_blp
    from linli.hub.volunteers.api import blp as volunteers_blp

    return [accounts_blp, people_blp, teams_blp, rooms_blp, bookings_blp, room_feeds_blp, rounds_blp, activities_blp,
            volunteers_blp, roster_blp, visits_blp, summary_blp]


def _page_blueprints() -> list[Any]:
    from linli.hub.accounts.pages import pages as account_pages
    from linli.hub.accounts.staff_pages import pages as staff_account_pages
    from linli.hub.activities.pages import pages as activity_pages
    from linli.hub.dashboard.pages import pages as dashboard_pages
    from linli.hub.guides.pages import pages as guide_pages
    from linli.hub.people.pages import pages as people_pages
    from linli.hub.roster.pages import pages as roster_pages
    from linli.hub.rounds.pages import pages as round_pages
    from linli.hub.visits.pages import pages as visit_pages
    from linli.hub.volunteers.pages import pages as volunteer_pages

    return [account_pages, round_pages, activity_pages, volunteer_pages, people_pages, staff_account_pages,
            roster_pages, visit_pages, guide_pages, dashboard_pages]


def _hookspecs() -> list[Any]:
    from linli.hub import hookspecs

    return [hookspecs]


def _builtin_plugins() -> list[Any]:
    from linli.hub.guides import builtin as guides_builtin
    from linli.hub.rounds import builtin as rounds_builtin
    from linli.hub.visits import builtin as visits_builtin
    from linli.hub.volunteers import builtin as volunteers_builtin

    return [rounds_builtin, volunteers_builtin, visits_builtin, guides_builtin]


def _models() -> None:
    """Import every models module so that its tables are on the metadata."""
    import linli.hub.accounts.models
    import linli.hub.activities.models
    import linli.hub.bookings.models
    import linli.hub.people.models
    import linli.hub.rooms.models
    import linli.hub.roster.models
    import linli.hub.rounds.models
    import linli.hub.teams.models
    import linli.hub.visits.models
    import linli.hub.volunteers.models  # noqa: F401


def _seed_demo(app: Flask) -> None:
    """Demo data of every area, safe to run twice; accounts first, the areas that use them after."""
    from linli.hub.activities.demo import seed_demo_activities, seed_demo_shifts
    from linli.hub.demo import seed_demo_core
    from linli.hub.visits.demo import seed_demo_visits

    seed_demo_core(app)
    seed_demo_activities(app)
    if "fenglin-huiyuan" in app.extensions["linli"].communities:
        seed_demo_shifts(app, "fenglin-huiyuan")
    seed_demo_visits(app)


def _tick(app: Flask) -> dict[str, int]:
    """What is due in every area; idempotent."""
    from linli.hub.activities import service as activities
    from linli.hub.roster import service as roster
    from linli.hub.rounds import service as rounds
    from linli.hub.visits import service as visits
    from linli.hub.volunteers import service as volunteers

    done: dict[str, int] = {}
    done.update(activities.tick(app))
    done.update(volunteers.tick(app))
    done["rounds_closed"] = rounds.close_due_rounds()
    done.update(roster.tick())
    done.update(visits.tick())
    return done


def _init_accounts(app: Flask) -> None:
    from linli.hub.accounts.setup import init_accounts

    init_accounts(app)


SPEC = ServiceSpec(
    name="hub",
    title="Linli hub",
    description="Neighbourhood hub (邻里小汇): people and households, accounts and tokens, teams, rooms, bookings and booking rounds, activities, volunteers and shifts, the duty roster and the visit diary.",
    package="linli.hub",
    db=db,
    models=shared_models,
    api_blueprints=_api_blueprints,
    page_blueprints=_page_blueprints,
    hookspecs=_hookspecs,
    builtin_plugins=_builtin_plugins,
    extra_init=(_init_accounts,),
    seed_demo=_seed_demo,
    tick=_tick,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    _models()
    return create_service_app(SPEC, test_config)
