"""500 diners order a set meal with 50 left at once, through a real gunicorn, on both engines."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.testing import make_menu
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
    url = f"{server.url}/api/canteen/orders"
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
