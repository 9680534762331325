"""The counter's meal card page: look a diner up, load money onto the card."""

import pytest

from linli.canteen.diners.models import MealCard, MealCardEntry
from linli.canteen.extensions import db

PAGE = "/counter/north-bund/meal-cards"
SAME_SITE = {"Origin": "http://localhost"}


def card_state(app):
    with app.app_context():
        return (sorted((c.diner_id, c.balance_fen) for c in db.session.query(MealCard)),
                db.session.query(MealCardEntry).count())


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_staff_open_a_card_then_load_money_and_see_the_ledger(app, client, tokens, lang):
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    client.put("/api/diners/grandma-wang", json={"community_id": "north-bund", "birth_date": "1941-03-02",
                                                   "groups": ["elderly_alone"], "subsidy_eligible": True,
                                                   "display_name": "王阿婆"},
               headers={"Authorization": f"Bearer {tokens('staff', sub='counter-1')}"})
    known = client.get(f"{PAGE}?diner_id=grandma-wang&lang={lang}")
    assert known.status_code == 200 and "王阿婆" in known.text
    assert "amount_yuan" not in known.text  # no card yet: nothing to load money onto, only "open a card"
    assert ("Open a meal card for 王阿婆" if lang == "en" else "为王阿婆开一张饭卡") in known.text
    refused = client.post(f"{PAGE}/grandma-wang/top-ups?lang={lang}", data={"amount_yuan": "50"}, headers=SAME_SITE,
                          follow_redirects=True)
    assert refused.status_code == 200 and card_state(app) == ([], 0)
    opened = client.post(f"{PAGE}/grandma-wang/open?lang={lang}", headers=SAME_SITE, follow_redirects=True)
    assert ("Meal card opened." if lang == "en" else "饭卡已开通。") in opened.text and "amount_yuan" in opened.text
    loaded = client.post(f"{PAGE}/grandma-wang/top-ups?lang={lang}", data={"amount_yuan": "50.5"}, headers=SAME_SITE,
                         follow_redirects=True)
    assert loaded.status_code == 200 and "¥50.50" in loaded.text
    assert ("Money loaded onto the meal card." if lang == "en" else "已充值到饭卡。") in loaded.text
    assert ("Meal subsidy" if lang == "en" else "助餐补贴") in loaded.text and "¥8.00" in loaded.text
    assert card_state(app) == ([("grandma-wang", 5050)], 1)


def test_a_failed_search_opens_nothing(app, client, tokens):
    """A card number, name or account nobody has: no profile, no card, no form that loads money."""
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    for page in (f"{PAGE}?q=20269999", f"{PAGE}?q=nobody", f"{PAGE}?diner_id=phantom-1"):
        text = client.get(page).text
        assert "amount_yuan" not in text and "/open" not in text, page
    for action in ("top-ups", "open", "profile", "kiosk-card"):
        client.post(f"{PAGE}/phantom-1/{action}", headers=SAME_SITE,
                    data={"amount_yuan": "50", "display_name": "x", "card_number": "20269999", "pin": "1234"})
    assert card_state(app) == ([], 0) and profile_rows(app) == []
    registered = client.post(f"{PAGE}/new", headers=SAME_SITE, follow_redirects=True,
                             data={"display_name": "赵阿姨", "phone": "138 0000 1111"})
    assert "食客已登记" in registered.text and "为赵阿姨开一张饭卡" in registered.text
    assert [(name, phone) for _, name, *_ignored, phone in profile_rows(app, with_phone=True)] == [
        ("赵阿姨", "13800001111")]


def profile_rows(app, with_phone=False):
    from linli.canteen.diners.models import DinerProfile

    with app.app_context():
        return [(p.diner_id, p.display_name, p.birth_date and p.birth_date.isoformat(), tuple(p.groups),
                 p.subsidy_eligible) + ((p.phone,) if with_phone else ()) for p in db.session.query(DinerProfile)]


def test_staff_set_the_diner_profile_on_the_page(app, client, tokens):
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    client.post(f"{PAGE}/grandpa-li/profile", headers=SAME_SITE, data={"display_name": "李老伯"})
    assert profile_rows(app) == []  # not a diner this canteen knows: the page makes no profile
    with app.test_request_context(method="POST"):
        from linli.canteen.diners.service import save_profile
        from linli.shared.auth import Identity

        save_profile(Identity("s", frozenset({"staff"}), frozenset({"north-bund"})), community_id="north-bund",
                     diner_id="grandpa-li", birth_date=None, groups=[], subsidy_eligible=False, display_name="李")
    saved = client.post(f"{PAGE}/grandpa-li/profile?lang=en", headers=SAME_SITE, follow_redirects=True, data={
        "display_name": "李老伯", "birth_date": "1950-06-01", "groups": ["elderly_alone", "vip"],
        "subsidy_eligible": "yes"})
    assert saved.status_code == 200 and "Profile saved." in saved.text and "¥8.00 per meal" in saved.text
    assert profile_rows(app) == [("grandpa-li", "李老伯", "1950-06-01", ("elderly_alone",), True)]
    bad = client.post(f"{PAGE}/grandpa-li/profile?lang=en", headers=SAME_SITE, follow_redirects=True,
                      data={"birth_date": "2999-01-01"})
    assert "Please enter the birth date as a date in the past." in bad.text
    assert profile_rows(app) == [("grandpa-li", "李老伯", "1950-06-01", ("elderly_alone",), True)]
    off = client.post(f"{PAGE}/grandpa-li/profile?lang=en", headers=SAME_SITE, follow_redirects=True,
                      data={"display_name": "李老伯", "birth_date": "1950-06-01"})
    assert "No meal subsidy" in off.text
    assert profile_rows(app) == [("grandpa-li", "李老伯", "1950-06-01", (), False)]


def test_a_double_submitted_top_up_is_booked_once(app, client, tokens):
    import re

    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    client.post(f"{PAGE}/new", headers=SAME_SITE, data={"display_name": "王阿婆"})
    with app.app_context():
        from linli.canteen.diners.models import DinerProfile

        diner = db.session.query(DinerProfile).one().diner_id
    client.post(f"{PAGE}/{diner}/open", headers=SAME_SITE)
    page = client.get(f"{PAGE}?diner_id={diner}").text
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    for _ in range(2):  # the counter clicked twice
        response = client.post(f"{PAGE}/{diner}/top-ups", headers=SAME_SITE,
                               data={"amount_yuan": "30", "form_token": token})
        assert response.status_code == 303
    assert card_state(app) == ([(diner, 3000)], 1)
    fresh = re.search(r'name="form_token" value="([0-9a-f]+)"', client.get(f"{PAGE}?diner_id={diner}").text)
    assert fresh.group(1) != token
    client.post(f"{PAGE}/{diner}/top-ups", headers=SAME_SITE, data={"amount_yuan": "30", "form_token": fresh.group(1)})
    assert card_state(app) == ([(diner, 6000)], 2)


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "0.001", "999999"])
def test_bad_top_ups_change_nothing(app, client, tokens, amount):
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    response = client.post(f"{PAGE}/grandma-wang/top-ups?lang=en", data={"amount_yuan": amount}, headers=SAME_SITE,
                           follow_redirects=True)
    assert response.status_code == 200 and "Enter an amount between 0.01 and 5000 yuan." in response.text
    assert card_state(app) == ([], 0)


def test_only_staff_of_the_community_from_our_own_pages(app, client, tokens):
    client.set_cookie("linli_token", tokens("diner", sub="grandma-wang"))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/grandma-wang/top-ups", data={"amount_yuan": "50"}, headers=SAME_SITE).status_code == 403
    client.set_cookie("linli_token", tokens("staff", communities=["fenglin-huiyuan"]))
    assert client.get(PAGE).status_code == 403
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    cross = client.post(f"{PAGE}/grandma-wang/top-ups?lang=en", data={"amount_yuan": "50"},
                        headers={"Origin": "https://evil.example"}, follow_redirects=True)
    assert "Please use the buttons on this page." in cross.text
    assert card_state(app) == ([], 0)


@pytest.mark.browser
@pytest.mark.engines("sqlite")
def test_meal_card_page_in_chromium(app, engine, tokens, live_server, browser, artifacts_dir):
    from linli.canteen.diners.demo import seed_demo
    from linli.shared.testing.browser import axe_violations

    seed_demo(app)
    with app.test_request_context(method="POST"):
        from linli.canteen.diners.service import save_profile
        from linli.shared.auth import Identity

        save_profile(Identity("s", frozenset({"staff"}), frozenset({"north-bund"})), community_id="north-bund",
                     diner_id="d-zhao", birth_date=None, groups=[], subsidy_eligible=False, display_name="赵阿姨")
    server = live_server(app, workers=1, threads=4)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="counter-1"), "url": server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{server.url}{PAGE}")
        search = page.get_by_label("卡号、电话或姓名")
        search.fill("20269999")  # nobody has this card number: nobody is shown, nothing can be loaded
        page.get_by_role("button", name="查找").click()
        page.get_by_text("没有找到“20269999”").wait_for()
        assert page.get_by_label("充值（元）").count() == 0
        page.screenshot(path=str(artifacts_dir / "canteen-meal-card-not-found-zh.png"), full_page=True)
        page.get_by_label("卡号、电话或姓名").fill("阿")  # two diners' names: a list to pick from
        page.get_by_role("button", name="查找").click()
        page.get_by_role("heading", name="找到 2 位食客，请选一位").wait_for()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-meal-card-pick-zh.png"), full_page=True)
        page.get_by_label("卡号、电话或姓名").fill("20260001")  # 吴阿姨's kiosk card number
        page.get_by_role("button", name="查找").click()
        page.get_by_role("heading", name="吴阿姨").wait_for()
        assert page.locator("#balance").inner_text() == "¥100.00"
        page.get_by_label("充值（元）").fill("20")
        page.get_by_role("button", name="充值到饭卡").click()
        page.get_by_text("已充值到饭卡。").wait_for()
        assert page.locator("#balance").inner_text() == "¥120.00"
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-meal-card-zh.png"), full_page=True)
        page.goto(f"{server.url}{PAGE}?diner_id=demo-nb-elder-wu&lang=en")
        page.get_by_role("heading", name="Ledger").wait_for()
        assert "Meal subsidy: ¥8.00 per meal, 1 left today" in page.content()
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "canteen-meal-card-en.png"), full_page=True)
    finally:
        context.close()
    assert card_state(app)[0][2] == ("demo-nb-elder-wu", 12000)
