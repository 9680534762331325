"""Data protection in the canteen: feedback older than LINLI_FEEDBACK_RETENTION_DAYS no longer says
who gave it (the tick deletes the diner, who typed it in and the comment); the row and its ratings
stay, so the dishes' scores do not change."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import time_machine

from linli.canteen.app import create_app
from linli.canteen.feedback.models import Feedback
from linli.shared.localtime import LOCAL_TZ

NOW = dt.datetime(2027, 3, 1, 23, 30, tzinfo=LOCAL_TZ)  # late evening: in UTC it is still the afternoon


def test_tick_anonymises_old_identified_feedback(service_app):
    app = service_app("canteen", create_app, LINLI_FEEDBACK_RETENTION_DAYS=180)
    db = app.extensions["linli"].db
    with app.app_context():
        rows = {
            "old": Feedback(ref="r-old", community_id="north-bund", diner_id="diner-1", channel="phone",
                            comment="王阿姨: too salty", entered_by="staff-1",
                            created_at=(NOW - dt.timedelta(days=181)).astimezone(dt.UTC)),
            "edge": Feedback(ref="r-edge", community_id="north-bund", diner_id="diner-2", channel="phone",
                             comment="fine", created_at=(NOW - dt.timedelta(days=179)).astimezone(dt.UTC)),
            "anonymous": Feedback(ref="r-anon", community_id="north-bund", channel="kiosk", comment="",
                                  created_at=(NOW - dt.timedelta(days=400)).astimezone(dt.UTC)),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        db.session.remove()
    with time_machine.travel(NOW.astimezone(dt.UTC), tick=False):
        done = app.extensions["linli_spec"].tick(app)
        again = app.extensions["linli_spec"].tick(app)
    assert done["feedback_anonymised"] == 1 and again["feedback_anonymised"] == 0
    with app.app_context():
        kept = {f.ref: f for f in db.session.scalars(sa.select(Feedback))}
        assert len(kept) == 3
        assert (kept["r-old"].diner_id, kept["r-old"].entered_by, kept["r-old"].comment) == (None, None, "")
        assert kept["r-old"].channel == "phone" and kept["r-old"].created_at is not None
        assert (kept["r-edge"].diner_id, kept["r-edge"].comment) == ("diner-2", "fine")  # inside the period
