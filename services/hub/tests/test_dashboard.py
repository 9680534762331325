"""The hub's summary API (its figures are the roster board's and the visits overview's), the committee
dashboard with no other service reachable (their tiles say unavailable, no 500), the subdistrict
view, and the weekly digest: printable, and sent by email to a real SMTP server (aiosmtpd on loopback)."""

import datetime as dt
import email
import email.policy
import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from linli.hub.accounts.models import Account
from linli.hub.activities.demo import seed_demo_activities
from linli.hub.demo import seed_demo_core
from linli.hub.extensions import db
from linli.hub.visits.demo import seed_demo_visits
from linli.shared.localtime import local_today

HY, NB = "fenglin-huiyuan", "north-bund"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def demo(app):
    seed_demo_core(app)
    seed_demo_activities(app)
    seed_demo_visits(app)
    with app.app_context():
        return db.session.scalar(sa.select(Account).where(Account.username == "hy.manager")).subject


def test_summary_equals_the_roster_board_and_the_visits_overview(app, client, auth, demo):
    manager = auth("staff", "manager", communities=[HY], sub=demo)
    today = local_today()
    monday = today - dt.timedelta(days=today.weekday())
    answer = client.get(f"/api/summary?community_id={HY}&date_from={monday}&date_to={today}", headers=manager)
    assert answer.status_code == 200, answer.json
    summary = answer.json
    overview = client.get(f"/api/visits/overview?community_id={HY}", headers=manager).json
    for key in ("households", "overdue", "overdue_special", "due_today", "due_this_week", "never"):
        assert summary["visits"][key] == sum(row[key] for row in overview), key
    assert summary["visits"]["households"] > 1000
    board = client.get(f"/api/roster/board?community_id={HY}&day={today}", headers=manager).json
    assert summary["roster"]["flags"] == board["flags"]
    assert [[s["name"] for s in p["at_desk"]] for p in summary["roster"]["periods"]] == \
        [[s["name"] for s in p["desk"]] for p in board["periods"]]
    assert [[o["name"] for o in p["out"]] for p in summary["roster"]["periods"]] == \
        [[o["name"] for o in p["out"]] for p in board["periods"]]
    etag = answer.headers["ETag"]
    assert client.get(f"/api/summary?community_id={HY}&date_from={monday}&date_to={today}",
                      headers={**manager, "If-None-Match": etag}).status_code == 304

    staff = client.get(f"/api/summary?community_id={HY}", headers=auth("staff", communities=[HY])).json
    assert staff["visits"] is None  # the visits overview is the managers'
    assert client.get(f"/api/summary?community_id={HY}", headers=auth("staff", communities=[NB])).status_code == 403
    assert client.get(f"/api/summary?community_id={HY}", headers=auth("volunteer", communities=[HY])).status_code == 403
    assert client.get(f"/api/summary?community_id={HY}&date_to=2026-02-30", headers=manager).status_code == 422


def test_dashboard_with_the_other_services_down_shows_the_hub_and_says_unavailable(app, client, tokens, demo):
    app.config["LINLI_SERVICE_URLS"] = {"canteen": "http://127.0.0.1:9", "cases": "http://127.0.0.1:9"}
    client.set_cookie("linli_token", tokens("staff", "manager", communities=[HY, NB], sub=demo))
    page = client.get(f"/staff/dashboard?community={HY}&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count("Unavailable just now") == 2  # canteen and cases
    assert 'id="tile-desk"' in text and 'id="tile-visits"' in text and "Overdue" in text
    assert f"/staff/roster?community={HY}" in text and f"/staff/visits/overview?community={HY}" in text
    zh = client.get(f"/staff/dashboard?community={HY}&lang=zh_CN").get_data(as_text=True)
    assert "居委会驾驶舱" in zh and "暂时无法读取" in zh

    side = client.get("/staff/dashboard/subdistrict?lang=en")
    assert side.status_code == 200
    body = side.get_data(as_text=True)
    assert "Fenglin Huiyuan" in body and "North Bund" in body and "unavailable" in body
    assert client.get("/staff/dashboard?day=2026-02-30").status_code in (400, 422)


def test_dashboard_is_for_staff(client, tokens):
    assert client.get(f"/staff/dashboard?community={HY}").status_code == 401
    client.set_cookie("linli_token", tokens("volunteer", communities=[HY]))
    assert client.get(f"/staff/dashboard?community={HY}").status_code == 403
    assert client.get("/staff/dashboard/subdistrict").status_code == 403


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls handle_DATA by name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port (aiosmtpd checks its server by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def test_weekly_digest_prints_and_is_emailed(app, client, tokens, demo, smtp_server):
    inbox, url = smtp_server
    client.set_cookie("linli_token", tokens("staff", "manager", communities=[HY], sub=demo))
    page = client.get(f"/staff/dashboard/digest?community={HY}&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    last_monday = local_today() - dt.timedelta(days=local_today().weekday() + 7)
    assert "Weekly digest" in text and "No mail server is configured" in text
    refused = client.post(f"/staff/dashboard/digest?community={HY}&lang=en", data={"to": "a@example.org"},
                          headers=ORIGIN, follow_redirects=True)
    assert "No mail server is configured" in refused.get_data(as_text=True) and not inbox.messages

    app.config.update(LINLI_SMTP_URL=url, LINLI_DIGEST_FROM="committee@example.org")
    bad = client.post(f"/staff/dashboard/digest?community={HY}&lang=en", data={"to": "not an address"},
                      headers=ORIGIN, follow_redirects=True)
    assert "Not an email address" in bad.get_data(as_text=True) and not inbox.messages
    forged = client.post(f"/staff/dashboard/digest?community={HY}", data={"to": "a@example.org"})
    assert forged.status_code == 403 and not inbox.messages
    sent = client.post(f"/staff/dashboard/digest?community={HY}&lang=en",
                       data={"to": "director@example.org, b@example.org", "week": last_monday.isoformat()},
                       headers=ORIGIN, follow_redirects=True)
    assert "The digest was sent." in sent.get_data(as_text=True)
    ((rcpt, message),) = inbox.messages
    assert rcpt == ["director@example.org", "b@example.org"]
    assert message["From"] == "committee@example.org" and "Weekly digest" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content()
    assert "Household visits" in html and "Send the digest" not in html
    # a mail client fetches no stylesheet: the email carries the page's inline (the page links it)
    assert "<style>" in html and ".tiles {" in html and 'th[scope="row"]' in html and "dashboard.css" not in html
    assert "<style" not in text and "dashboard.css" in text
    assert "Households overdue for a visit" in plain and "Canteen: Unavailable" in plain
