"""500 diners order a set meal with 50 left at once, through a real gunicorn, on both engines."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.testing import FUTURE_DAY, make_menu
from linli.canteen.stock.models import DishStock, SetMealStock

ATTEMPTS, LEFT = 500, 50


def post_with_retry(url, payload):
    for _ in range(30):
        response = requests.post(url, json=payload, timeout=60)
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")) / 4)
    return response


@pytest.mark.live
def test_500_concurrent_orders_for_50_set_meals_sell_exactly_50(app, live_server):
    with app.app_context():
        ids = make_menu(portions=1000, set_meal_limit=LEFT)
    payload = {"community_id": "north-bund", "meal_service_id": ids["meal_service"], "channel": "kiosk",
               "lines": [{"kind": "set_meal", "set_meal_id": ids["set_meal"],
                          "choices": [ids["chicken"], ids["egg"], ids["tofu"]]}]}
    server = live_server(app, workers=4, threads=8)
    url = f"{server.url}/api/orders"
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as pool:
        responses = list(pool.map(lambda _: post_with_retry(url, payload), range(ATTEMPTS)))
    elapsed = time.monotonic() - started
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == LEFT, (sorted(set(statuses)), server.log())
    refused = [r for r in responses if r.status_code != 201]
    assert {r.status_code for r in refused} == {409}
    assert {r.headers["Content-Type"] for r in refused} == {"application/problem+json"}
    assert {r.json()["code"] for r in refused} == {"sold_out"}
    numbers = sorted(r.json()["pickup_number"] for r in responses if r.status_code == 201)
    assert numbers == list(range(1, LEFT + 1))
    print(f"\n{ATTEMPTS} order attempts in {elapsed:.2f}s ({ATTEMPTS / elapsed:.0f}/s) on "
          f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {statuses.count(201)} sold, "
          f"{statuses.count(409)} sold_out")
    with app.app_context():
        assert db.session.scalar(sa.select(SetMealStock.remaining)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == LEFT
        stock = dict(db.session.execute(sa.select(DishStock.dish_id, DishStock.remaining_units)).all())
        # each set meal drew one half portion (1 unit) of chicken, egg, tofu and a full rice (2 units)
        assert stock[ids["chicken"]] == stock[ids["egg"]] == stock[ids["tofu"]] == 2000 - LEFT
        assert stock[ids["rice"]] == 2000 - 2 * LEFT
        assert stock[ids["pork"]] == stock[ids["greens"]] == 2000

    # the same server: orders naming the same hot dishes in opposite orders, until they run out —
    # stock rows are locked in one fixed order, so nobody deadlocks and nothing oversells
    with app.app_context():
        hot = make_menu(day=FUTURE_DAY + dt.timedelta(days=1), portions=15, set_meal_limit=0, prefix="hot-")
    one = [{"kind": "dish", "dish_id": hot["pork"], "portion": "half"}, {"kind": "dish", "dish_id": hot["egg"]}]
    two = [{"kind": "dish", "dish_id": hot["egg"], "portion": "half"}, {"kind": "dish", "dish_id": hot["pork"]}]
    payloads = [{"community_id": "north-bund", "meal_service_id": hot["meal_service"], "lines": one if i % 2 else two}
                for i in range(120)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        mixed = list(pool.map(lambda p: post_with_retry(url, p), payloads))
    assert {r.status_code for r in mixed} <= {201, 409}, server.log()
    sold = [r.json() for r in mixed if r.status_code == 201]
    units = {"full": 2, "half": 1}
    drawn = {hot["pork"]: 0, hot["egg"]: 0}
    for order in sold:
        for line in order["lines"]:
            drawn[line["dish_id"]] += units[line["portion"]]
    with app.app_context():
        left = dict(db.session.execute(sa.select(DishStock.dish_id, DishStock.remaining_units)
                                       .where(DishStock.meal_service_id == hot["meal_service"])).all())
    assert drawn[hot["pork"]] == 30 - left[hot["pork"]] and drawn[hot["egg"]] == 30 - left[hot["egg"]]
    # sold until neither kind of order fits any more (one: pork 1 + egg 2; two: egg 1 + pork 2)
    assert (left[hot["pork"]] < 1 or left[hot["egg"]] < 2) and (left[hot["egg"]] < 1 or left[hot["pork"]] < 2)
    assert len(sold) >= 15  # the fewest any interleaving can sell
