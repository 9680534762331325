"""100 residents book the last place of a slot at once, through a real gunicorn: exactly one gets it."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

from linli.cases.appointments.models import Appointment, Slot
from linli.cases.extensions import db

PEOPLE = 100


def post_with_retry(url, headers, body):
    for _ in range(20):
        response = requests.post(url, json=body, headers=headers, timeout=60)
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")) / 4)
    return response


def test_100_concurrent_bookings_of_a_capacity_1_slot(app, client, auth, tokens, live_server):
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    slot = client.post("/api/appointments/slots", headers=auth("staff"), json={
        "community_id": "north-bund", "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(minutes=20)).isoformat(), "capacity": 1}).json
    headers = [{"Authorization": f"Bearer {tokens('diner', sub=f'resident-{i}')}"} for i in range(PEOPLE)]
    server = live_server(app, workers=4, threads=8)
    url = f"{server.url}/api/appointments/slots/{slot['id']}/bookings"
    body = {"item_code": "senior-card", "mode": "on_site"}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda h: post_with_retry(url, h, body), headers))
    elapsed = time.monotonic() - started
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (PEOPLE - 1), server.log()
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"slot_full"}
    print(f"\n{PEOPLE} bookings of 1 place in {elapsed:.2f}s: 1 booked, {PEOPLE - 1} slot_full "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    with app.app_context():
        assert db.session.get(Slot, slot["id"]).booked == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1
