"""A phone pre-order for tomorrow's lunch, to be paid in cash at pickup, holds until the lunch's
pickup window closes, whatever the hour it was placed at: the next morning it is still waiting,
``tick`` leaves it alone and the counter takes the cash; after the window it expires."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from linli.canteen.extensions import db
from linli.canteen.orders import service as orders
from linli.canteen.orders.models import Order
from linli.canteen.orders.testing import make_menu
from linli.canteen.pages.testing import ORIGIN
from linli.shared import db as shared_db
from linli.shared.localtime import LOCAL_TZ as SHANGHAI

DAY = dt.date(2026, 12, 7)  # a Monday; the pre-order is for Tuesday's lunch (11:00–13:00)
TOMORROW = DAY + dt.timedelta(days=1)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


class Clock:
    """``linli.*``'s ``utcnow`` answers ``now`` (everything that reads the time goes through it)."""

    def __init__(self) -> None:
        self.now: dt.datetime | None = None

    def set(self, now: dt.datetime) -> None:
        self.now = now


@pytest.fixture
def clock(app, monkeypatch):
    original = shared_db.utcnow
    frozen = Clock()

    def fake() -> dt.datetime:
        return frozen.now or original()

    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("linli.") and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", fake)
    return frozen


def test_a_cash_preorder_placed_at_any_hour_is_payable_at_the_counter_next_morning(app, client, clock, tokens):
    clock.set(local(DAY, 0))
    with app.app_context():
        ids = make_menu(day=TOMORROW, portions=100)
    service_url = f"/order/north-bund/{ids['meal_service']}"
    placed: list[int] = []
    for hour in range(24):
        clock.set(local(DAY, hour, 7))
        added = client.post(f"{service_url}/cart", data={"kind": "dish", "dish_id": ids["greens"], "portion": "half"},
                            headers=ORIGIN)
        assert added.status_code == 303, hour
        done = client.post(f"{service_url}/pay", data={"method": "cash", "mode": "takeaway"}, headers=ORIGIN,
                           follow_redirects=True)
        assert done.status_code == 200 and "取餐号" in done.text, hour
        assert "请在明天 12月8日 周二 13:00前付款，否则订单会取消。" in done.text, hour
        with app.app_context():
            order = db.session.scalars(db.select(Order).order_by(Order.id.desc())).first()
            assert order.channel == "phone" and order.effective_state == "pending_payment"
            placed.append(order.id)

    # the evening before, the counter and the kitchen see tomorrow's pre-orders (and say so for a bad date)
    clock.set(local(DAY, 23, 30))
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    desk = client.get(f"/counter/north-bund?date={TOMORROW.isoformat()}").text
    assert "等待付现金 <span class=\"muted\">明天 12月8日 周二</span>" in desk and desk.count("已收现金：") == 24
    board = client.get(f"/kitchen/north-bund?date={TOMORROW.isoformat()}").text
    assert "这一餐的预订 (24)" in board and "清炒时蔬: 24 半份" in board
    for bad, message in (("garbage", "这不是一个日期"), ("2031-01-01", "这一天太远了")):
        assert message in client.get(f"/kitchen/north-bund?date={bad}").text
        assert message in client.get(f"/counter/north-bund?date={bad}").text
    client.delete_cookie("linli_token")

    # every hour from then on until the next morning, the tick finds nothing due
    for hour in range(24 + 9):
        when = local(DAY, 0) + dt.timedelta(hours=hour)
        clock.set(when)
        with app.app_context():
            assert orders.expire_due(now=when) == 0, when

    clock.set(local(TOMORROW, 8, 30))  # the next morning at the counter
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    with app.app_context():
        numbers = {order_id: db.session.get(Order, order_id).pickup_number for order_id in placed}
    for order_id in placed[::6]:  # placed at 00:07, 06:07, 12:07, 18:07
        desk = client.get(f"/counter/north-bund?number={numbers[order_id]}")
        assert "等待付款" in desk.text
        paid = client.post(f"/counter/north-bund/orders/{order_id}/cash", data={"number": numbers[order_id]},
                           headers=ORIGIN, follow_redirects=True)
        assert "已收现金，订单已送到厨房。" in paid.text
        with app.app_context():
            assert db.session.get(Order, order_id).state == "paid"

    clock.set(local(TOMORROW, 13, 1))  # the pickup window has closed: the rest expire, stock comes back
    with app.app_context():
        assert orders.expire_due(now=local(TOMORROW, 13, 1)) == 24 - 4
        assert db.session.get(Order, placed[1]).effective_state == "expired"


def test_a_kiosk_cash_order_keeps_its_short_window(app, client, clock):
    clock.set(local(DAY, 11, 0))
    with app.app_context():
        ids = make_menu(day=DAY)
    url = f"/kiosk/north-bund/{ids['meal_service']}"
    client.post(f"{url}/cart", data={"kind": "dish", "dish_id": ids["greens"], "portion": "half"}, headers=ORIGIN)
    done = client.post(f"{url}/pay", data={"method": "cash"}, headers=ORIGIN, follow_redirects=True)
    assert "请在11:10前付款，否则订单会取消。" in done.text
    with app.app_context():
        assert orders.expire_due(now=local(DAY, 11, 11)) == 1
