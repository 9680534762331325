"""Fenglin Huiyuan's fair room allocation settings (``[communities.<id>.settings.hub.rounds]``): the
weekly quota each of its 12 teams may win, and how many recent rounds count as a team's history."""

import datetime as dt

import sqlalchemy as sa

from linli.hub.app import create_app
from linli.hub.extensions import db
from linli.hub.rounds import service as rounds
from linli.hub.rounds.models import RoundDecision
from linli.hub.testing import SHANGHAI, make_world, next_weekday
from linli.shared.auth import Identity
from linli.shared.db import utcnow

HY = "fenglin-huiyuan"


def test_fenglin_huiyuan_sets_its_round_rules_in_communities_toml(service_app):
    app = service_app("hub", create_app)
    with app.app_context():
        assert rounds.rounds_settings(HY) == {"weekly_quota": 1, "history_rounds": 8}
        assert rounds.rounds_settings("north-bund") == {}  # the defaults (its own queue plugin decides)


def test_the_quota_and_the_history_window_come_from_the_settings(community_app):
    app = community_app("hub", HY, settings={"hub": {"rounds": {"weekly_quota": 2, "history_rounds": 2}}})
    world = make_world(app, HY)
    band = Identity(str(world["lead"]), frozenset({"team_lead"}), frozenset({HY}))
    first = next_weekday(0)

    def decide(week: int) -> list[RoundDecision]:
        with app.app_context():
            round_ = rounds.create_round(None, community_id=HY, title=f"week {week}", seed=week,
                                         closes_at=utcnow() + dt.timedelta(hours=1),
                                         slots=rounds.weekly_slots([world["room"]],
                                                                   first_day=first + dt.timedelta(weeks=week),
                                                                   weeks=1, start=dt.time(9), end=dt.time(11),
                                                                   tz=SHANGHAI))
            assert round_.weekly_quota == 2  # from the settings, not the default 1
            rounds.submit_requests(band, round_.id, team_id=world["team"], slot_ids=[s.id for s in round_.slots])
            rounds.close_round(None, round_.id)
            return list(db.session.scalars(sa.select(RoundDecision).where(RoundDecision.round_id == round_.id)))

    asked = [decide(week)[0].detail["asked_recently"] for week in range(4)]
    assert asked == [0, 1, 2, 2]  # only the last two decided rounds count
