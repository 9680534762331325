"""``flask linli seed-demo`` (what ``make run`` calls): a rerun over seeded data changes nothing, and a
seed that fails midway says what failed, exits non-zero and leaves nothing half-seeded (issue 15,
issue 16 item 7), so that the next run, once the cause is gone, seeds the whole demo."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from linli.canteen.app import create_app as create_canteen
from linli.hub.app import create_app as create_hub


def _run(app: Flask):
    return app.test_cli_runner().invoke(args=["linli", "seed-demo"])


def _counts(app: Flask, *tables: str) -> dict[str, int]:
    db = app.extensions["linli"].db
    with app.app_context():
        return {t: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(t))) for t in tables}


HUB_TABLES = ("account", "room", "team", "team_member", "household", "resident", "booking_round", "round_request",
              "booking", "activity", "activity_session", "activity_registration", "volunteer", "volunteer_shift",
              "volunteer_shift_assignment")
CANTEEN_TABLES = ("canteen_dish", "canteen_set_meal", "canteen_retail_item", "canteen_meal_service",
                  "canteen_dish_stock", "canteen_diner", "canteen_meal_card_entry", "canteen_kiosk_card")


def test_seed_demo_twice_changes_nothing(service_app):
    for app, tables in ((service_app("hub", create_hub), HUB_TABLES),
                        (service_app("canteen", create_canteen), CANTEEN_TABLES)):
        first = _run(app)
        assert first.exit_code == 0, first.output + first.stderr
        assert "demo data ready" in first.output
        seeded = _counts(app, *tables)
        assert all(seeded.values()), seeded  # every table of the demo has rows
        again = _run(app)
        assert again.exit_code == 0, again.output + again.stderr
        assert "already seeded" in again.output
        assert _counts(app, *tables) == seeded


def test_hub_seed_failing_midway_writes_nothing_and_a_rerun_seeds_all(service_app):
    """An account named like the demo's 13th (``nb.lead01``) exists: the seed has written accounts, rooms
    and twelve Huiyuan teams when it meets it; all of that must go."""
    app = service_app("hub", create_hub)
    from linli.hub.accounts import service as accounts

    with app.app_context():
        blocker = accounts.create_account(None, username="nb.lead01", password="not-the-demo", display_name="x")
    before = _counts(app, *HUB_TABLES)

    failed = _run(app)
    assert failed.exit_code == 1
    assert "hub: demo data could not be seeded" in failed.stderr
    assert "username 'nb.lead01' is taken" in failed.stderr
    assert "hub/demo.py" in failed.stderr and "create_account" in failed.stderr  # where it failed
    assert "Nothing of the hub demo was written" in failed.stderr
    assert _counts(app, *HUB_TABLES) == before  # only the blocker: no account, room, team or round of the demo

    with app.app_context():
        app.extensions["linli"].db.session.execute(sa.text("DELETE FROM account WHERE id = :id"), {"id": blocker.id})
        app.extensions["linli"].db.session.commit()
    rerun = _run(app)
    assert rerun.exit_code == 0, rerun.output + rerun.stderr
    assert "already seeded" not in rerun.output
    seeded = _counts(app, *HUB_TABLES)
    assert all(seeded.values()), seeded
    assert seeded["booking_round"] == 3


def test_canteen_seed_failing_midway_writes_nothing(service_app):
    """The last demo diner's kiosk card number is already another diner's: the menu and three diners
    are written by then; none of it stays."""
    app = service_app("canteen", create_canteen)
    from linli.canteen.diners import kiosk_card, service
    from linli.canteen.diners.demo import SEEDER

    with app.app_context():
        service.save_profile(SEEDER, community_id="fenglin-huiyuan", diner_id="someone-else", display_name="x",
                             birth_date=None, groups=[], subsidy_eligible=False)
        kiosk_card.issue(SEEDER, community_id="fenglin-huiyuan", diner_id="someone-else", card_number="20260004",
                         pin="9876")
    before = _counts(app, *CANTEEN_TABLES)

    failed = _run(app)
    assert failed.exit_code == 1
    assert "canteen: demo data could not be seeded" in failed.stderr
    assert "card number belongs to another diner" in failed.stderr
    assert _counts(app, *CANTEEN_TABLES) == before


def test_a_hub_half_seeded_by_the_old_seed_gets_its_rounds(service_app):
    """The old seed committed as it went: when its round failed, accounts to households stayed and every
    rerun said "already seeded", with no rounds. Such a var/ is mended by the next run."""
    app = service_app("hub", create_hub)
    from linli.hub import demo

    with app.app_context():
        demo._seed()  # what the old seed had committed when its open round failed: everything but rounds
    assert _counts(app, "booking_round") == {"booking_round": 0}
    result = _run(app)
    assert result.exit_code == 0, result.output + result.stderr
    assert "already seeded" in result.output
    assert _counts(app, "booking_round") == {"booking_round": 3}


def test_a_seed_that_pushes_its_own_app_context_is_still_one_transaction(service_app):
    """Seeds written the old way (``with app.app_context():`` inside, as plugins may) join the one
    transaction: on SQLite they would otherwise wait on its write lock, on PostgreSQL commit apart."""
    app = service_app("hub", create_hub)
    from linli.hub.rooms import service as rooms
    from linli.shared.seeding import SeedFailed, seed_demo

    def seed(app: Flask) -> None:
        with app.app_context():
            rooms.create_room(None, community_id="north-bund", name_zh="活动室", kind="activity", capacity=5)
        with app.app_context():
            assert [r.name_zh for r in rooms.list_rooms("north-bund")] == ["活动室"]  # sees its own writes
            raise RuntimeError("the seed stops here")

    with pytest.raises(SeedFailed, match="hub: demo data could not be seeded: RuntimeError: the seed stops here"):
        seed_demo(app, seed)
    assert _counts(app, "room") == {"room": 0}
