"""Test helpers of the hub (rooms, bookings, rounds): a small world of accounts, rooms and teams."""

from __future__ import annotations

import datetime as dt

from linli.hub.accounts import service as accounts
from linli.hub.people import service as people
from linli.hub.rooms import service as rooms
from linli.hub.teams import service as teams
from linli.shared.localtime import LOCAL_TZ

SHANGHAI = LOCAL_TZ  # the committee's zone, under the name the tests use


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def make_world(app, community_id: str = "fenglin-huiyuan") -> dict:
    """Two rooms, a team lead with a team, a staff account, in one community; a room elsewhere."""
    with app.app_context():
        lead = accounts.create_account(None, username="lead.hulusi", password="linli-demo", display_name="张队长",
                                       kind="team_lead", roles=["team_lead"], communities=[community_id])
        other_lead = accounts.create_account(None, username="lead.opera", password="linli-demo",
                                             display_name="陈队长", kind="team_lead", roles=["team_lead"],
                                             communities=[community_id])
        staff = accounts.create_account(None, username="staff.li", password="linli-demo", display_name="李干部",
                                        kind="staff", roles=["staff"], communities=[community_id])
        activity = rooms.create_room(None, community_id=community_id, name_zh="活动室", name_en="Activity room",
                                     kind="activity", capacity=30, opens_at=dt.time(8), closes_at=dt.time(21))
        multi = rooms.create_room(None, community_id=community_id, name_zh="多功能室", name_en="Multi-purpose room",
                                  kind="multi_purpose", capacity=50, requires_approval=True)
        elsewhere = rooms.create_room(None, community_id="north-bund", name_zh="北外滩活动室", kind="activity",
                                      capacity=20)
        hulusi = teams.create_team(None, community_id=community_id, name_zh="葫芦丝乐队", name_en="Hulusi band",
                                   lead_account_id=lead.id)
        opera = teams.create_team(None, community_id=community_id, name_zh="戏曲班", name_en="Opera class",
                                  lead_account_id=other_lead.id)
        return {"lead": lead.id, "other_lead": other_lead.id, "staff": staff.id, "room": activity.id,
                "approval_room": multi.id, "elsewhere": elsewhere.id, "team": hulusi.id, "other_team": opera.id,
                "community": community_id}


def make_households(app, community_id: str = "north-bund") -> dict:
    """A household with an elder living alone (a special group: its reads are audited) and an
    ordinary one."""
    with app.app_context():
        special = people.create_household(None, community_id=community_id, compound="瑞虹新城", building="3",
                                          unit="2", room="601")
        people.add_resident(None, special.id, name="赵阿婆", gender="f", birth_date=dt.date(1938, 5, 1),
                            languages=["zh", "shanghainese"], groups=["elderly_alone"])
        ordinary = people.create_household(None, community_id=community_id, compound="瑞虹新城", building="5",
                                           room="102")
        people.add_resident(None, ordinary.id, name="Tom Baker", birth_date=dt.date(1990, 1, 1), languages=["en"])
        return {"special": special.id, "ordinary": ordinary.id}
