"""The canteen pages without a browser: friendly messages instead of errors, nothing changes on a bad
post, staff pages need a staff token, the counter orders for a diner, a diner pays by meal card."""

from __future__ import annotations

import sqlalchemy as sa

from linli.canteen.diners import meal_card
from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.pages.testing import ORIGIN, open_menu
from linli.canteen.stock.models import DishStock, SetMealStock
from linli.shared.auth import Identity

HX = {**ORIGIN, "HX-Request": "true"}
STAFF = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))


def _stock(app, ids):
    with app.app_context():
        dish = db.session.scalar(sa.select(DishStock.remaining_units).where(
            DishStock.meal_service_id == ids["meal_service"], DishStock.dish_id == ids["pork"]))
        sets = db.session.scalar(sa.select(SetMealStock.remaining).where(
            SetMealStock.meal_service_id == ids["meal_service"]))
        orders = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
        return dish, sets, orders


def test_sold_out_shows_and_cannot_be_added(app, client):
    ids = open_menu(app, portions=1)  # one full portion of pork = 2 units
    menu_url = f"/kiosk/north-bund/{ids['meal_service']}"
    cart_url = f"{menu_url}/cart"
    ok = client.post(cart_url, data={"kind": "dish", "dish_id": ids["pork"], "portion": "full"}, headers=HX)
    assert ok.status_code == 200 and "已加入您的订单。" in ok.text
    again = client.post(cart_url, data={"kind": "dish", "dish_id": ids["pork"], "portion": "half"}, headers=HX)
    assert again.status_code == 200
    assert 'role="alert">抱歉，已经卖完了。请选别的菜。' in again.text and "Traceback" not in again.text
    rice_half = client.post(cart_url, data={"kind": "dish", "dish_id": ids["rice"], "portion": "half"}, headers=HX)
    assert "这道菜没有半份。" in rice_half.text
    checkout = client.post(f"{menu_url}/pay", data={"method": "cash"}, headers=ORIGIN)
    assert checkout.status_code == 303
    page = client.get(f"/kiosk/north-bund/{ids['meal_service']}")
    assert "整份：已售完" in page.text  # the pork card shows sold out, with no button to add it
    assert f'name="dish_id" value="{ids["pork"]}"' not in page.text


def test_bad_posts_change_nothing(app, client):
    ids = open_menu(app)
    base = f"/kiosk/north-bund/{ids['meal_service']}"
    before = _stock(app, ids)
    cross = client.post(f"{base}/cart", data={"kind": "dish", "dish_id": ids["pork"], "portion": "half"},
                        headers={"Origin": "https://evil.example", "HX-Request": "true"})
    assert "请使用本页上的按钮。" in cross.text and "红烧肉" not in cross.text.split('id="cart"')[1]
    wrong_choice = client.post(f"{base}/cart", data={"kind": "set_meal", "set_meal_id": ids["set_meal"],
                                                    "group-1": str(ids["greens"])}, headers=HX)
    assert "请选 1 样" in wrong_choice.text
    empty = client.post(f"{base}/pay", data={"method": "cash"}, headers=ORIGIN, follow_redirects=True)
    assert "您还没有点菜，请先选菜。" in empty.text
    client.post(f"{base}/cart", data={"kind": "dish", "dish_id": ids["pork"], "portion": "half"}, headers=HX)
    no_card = client.post(f"{base}/pay", data={"method": "meal_card"}, headers=ORIGIN, follow_redirects=True)
    assert "用饭卡付款需要您的就餐账户" in no_card.text or "请到柜台" in no_card.text
    dish, sets, _orders = _stock(app, ids)
    assert (dish, sets) == before[:2]  # the failed order gave its stock back at once


def test_staff_pages_need_a_staff_token(app, client, tokens):
    open_menu(app)
    for path in ("/counter/north-bund", "/kitchen/north-bund", "/counter/north-bund/order"):
        anonymous = client.get(path)
        assert anonymous.status_code == 401 and "/hub/login?next=" in anonymous.text
    client.set_cookie("linli_token", tokens("diner", sub="d1"))
    assert client.get("/counter/north-bund").status_code == 403
    client.set_cookie("linli_token", tokens("staff", communities=["fenglin-huiyuan"], sub="s2"))
    assert client.get("/kitchen/north-bund").status_code == 403
    assert client.get("/counter/nowhere").status_code == 404


def test_counter_orders_for_a_diner_and_kitchen_moves_it(app, client, tokens):
    ids = open_menu(app)
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    base = f"/counter/north-bund/order/{ids['meal_service']}"
    with app.test_request_context(method="POST"):
        from linli.canteen.diners.service import save_profile

        save_profile(STAFF, community_id="north-bund", diner_id="granny-wang", birth_date=None, groups=[],
                     subsidy_eligible=False, display_name="王阿婆", phone="13800001111")
    client.post(f"{base}/cart", data={"kind": "dish", "dish_id": ids["egg"], "portion": "half"}, headers=HX)
    unknown = client.post(f"{base}/pay", data={"method": "meal_card", "diner_id": "20269999"}, headers=ORIGIN,
                          follow_redirects=True)  # a card number nobody has: said so, no order
    assert "这里没有这个卡号、电话或姓名的食客。" in unknown.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    done = client.post(f"{base}/pay", data={"method": "cash", "mode": "takeaway", "diner_id": "138 0000 1111"},
                       headers=ORIGIN)  # found by phone
    assert done.status_code == 303
    with app.app_context():
        order = db.session.scalar(sa.select(Order))
        assert (order.state, order.diner_id, order.channel, order.total_fen) == ("paid", "granny-wang", "counter", 450)
        number = order.pickup_number
    assert f'<p class="pickup-number">{number}</p>' in client.get(done.location).text
    board = client.get("/kitchen/north-bund")
    assert f"{number} 号" in board.text and "打包带走" in board.text
    moved = client.post(f"/kitchen/north-bund/orders/{order.id}/preparing", headers=HX)
    assert "制作中 (1)" in moved.text and 'hx-swap-oob="true"' in moved.text
    again = client.post(f"/kitchen/north-bund/orders/{order.id}/preparing", headers=HX)
    assert "制作中 (1)" in again.text  # a repeated move is a no-op
    desk = client.get(f"/counter/north-bund?number={number}")
    assert "已取餐" in desk.text
    client.post(f"/counter/north-bund/orders/{order.id}/collected", headers=ORIGIN)
    with app.app_context():
        assert db.session.get(Order, order.id).state == "collected"


def test_diner_pays_by_meal_card_at_the_kiosk(app, client, tokens):
    ids = open_menu(app)
    with app.test_request_context(method="POST"):
        meal_card.top_up(STAFF, community_id="north-bund", diner_id="d-li", amount_fen=5000)
    client.set_cookie("linli_token", tokens("diner", sub="d-li"))
    base = f"/kiosk/north-bund/{ids['meal_service']}"
    client.post(f"{base}/cart", data={"kind": "dish", "dish_id": ids["pork"], "portion": "half"}, headers=HX)
    assert 'value="meal_card"' in client.get(f"{base}/pay").text
    done = client.post(f"{base}/pay", data={"method": "meal_card"}, headers=ORIGIN, follow_redirects=True)
    assert "已付款。厨房正在准备" in done.text
    with app.app_context():
        assert meal_card.find_card("north-bund", "d-li").balance_fen == 5000 - 900


def test_retail_goods_are_sold_from_the_menu_page_with_their_own_stock(app, client):
    from linli.canteen.menu.models import RetailItem
    from linli.canteen.orders.models import OrderLine

    ids = open_menu(app)  # five packets of five-spice beans in stock
    base = f"/kiosk/north-bund/{ids['meal_service']}"
    page = client.get(base)
    assert "老字号特产" in page.text and "五香豆" in page.text
    for _ in range(5):
        added = client.post(f"{base}/cart", data={"kind": "retail", "retail_item_id": ids["beans"]}, headers=HX)
        assert "已加入您的订单。" in added.text
    sixth = client.post(f"{base}/cart", data={"kind": "retail", "retail_item_id": ids["beans"]}, headers=HX)
    assert "抱歉，已经卖完了" in sixth.text and '<span class="qty-number">5</span>' in sixth.text
    for bad in ("999999", "abc", "", "1e99", "-1"):
        response = client.post(f"{base}/cart", data={"kind": "retail", "retail_item_id": bad}, headers=HX)
        assert response.status_code == 200 and "这件商品已经不卖了。" in response.text
        for kind, field in (("dish", "dish_id"), ("set_meal", "set_meal_id")):
            assert client.post(f"{base}/cart", data={"kind": kind, field: bad}, headers=HX).status_code == 200
    assert client.post(f"{base}/pay", data={"method": "cash"}, headers=ORIGIN).status_code == 303
    with app.app_context():
        line = db.session.scalar(sa.select(OrderLine).where(OrderLine.kind == "retail"))
        assert (line.retail_item_id, line.quantity, line.line_total_fen) == (ids["beans"], 5, 7500)
        assert db.session.get(RetailItem, ids["beans"]).stock_remaining == 0
    assert "已售完" in client.get(base).text.split("老字号特产")[1]
