"""Data protection in the hub: the notes of visits older than LINLI_VISIT_NOTES_RETENTION_DAYS are
deleted by the tick (the visits themselves stay); the audit log of personal-data reads is only ever
appended to."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from linli.hub.app import create_app
from linli.hub.visits.models import Visit
from linli.shared.localtime import LOCAL_TZ


@pytest.mark.parametrize("local_hour", [0, 9, 23])  # the cut is a local date, whatever the hour
def test_tick_deletes_old_visit_notes_and_keeps_the_visits(service_app, local_hour):
    app = service_app("hub", create_app, LINLI_DEMO_HOUSEHOLDS=12, LINLI_VISIT_NOTES_RETENTION_DAYS=90)
    app.extensions["linli_spec"].seed_demo(app)
    db = app.extensions["linli"].db
    with app.app_context():
        visits = db.session.execute(sa.select(Visit.id, Visit.visited_on, Visit.findings, Visit.needs)
                                    .order_by(Visit.visited_on)).all()
        noted = [v for v in visits if v.findings or v.needs]
        assert len(noted) >= 4, "the demo's visit diary holds notes"
        middle = noted[len(noted) // 2].visited_on  # visits on this day and before are past the period
        db.session.remove()
    at = dt.datetime.combine(middle + dt.timedelta(days=91), dt.time(local_hour, 30), LOCAL_TZ)
    with time_machine.travel(at.astimezone(dt.UTC), tick=False), app.app_context():
        done = app.extensions["linli_spec"].tick(app)
        again = app.extensions["linli_spec"].tick(app)
    old = [v for v in noted if v.visited_on <= middle]
    assert done["visit_notes_forgotten"] == len(old) and again["visit_notes_forgotten"] == 0
    with app.app_context():
        after = {v.id: v for v in db.session.execute(sa.select(Visit.id, Visit.visited_on, Visit.findings,
                                                                Visit.needs))}
    assert len(after) == len(visits)  # the visits stay: the plan still knows when a household was seen
    for visit in noted:
        kept = after[visit.id]
        if visit.visited_on <= middle:
            assert kept.findings == "" and kept.needs == [], visit.id
        else:
            assert (kept.findings, kept.needs) == (visit.findings, visit.needs), visit.id


def test_retention_zero_keeps_the_notes(service_app):
    app = service_app("hub", create_app, LINLI_DEMO_HOUSEHOLDS=12, LINLI_VISIT_NOTES_RETENTION_DAYS=0)
    app.extensions["linli_spec"].seed_demo(app)
    with time_machine.travel(dt.datetime(2035, 1, 1, tzinfo=dt.UTC), tick=False), app.app_context():
        assert app.extensions["linli_spec"].tick(app)["visit_notes_forgotten"] == 0


def test_the_audit_log_has_no_way_to_change_it(app):
    """Only reads of the audit log are routed (GET); nothing in the API can change an entry."""
    routes = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert routes, "the audit log is readable"
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in routes), [(r.rule, r.methods) for r in routes]
