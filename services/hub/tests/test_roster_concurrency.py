"""Two staff editing the roster at once, through a real gunicorn, on both engines: no lost update,
and the front desk is never left empty by two changes that each looked fine alone."""

import datetime as dt
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests

from linli.hub.extensions import db
from linli.hub.roster import service
from linli.hub.roster.models import RosterCell
from linli.hub.roster.testing import HY, make_committee

MONDAY = dt.date(2027, 3, 1)

TUESDAY = MONDAY + dt.timedelta(days=1)


def put_with_retry(url: str, body: dict, headers: dict[str, str], barrier: Barrier) -> requests.Response:
    barrier.wait()
    for _ in range(30):
        response = requests.put(url, json=body, headers=headers, timeout=60)
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")) / 4)
    return response


def concurrently(url: str, bodies: list[dict], headers: dict[str, str]) -> list[requests.Response]:
    barrier = Barrier(len(bodies))
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return [f.result() for f in [pool.submit(put_with_retry, url, b, headers, barrier) for b in bodies]]


@pytest.mark.live
def test_concurrent_edits_of_one_cell_and_of_the_desk(app, auth, live_server):
    world = make_committee(app)
    with app.app_context():
        service.generate_week(None, HY, MONDAY)
        tuesday_am = [c for c in service.week_cells(HY, MONDAY) if c.day == TUESDAY and c.period == "am"]
        out = [c for c in tuesday_am if c.duty == "visiting"]
    server = live_server(app, workers=4, threads=4)
    url = f"{server.url}/api/roster/cells"
    headers = auth("staff", communities=[HY], sub="102")

    # 1) eight editors change the same cell, each from the version they saw: one wins, seven are told
    cell = out[0]
    bodies = [{"community_id": HY, "staff_id": cell.staff_id, "day": TUESDAY.isoformat(), "period": "am",
               "duty": duty, "place": f"徐家汇花园 {n}号楼", "version": cell.version}
              for n, duty in enumerate(["meeting", "training"] * 4)]
    responses = concurrently(url, bodies, headers)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: 7}, (statuses, server.log())
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"stale_cell"}
    winner = next(r.json() for r in responses if r.status_code == 200)
    with app.app_context():
        stored = db.session.get(RosterCell, cell.id)
        assert (stored.duty, stored.place, stored.version) == (winner["duty"], winner["place"], cell.version + 1)

    # 2) two people at the desk; each goes out visiting at the same moment: one may, one must stay
    for rounds in range(3):
        with app.app_context():
            now = [c for c in service.week_cells(HY, MONDAY) if c.day == TUESDAY and c.period == "am"]
            desk = [c for c in now if c.duty == "front_desk"]
            joiner = next(c for c in now if c.duty != "front_desk")
        if len(desk) < 2:
            response = requests.put(url, headers=headers, timeout=30, json={
                "community_id": HY, "staff_id": joiner.staff_id, "day": TUESDAY.isoformat(), "period": "am",
                "duty": "front_desk", "version": joiner.version})
            assert response.status_code == 200, response.text
            with app.app_context():
                desk = [c for c in service.week_cells(HY, MONDAY)
                        if c.day == TUESDAY and c.period == "am" and c.duty == "front_desk"]
        assert len(desk) == 2
        responses = concurrently(url, [{"community_id": HY, "staff_id": c.staff_id, "day": TUESDAY.isoformat(),
                                        "period": "am", "duty": "visiting", "version": c.version} for c in desk],
                                 headers)
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {200: 1, 422: 1}, (rounds, statuses, [r.text for r in responses])
        assert [r.json()["code"] for r in responses if r.status_code == 422] == ["no_front_desk"]
        with app.app_context():
            assert len([c for c in service.week_cells(HY, MONDAY) if c.day == TUESDAY and c.period == "am"
                        and c.duty == "front_desk"]) == 1
    assert world["staff"]
    print(f"\nroster concurrency on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: same cell {dict(statuses)}")
