"""The plugin's templates apply in Fenglin Huiyuan only, and generate real shifts there."""

import datetime as dt

import pytest

from linli.hub.app import create_app


@pytest.fixture
def app(service_app):
    return service_app("hub", create_app)


def test_templates_only_in_the_community_that_enabled_the_plugin(app):
    from linli.hub.volunteers.service import shift_templates

    with app.app_context():
        fenglin, north = shift_templates("fenglin-huiyuan"), shift_templates("north-bund")
    assert fenglin["meal-delivery"]["slots"] == [{"start": "10:45", "end": "12:15", "headcount": 3}]
    assert "meal-delivery" not in north
    # the built-in waste-sorting duty is replaced in Huiyuan only
    assert fenglin["waste-sorting"]["slots"][0]["start"] == "06:30"
    assert north["waste-sorting"]["slots"][0]["start"] == "07:00"


def test_meal_delivery_shifts_on_weekdays_only(app):
    from linli.hub.volunteers.service import generate_shifts

    monday = dt.date(2030, 3, 4)
    with app.app_context():
        shifts = generate_shifts("fenglin-huiyuan", "meal-delivery", start_date=monday, days=7)
        starts = sorted(s.starts_at for s in shifts)
    assert len(starts) == 5  # Monday to Friday
    assert {s.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M") for s in starts} == {"10:45"}
