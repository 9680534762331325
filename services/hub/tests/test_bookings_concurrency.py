"""200 requests for the same room slot at once, through a real gunicorn, on both engines."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests
import sqlalchemy as sa

from linli.hub.bookings.models import Booking
from linli.hub.extensions import db
from linli.hub.testing import local, make_world, next_weekday

REQUESTS = 200


def post_with_retry(url: str, body: dict, headers: dict[str, str], barrier: Barrier) -> requests.Response:
    barrier.wait()
    for _ in range(30):
        response = requests.post(url, json=body, headers=headers, timeout=90)
        if response.status_code != 503:  # busy: the server asks us to retry
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")) / 4)
    return response


@pytest.mark.live
def test_200_concurrent_bookings_of_one_slot_give_exactly_one(app, auth, live_server):
    world = make_world(app)
    server = live_server(app, workers=4, threads=8)
    day = next_weekday(4)
    headers = auth("staff", communities=[world["community"]], sub=str(world["staff"]))
    # each request a slightly different but overlapping time, from different "teams" of staff
    bodies = [{"room_id": world["room"], "title": f"r{i}",
               "starts_at": local(day, 18, i % 30).isoformat(), "ends_at": local(day, 20, i % 30).isoformat()}
              for i in range(REQUESTS)]
    barrier = Barrier(64)
    with ThreadPoolExecutor(max_workers=64) as pool:
        futures = [pool.submit(post_with_retry, f"{server.url}/api/bookings", body, headers, barrier)
                   for body in bodies[:64]]
        futures += [pool.submit(post_with_retry, f"{server.url}/api/bookings", body, headers, Barrier(1))
                    for body in bodies[64:]]
        responses = [f.result() for f in futures]
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: REQUESTS - 1}, (statuses, server.log())
    assert all(r.headers["Content-Type"] == "application/problem+json" and r.json()["code"] == "slot_taken"
               for r in responses if r.status_code == 409)
    with app.app_context():
        active = db.session.scalars(sa.select(Booking).where(Booking.room_id == world["room"],
                                                             Booking.status.in_(("pending", "confirmed")))).all()
        assert len(active) == 1
        rows = db.session.scalars(sa.select(Booking).order_by(Booking.starts_at)).all()
        for a, b in zip(rows, rows[1:], strict=False):
            assert a.ends_at <= b.starts_at or a.status not in ("pending", "confirmed")
    print(f"\n{REQUESTS} concurrent bookings of one slot on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: "
          f"{dict(statuses)}")
