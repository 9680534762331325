"""Kiosk cards: staff issue a card number and PIN; at the kiosk an elder types them, the subsidy is
taken off first and the meal card pays the rest; wrong PINs lock the card; the next person at the
kiosk starts anonymous."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from linli.canteen.diners import kiosk_card, meal_card, service
from linli.canteen.diners.models import KioskCard
from linli.canteen.diners.subsidy import meals_subsidised
from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.pages.testing import ORIGIN, open_menu
from linli.canteen.payments.models import Payment
from linli.canteen.stock.models import SetMealStock
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.errors import Problem
from linli.shared.localtime import local_today

HX = {**ORIGIN, "HX-Request": "true"}
STAFF = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))
ELDER, CARD, PIN = "d-wu", "20260001", "2468"


def make_elder(app, balance_fen: int = 10_000) -> None:
    with app.test_request_context(method="POST"):
        service.save_profile(STAFF, community_id="north-bund", diner_id=ELDER, display_name="吴阿姨",
                             birth_date=dt.date(1940, 5, 1), groups=["elderly_alone"], subsidy_eligible=True)
        if balance_fen:
            meal_card.top_up(STAFF, community_id="north-bund", diner_id=ELDER, amount_fen=balance_fen)
        kiosk_card.issue(STAFF, community_id="north-bund", diner_id=ELDER, card_number=CARD, pin=PIN)


def test_staff_issue_kiosk_cards_through_the_api(app, client, auth):
    staff = auth("staff", sub="counter-1")
    url = f"/api/meal-cards/{ELDER}/kiosk-card"
    issued = client.put(url, json={"community_id": "north-bund", "card_number": CARD, "pin": PIN}, headers=staff)
    assert issued.status_code == 200 and issued.json["card_number"] == CARD and "pin" not in issued.json
    for body, status in (({"card_number": "12ab", "pin": PIN}, 422), ({"card_number": CARD, "pin": "12"}, 422),
                         ({"card_number": CARD, "pin": PIN, "extra": 1}, 422)):
        assert client.put(url, json={"community_id": "north-bund", **body}, headers=staff).status_code == status
    other = client.put("/api/meal-cards/d-chen/kiosk-card", headers=staff,
                       json={"community_id": "north-bund", "card_number": CARD, "pin": "1111"})
    assert other.status_code == 409 and other.json["code"] == "card_number_taken"
    diner = client.put(url, json={"community_id": "north-bund", "card_number": "99990000", "pin": PIN},
                       headers=auth("diner", sub=ELDER))
    assert diner.status_code == 403
    elsewhere = client.put(url, json={"community_id": "fenglin-huiyuan", "card_number": "99990000", "pin": PIN},
                           headers=staff)
    assert elsewhere.status_code == 403
    with app.app_context():
        assert db.session.scalars(sa.select(KioskCard.card_number)).all() == [CARD]


def test_five_wrong_pins_lock_the_card_for_a_while(app):
    make_elder(app)
    with app.test_request_context(method="POST"):
        assert kiosk_card.sign_in(community_id="north-bund", card_number=CARD, pin=PIN) == ELDER
        for tried in range(1, kiosk_card.MAX_ATTEMPTS):
            with pytest.raises(Problem) as wrong:
                kiosk_card.sign_in(community_id="north-bund", card_number=CARD, pin="0000")
            assert wrong.value.code == "wrong_card_or_pin"
            assert wrong.value.extras["attempts_left"] == kiosk_card.MAX_ATTEMPTS - tried  # the kiosk warns
        with pytest.raises(Problem) as fifth:  # the last wrong PIN locks the card: none left
            kiosk_card.sign_in(community_id="north-bund", card_number=CARD, pin="0000")
        assert fifth.value.code == "wrong_card_or_pin" and fifth.value.extras["attempts_left"] == 0
        with pytest.raises(Problem) as locked:
            kiosk_card.sign_in(community_id="north-bund", card_number=CARD, pin=PIN)
        assert locked.value.status == 423
        later = utcnow() + kiosk_card.LOCK_FOR + dt.timedelta(seconds=1)
        assert kiosk_card.sign_in(community_id="north-bund", card_number=CARD, pin=PIN, now=later) == ELDER
        for number in ("00000000", "x", CARD + "0" * 20):  # unknown or malformed: the same answer
            with pytest.raises(Problem) as unknown:
                kiosk_card.sign_in(community_id="north-bund", card_number=number, pin=PIN)
            assert unknown.value.code == "wrong_card_or_pin"
        with pytest.raises(Problem):  # a card of North Bund means nothing in Fenglin Huiyuan
            kiosk_card.sign_in(community_id="fenglin-huiyuan", card_number=CARD, pin=PIN)


def _order_at_the_kiosk(client, ids):
    base = f"/kiosk/north-bund/{ids['meal_service']}"
    client.post(f"{base}/cart", data={"kind": "dish", "dish_id": ids["pork"], "portion": "half"}, headers=HX)
    client.post(f"{base}/cart", data={"kind": "set_meal", "set_meal_id": ids["set_meal"],
                                      "group-1": str(ids["pork"]), "group-2": [str(ids["greens"]), str(ids["egg"])]},
                headers=HX)
    return base


def test_an_elder_pays_at_the_kiosk_with_card_number_and_pin_subsidy_first(app, client):
    ids = open_menu(app)
    make_elder(app)
    base = _order_at_the_kiosk(client, ids)
    pay = client.get(f"{base}/pay").text
    assert "饭卡（输入卡号和密码）" in pay and 'value="meal_card"' not in pay
    wrong = client.post(f"{base}/card", data={"card_number": CARD, "pin": "0000"}, headers=ORIGIN,
                        follow_redirects=True)
    assert "卡号或密码不对" in wrong.text
    cross_site = client.post(f"{base}/card", data={"card_number": CARD, "pin": PIN}, follow_redirects=True)
    assert "请使用本页上的按钮" in cross_site.text and "吴阿姨" not in client.get(f"{base}/pay").text
    signed = client.post(f"{base}/card", data={"card_number": CARD, "pin": PIN}, headers=ORIGIN,
                         follow_redirects=True)
    assert "吴阿姨，您好" in signed.text and "¥100.00" in signed.text  # name and balance
    assert "今天的老年助餐补贴" in signed.text and "−¥8.00" in signed.text and "¥16.00" in signed.text
    done = client.post(f"{base}/pay", data={"method": "meal_card"}, headers=ORIGIN, follow_redirects=True)
    assert "已付款" in done.text
    with app.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        assert (order.diner_id, order.total_fen, order.state) == (ELDER, 2400, "paid")
        paid = sorted((p.provider, p.amount_fen, p.state) for p in db.session.scalars(sa.select(Payment)))
        assert paid == [("meal_card", 1600, "succeeded"), ("subsidy", 800, "succeeded")]
        assert meal_card.find_card("north-bund", ELDER).balance_fen == 10_000 - 1600
    # the card was for that one order: the next person at the kiosk is anonymous again
    _order_at_the_kiosk(client, ids)
    assert "饭卡（输入卡号和密码）" in client.get(f"{base}/pay").text


def test_when_the_card_cannot_pay_the_rest_the_subsidy_goes_back(app, client):
    ids = open_menu(app)
    make_elder(app, balance_fen=500)  # ¥5 on the card; the rest after the subsidy is ¥16
    base = _order_at_the_kiosk(client, ids)
    client.post(f"{base}/card", data={"card_number": CARD, "pin": PIN}, headers=ORIGIN)
    refused = client.post(f"{base}/pay", data={"method": "meal_card"}, headers=ORIGIN, follow_redirects=True)
    assert "饭卡余额不足" in refused.text
    with app.app_context():
        assert db.session.scalars(sa.select(Order.state)).all() == ["cancelled"]
        subsidy = db.session.scalars(sa.select(Payment).where(Payment.provider == "subsidy")).one()
        assert subsidy.refunded_fen == subsidy.amount_fen == 800
        assert meals_subsidised("north-bund", ELDER, local_today()) == 0  # today's subsidised meal is still there
        assert meal_card.find_card("north-bund", ELDER).balance_fen == 500
        assert db.session.scalar(sa.select(SetMealStock.remaining)) == 10  # the set meal is back
    # still signed in with the card (the order did not go through): cash works, with the subsidy
    done = client.post(f"{base}/pay", data={"method": "cash"}, headers=ORIGIN, follow_redirects=True)
    assert done.status_code == 200


def test_not_me_puts_the_card_away(app, client):
    ids = open_menu(app)
    make_elder(app)
    base = _order_at_the_kiosk(client, ids)
    client.post(f"{base}/card", data={"card_number": CARD, "pin": PIN}, headers=ORIGIN)
    assert "吴阿姨，您好" in client.get(f"{base}/pay").text
    client.post("/kiosk/north-bund/card/forget", headers=ORIGIN)
    assert "吴阿姨" not in client.get(f"{base}/pay").text


def test_counter_staff_issue_a_kiosk_card_on_the_meal_card_page(app, client, tokens):
    make_elder(app)
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    url = f"/counter/north-bund/meal-cards/{ELDER}/kiosk-card"
    saved = client.post(url, data={"card_number": "31415926", "pin": "8888"}, headers=ORIGIN, follow_redirects=True)
    assert "自助点餐卡已保存" in saved.text and "自助点餐卡 · 31415926" in saved.text
    bad = client.post(url, data={"card_number": "3141", "pin": "8888"}, headers=ORIGIN, follow_redirects=True)
    assert "卡号是 6 到 16 位数字" in bad.text
    with app.test_request_context(method="POST"):
        assert kiosk_card.sign_in(community_id="north-bund", card_number="31415926", pin="8888") == ELDER
        with pytest.raises(Problem):  # the old number stopped working
            kiosk_card.sign_in(community_id="north-bund", card_number=CARD, pin=PIN)


def test_forty_concurrent_wrong_pins_check_exactly_five(app, live_server):
    """Issue 16 item 2: the failed tries are counted in the database, atomically, so of 40 wrong
    PINs sent at once through the kiosk page (real gunicorn, both engines) exactly 5 are checked and
    35 find the card locked; then even the right PIN waits out the lock."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    ids = open_menu(app)
    make_elder(app)
    server = live_server(app, workers=4, threads=8)
    url = f"{server.url}/kiosk/north-bund/{ids['meal_service']}/card?lang=en"
    wrong, locked = "The card number or the PIN is not right", "This card is locked for 15 minutes"

    def try_pin(pin):
        with requests.Session() as kiosk:  # 40 kiosks, each with its own session
            page = kiosk.post(url, data={"card_number": CARD, "pin": pin}, headers={"Origin": server.url},
                              timeout=60)
        assert page.status_code == 200, page.status_code
        return "wrong" if wrong in page.text else "locked" if locked in page.text else page.text[:300]

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(try_pin, [f"{1000 + n}" for n in range(40)]))
    assert (outcomes.count("wrong"), outcomes.count("locked")) == (5, 35), outcomes
    assert try_pin(PIN) == "locked"
    with app.app_context():
        card = db.session.scalars(sa.select(KioskCard)).one()
        assert card.locked_until > utcnow() and card.failed_attempts == 0
