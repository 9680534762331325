"""SLA due times hold at every hour of every day of the week (Shanghai working days)."""

import datetime as dt

import pytest

from linli.cases.casework import sla

MONDAY = dt.datetime(2026, 3, 2, 0, 0, tzinfo=sla.LOCAL_TZ)
EVERY_HOUR_OF_A_WEEK = [MONDAY + dt.timedelta(hours=h, minutes=17) for h in range(7 * 24)]


@pytest.mark.parametrize("days", [1, 3])
def test_first_response_is_the_nth_working_day_at_the_same_time(days):
    for start in EVERY_HOUR_OF_A_WEEK:
        due = sla.add_working_days(start.astimezone(dt.UTC), days).astimezone(sla.LOCAL_TZ)
        assert due.weekday() < 5, start
        assert (due.hour, due.minute) == (start.hour, start.minute), start
        between = [start.date() + dt.timedelta(days=n) for n in range(1, (due.date() - start.date()).days + 1)]
        assert sum(d.weekday() < 5 for d in between) == days, start
        assert dt.timedelta(days=days) <= due - start <= dt.timedelta(days=days + 2), start


def test_timer_and_levels():
    now = MONDAY.astimezone(dt.UTC)
    assert sla.timer(now - dt.timedelta(seconds=1), now) == "overdue"
    assert sla.timer(now + dt.timedelta(hours=23), now) == "due_soon"
    assert sla.timer(now + dt.timedelta(hours=25), now) == "on_time"


def test_levels_come_from_the_community_settings(app):
    communities = app.extensions["linli"].communities
    north = communities["north-bund"]
    assert sla.levels_for(north, "food_safety") == {"first_response": 1, "consultation": 2, "resolution": 7,
                                                    "follow_up": 14}
    assert sla.levels_for(north, "parking")["resolution"] == 30
    assert sla.levels_for(communities["fenglin-huiyuan"], "parking")["resolution"] == 21
