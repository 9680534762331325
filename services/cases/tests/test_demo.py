"""The cases demo: seeded through the domain functions, twice is once, and its pages answer."""

import sqlalchemy as sa

from linli.cases.casework.models import Case
from linli.shared.seeding import seed_demo


def test_demo_seeds_once_and_shows(app, tokens):
    seed_demo(app)
    seed_demo(app)
    with app.app_context():
        states = sorted(app.extensions["linli"].db.session.scalars(sa.select(Case.state)))
    assert states == ["closed", "consultation", "parties_invited", "reported", "reported", "taken_up"]
    client = app.test_client()
    client.set_cookie("linli_token", tokens("staff", communities=["north-bund", "fenglin-huiyuan"]))
    for url in ("/staff/cases/north-bund", "/staff/cases/north-bund/1", "/staff/clearance/north-bund",
                "/staff/clearance/fenglin-huiyuan", "/polls/north-bund/1", "/catalogue/fenglin-huiyuan",
                "/appointments/north-bund/book/senior-card"):
        assert client.get(url).status_code == 200, url
    board = client.get("/staff/clearance/north-bund?lang=en").get_data(as_text=True)
    assert "提篮桥小区物业服务不到位" in board and "Resolution" in board  # its next milestone
