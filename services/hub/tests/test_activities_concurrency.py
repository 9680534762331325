"""300 residents sign up at once for 30 places, through a real gunicorn, on both engines."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

from linli.hub.activities import service
from linli.hub.activities.models import Registration
from linli.hub.extensions import db
from linli.hub.rooms.models import Room

START = dt.datetime(2030, 3, 4, 6, 0, tzinfo=dt.UTC)
PEOPLE, CAPACITY = 300, 30


def post_with_retry(url: str, headers: dict[str, str]) -> requests.Response:
    for _ in range(20):
        response = requests.post(url, json={}, headers=headers, timeout=60)
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")) / 4)
    return response


def test_300_concurrent_signups_fill_30_places_and_queue_the_rest_in_arrival_order(app, client, auth, tokens,
                                                                                  live_server):
    with app.app_context():
        room = Room(community_id="north-bund", name_zh="多功能室", kind="multi_purpose", capacity=60)
        db.session.add(room)
        db.session.commit()
        room_id = room.id
    created = client.post("/api/activities", headers=auth("staff"), json={
        "community_id": "north-bund", "title_zh": "书法班", "organiser_kind": "volunteer", "capacity": CAPACITY,
        "room_id": room_id, "starts_at": START.isoformat(), "ends_at": (START + dt.timedelta(hours=2)).isoformat(),
    })
    assert created.status_code == 201
    session_id = client.get("/api/activities/sessions?community_id=north-bund").json[0]["id"]
    headers = [{"Authorization": f"Bearer {tokens('diner', sub=f'resident-{i}')}"} for i in range(PEOPLE)]

    server = live_server(app, workers=4, threads=8)
    url = f"{server.url}/api/activities/sessions/{session_id}/registrations"
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=48) as pool:
        responses = list(pool.map(lambda h: post_with_retry(url, h), headers))
    elapsed = time.monotonic() - started
    assert {r.status_code for r in responses} == {201}, server.log()
    bodies = [r.json() for r in responses]
    assert sum(b["status"] == "registered" for b in bodies) == CAPACITY
    assert sorted(b["position"] for b in bodies if b["status"] == "waitlisted") == list(range(1, PEOPLE - CAPACITY + 1))
    print(f"\n{PEOPLE} sign-ups in {elapsed:.2f}s ({PEOPLE / elapsed:.0f}/s) on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")

    with app.app_context():
        rows = db.session.scalars(sa.select(Registration).where(Registration.session_id == session_id)).all()
        registered = [r for r in rows if r.status == "registered"]
        waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.position)
        assert len(registered) == CAPACITY and len(waiting) == PEOPLE - CAPACITY
        assert [r.position for r in waiting] == list(range(1, PEOPLE - CAPACITY + 1))
        # arrival order = commit order: every place was taken before the first waitlist ticket, and
        # tickets follow the order the rows were written (ids, timestamps)
        assert max(r.id for r in registered) < min(r.id for r in waiting)
        assert [r.id for r in waiting] == sorted(r.id for r in waiting)
        assert [r.created_at for r in waiting] == sorted(r.created_at for r in waiting)
        first, second = waiting[0], waiting[1]
        leaving = registered[0]

    # a cancellation offers the place to the first on the waitlist
    cancelled = requests.post(f"{server.url}/api/activities/registrations/{leaving.id}/cancel",
                              headers={"Authorization": f"Bearer {tokens(sub=leaving.account_id)}"}, timeout=30)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    mine = requests.get(f"{server.url}/api/activities/registrations/mine",
                        headers={"Authorization": f"Bearer {tokens(sub=first.account_id)}"}, timeout=30).json()
    assert mine[0]["status"] == "offered"

    # the first does not confirm in time: the offer passes to the next
    with app.app_context():
        offer = db.session.get(Registration, first.id)
        offer.offer_expires_at = service.utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert service.tick(app) == {"activity_offers_expired": 1, "activity_offers_made": 1}
    with app.app_context():
        assert db.session.get(Registration, first.id).status == "expired"
        assert db.session.get(Registration, second.id).status == "offered"
        live = db.session.scalar(sa.select(sa.func.count()).where(
            Registration.session_id == session_id, Registration.status.in_(("registered", "offered"))))
        assert live == CAPACITY


def test_concurrent_shift_signups_never_exceed_the_headcount(app, client, auth, tokens, live_server):
    from linli.hub.volunteers import service as volunteers
    from linli.hub.volunteers.models import ShiftAssignment

    with app.test_request_context(method="POST"):
        shift = volunteers.generate_shifts("north-bund", "waste-sorting", start_date=dt.date(2030, 3, 4), days=1)[0]
        shift_id, headcount = shift.id, shift.headcount
    people = 40
    for i in range(people):
        made = client.put("/api/volunteers/me", json={"community_id": "north-bund", "display_name": f"v{i}"},
                          headers=auth("volunteer", sub=f"v{i}"))
        assert made.status_code == 200
    headers = [{"Authorization": f"Bearer {tokens('volunteer', sub=f'v{i}')}"} for i in range(people)]
    server = live_server(app, workers=4, threads=8)
    url = f"{server.url}/api/volunteers/shifts/{shift_id}/assignments"
    with ThreadPoolExecutor(max_workers=40) as pool:
        responses = list(pool.map(lambda h: post_with_retry(url, h), headers))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * headcount + [409] * (people - headcount), server.log()
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"shift_full"}
    with app.app_context():
        assert db.session.query(ShiftAssignment).filter_by(shift_id=shift_id).count() == headcount
