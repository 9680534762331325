import pytest
import sqlalchemy as sa

from linli.hub.accounts.models import Account
from linli.hub.demo import PASSWORD, seed_demo_core
from linli.hub.extensions import db
from linli.hub.rooms.service import list_rooms
from linli.hub.rounds.models import BookingRound, RoundDecision
from linli.hub.teams.service import list_teams

pytestmark = pytest.mark.engines("sqlite")


def test_seed_demo_twice_and_sign_in(app, client, capsys):
    seed_demo_core(app)
    seed_demo_core(app)
    out = capsys.readouterr().out
    assert "hy.lead01" in out and PASSWORD in out
    with app.app_context():
        assert {r.name_zh for r in list_rooms("fenglin-huiyuan")} == {"活动室", "多功能室", "谈心室", "亲子活动室",
                                                                       "为老服务活动室"}
        assert len(list_rooms("north-bund")) == 3
        assert len(list_teams("fenglin-huiyuan")) == 12
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Account).where(
            Account.username == "hy.staff")) == 1
        by_community = sorted((r.community_id, r.status) for r in db.session.scalars(sa.select(BookingRound)))
        assert by_community == [("fenglin-huiyuan", "allocated"), ("fenglin-huiyuan", "open"),
                                ("north-bund", "allocated")]
        methods = {(community, detail["method"]) for community, detail in db.session.execute(
            sa.select(BookingRound.community_id, RoundDecision.detail).join(BookingRound))}
        assert methods == {("fenglin-huiyuan", "lottery"), ("north-bund", "queue")}  # North Bund's plugin decided
    token = client.post("/api/auth/token", json={"username": "hy.lead01", "password": PASSWORD})
    assert token.status_code == 200
