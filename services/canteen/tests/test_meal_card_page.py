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
def test_staff_load_money_and_see_the_ledger(app, client, tokens, lang):
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
    client.put("/api/diners/grandma-wang", json={"community_id": "north-bund", "birth_date": "1941-03-02",
                                                   "groups": ["elderly_alone"], "subsidy_eligible": True,
                                                   "display_name": "王阿婆"},
               headers={"Authorization": f"Bearer {tokens('staff', sub='counter-1')}"})
    empty = client.get(f"{PAGE}?diner_id=grandma-wang&lang={lang}")
    assert empty.status_code == 200 and "王阿婆" in empty.text and "¥0.00" in empty.text
    loaded = client.post(f"{PAGE}/grandma-wang/top-ups?lang={lang}", data={"amount_yuan": "50.5"}, headers=SAME_SITE,
                         follow_redirects=True)
    assert loaded.status_code == 200 and "¥50.50" in loaded.text
    assert ("Money loaded onto the meal card." if lang == "en" else "已充值到饭卡。") in loaded.text
    assert ("Meal subsidy" if lang == "en" else "助餐补贴") in loaded.text and "¥8.00" in loaded.text
    assert card_state(app) == ([("grandma-wang", 5050)], 1)


def profile_rows(app):
    from linli.canteen.diners.models import DinerProfile

    with app.app_context():
        return [(p.diner_id, p.display_name, p.birth_date and p.birth_date.isoformat(), tuple(p.groups),
                 p.subsidy_eligible) for p in db.session.query(DinerProfile)]


def test_staff_set_the_diner_profile_on_the_page(app, client, tokens):
    client.set_cookie("linli_token", tokens("staff", sub="counter-1"))
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
    page = client.get(f"{PAGE}?diner_id=grandma-wang").text
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    for _ in range(2):  # the counter clicked twice
        response = client.post(f"{PAGE}/grandma-wang/top-ups", headers=SAME_SITE,
                               data={"amount_yuan": "30", "form_token": token})
        assert response.status_code == 303
    assert card_state(app) == ([("grandma-wang", 3000)], 1)
    fresh = re.search(r'name="form_token" value="([0-9a-f]+)"', client.get(f"{PAGE}?diner_id=grandma-wang").text)
    assert fresh.group(1) != token
    client.post(f"{PAGE}/grandma-wang/top-ups", headers=SAME_SITE, data={"amount_yuan": "30", "form_token": fresh.group(1)})
    assert card_state(app) == ([("grandma-wang", 6000)], 2)


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
    server = live_server(app, workers=1, threads=4)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": "linli_token", "value": tokens("staff", sub="counter-1"), "url": server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{server.url}{PAGE}")
        page.get_by_label("食客账号").fill("demo-nb-elder-wu")
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
