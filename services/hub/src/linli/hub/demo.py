"""Demo data of accounts, people, teams, rooms and rounds for both communities (safe to run twice).

Every demo account has the password ``linli-demo``; the seed prints the usernames.
"""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import Flask

from linli.hub.accounts import service as accounts
from linli.hub.accounts.models import Account
from linli.hub.bookings import service as bookings
from linli.hub.extensions import db
from linli.hub.people import service as people
from linli.hub.rooms import service as rooms
from linli.hub.rounds import service as rounds
from linli.hub.rounds.models import BookingRound
from linli.hub.teams import service as teams
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.seeding import seeding

PASSWORD = "linli-demo"
NB, HY = "north-bund", "fenglin-huiyuan"
EVENING = (dt.time(18, 30), dt.time(20, 30))  # Huiyuan's Friday-evening round slots

# username, display name, kind, roles, communities
ACCOUNTS = [
    ("admin", "系统管理员", "staff", ["admin"], ["*"]),
    ("nb.manager", "北外滩 主任", "staff", ["manager", "staff"], [NB]),
    ("nb.staff", "北外滩 居委干部 周", "staff", ["staff"], [NB]),
    ("nb.volunteer1", "王老师", "volunteer", ["volunteer", "diner"], [NB]),
    ("nb.volunteer2", "陈师傅", "volunteer", ["volunteer", "diner"], [NB]),
    ("nb.volunteer3", "李阿姨", "volunteer", ["volunteer", "diner"], [NB]),
    ("nb.volunteer4", "赵先生", "volunteer", ["volunteer", "diner"], [NB]),
    ("nb.resident", "吴阿姨", "resident", ["diner"], [NB]),
    ("hy.manager", "汇园 主任", "staff", ["manager", "staff"], [HY]),
    ("hy.staff", "汇园 居委干部 李", "staff", ["staff"], [HY]),
    ("hy.volunteer", "汇园 志愿者 孙", "volunteer", ["volunteer", "diner"], [HY]),
]
# rooms: name_zh, name_en, kind, capacity, equipment, needs approval
ROOMS = {
    NB: [("多功能室", "Multi-purpose room", "multi_purpose", 60, ["投影仪", "音响"], True),
         ("活动室", "Activity room", "activity", 30, ["钢琴"], False),
         ("谈心室", "Talk room", "talk", 4, [], False)],
    HY: [("活动室", "Activity room", "activity", 30, ["音响", "镜墙"], False),
         ("多功能室", "Multi-purpose room", "multi_purpose", 50, ["投影仪", "音响"], False),
         ("谈心室", "Talk room", "talk", 4, [], False),
         ("亲子活动室", "Parent–child room", "parent_child", 16, ["绘本", "软垫"], False),
         ("为老服务活动室", "Elderly-service room", "elderly_service", 20, ["血压计", "助浴椅"], True)],
}
HY_TEAMS = [("葫芦丝乐队", "Hulusi band"), ("戏曲班", "Opera class"), ("书法班", "Calligraphy class"),
            ("合唱团", "Choir"), ("舞蹈队", "Dance team"), ("太极拳队", "Tai chi team"), ("编织组", "Knitting group"),
            ("摄影社", "Photography club"), ("读书会", "Reading club"), ("手工坊", "Crafts workshop"),
            ("乒乓球队", "Table tennis team"), ("沪剧社", "Shanghai opera club")]
NB_TEAMS = [("合唱团", "Choir"), ("太极拳队", "Tai chi team")]
# community, compound, building, unit, room, residents (name, gender, birth, languages, groups)
HOUSEHOLDS = [
    (NB, "瑞虹新城", "3", "2", "601", [("赵阿婆", "f", dt.date(1938, 5, 1), ["zh", "shanghainese"], ["elderly_alone"])]),
    (NB, "瑞虹新城", "5", "1", "102", [("Tom Baker", "m", dt.date(1985, 3, 2), ["en"], ["foreign"]),
                                       ("Lin Baker", "f", dt.date(1987, 7, 9), ["en", "zh"], [])]),
    (NB, "提篮桥小区", "12", "", "203", [("钱伯伯", "m", dt.date(1950, 10, 11), ["zh"], ["disabled"]),
                                         ("钱阿姨", "f", dt.date(1953, 1, 20), ["zh", "shanghainese"], [])]),
    (HY, "汇园小区", "7", "1", "401", [("孙奶奶", "f", dt.date(1942, 2, 14), ["zh", "shanghainese"], ["elderly_alone"])]),
    (HY, "汇园小区", "9", "2", "101", [("周先生", "m", dt.date(1966, 8, 8), ["zh"], ["disabled"])]),
]


def seed_demo_core(app: Flask) -> None:
    """Accounts, rooms, teams, households and rounds, in one transaction (all or nothing)."""
    with seeding(app):
        if db.session.scalar(sa.select(Account.id).where(Account.username == "hy.staff")) is not None:
            click.echo("hub: accounts, people, teams and rooms already seeded")
        else:
            _seed()
        if db.session.scalar(sa.select(BookingRound.id).limit(1)) is None:
            _rounds()  # also mends a database seeded half by an older, non-atomic seed
            _this_week()
        _print_accounts()


def _seed() -> None:
    for username, name, kind, roles, communities in ACCOUNTS:
        accounts.create_account(None, username=username, password=PASSWORD, display_name=name, kind=kind,
                                roles=roles, communities=communities)
    for community_id, specs in ROOMS.items():
        for name_zh, name_en, kind, capacity, equipment, approval in specs:
            rooms.create_room(None, community_id=community_id, name_zh=name_zh, name_en=name_en, kind=kind,
                              capacity=capacity, equipment=equipment, requires_approval=approval,
                              opens_at=dt.time(8), closes_at=dt.time(21))
    for community_id, prefix, team_names in ((HY, "hy.lead", HY_TEAMS), (NB, "nb.lead", NB_TEAMS)):
        for number, (name_zh, name_en) in enumerate(team_names, start=1):
            lead = accounts.create_account(None, username=f"{prefix}{number:02d}", password=PASSWORD,
                                           display_name=f"{name_zh}队长", kind="team_lead",
                                           roles=["team_lead", "diner"], communities=[community_id])
            team = teams.create_team(None, community_id=community_id, name_zh=name_zh, name_en=name_en,
                                     lead_account_id=lead.id)
            teams.add_member(None, team.id, name=lead.display_name, account_id=lead.id)
    for community_id, compound, building, unit, room, residents in HOUSEHOLDS:
        household = people.create_household(None, community_id=community_id, compound=compound, building=building,
                                            unit=unit, room=room)
        for name, gender, birth, languages, groups in residents:
            people.add_resident(None, household.id, name=name, gender=gender, birth_date=birth,
                                languages=languages, groups=groups)


def round_dates(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The open round's Friday and its close, derived from ``now``: the first Friday at least two days
    ahead, closing the evening before its slots (so it is open now and closes before its first slot
    at any moment of the week)."""
    today = now.astimezone(LOCAL_TZ).date()
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7)
    if (friday - today).days < 2:
        friday += dt.timedelta(weeks=1)
    first_slot = dt.datetime.combine(friday, EVENING[0], tzinfo=LOCAL_TZ)
    return friday, first_slot - dt.timedelta(days=1)


def _rounds() -> None:
    """Huiyuan: an open round (the Friday evening at least two days ahead) and a decided one (the Friday
    after), both 18:30–20:30; North Bund: a decided Saturday-morning round the day after the open
    Friday, decided by its own queue (plugin north_bund_room_queue). Every date comes from the moment
    of seeding, so the demo seeds on any day at any hour."""
    room_ids = [r.id for r in rooms.list_rooms(HY) if r.name_zh in ("活动室", "多功能室")]
    hy_teams = teams.list_teams(HY)
    staff = Identity("demo-seed", frozenset({"staff"}), frozenset({HY}))
    now = utcnow()
    friday, open_closes = round_dates(now)

    def evening(day: dt.date) -> list[rounds.SlotSpec]:
        return rounds.weekly_slots(room_ids, first_day=day, weeks=1, start=EVENING[0], end=EVENING[1], tz=LOCAL_TZ)

    later = friday + dt.timedelta(weeks=1)
    decided = rounds.create_round(None, community_id=HY, title=f"{later.month}月{later.day}日周五晚上", seed=2026,
                                  closes_at=now + dt.timedelta(minutes=1), slots=evening(later))
    for index, team in enumerate(hy_teams):
        ranked = [s.id for s in decided.slots][:: 1 if index % 2 else -1]
        rounds.submit_requests(staff, decided.id, team_id=team.id, slot_ids=ranked, now=now)
    rounds.close_round(staff, decided.id, now=now)
    open_round = rounds.create_round(None, community_id=HY, title=f"{friday.month}月{friday.day}日周五晚上", seed=2027,
                                     closes_at=open_closes, slots=evening(friday))
    for team in hy_teams[2:8]:
        rounds.submit_requests(staff, open_round.id, team_id=team.id, slot_ids=[s.id for s in open_round.slots],
                               now=now)
    nb_staff = Identity("demo-seed", frozenset({"staff"}), frozenset({NB}))
    saturday = friday + dt.timedelta(days=1)
    nb_round = rounds.create_round(
        None, community_id=NB, title=f"{saturday.month}月{saturday.day}日周六上午", seed=2026, closes_at=now + dt.timedelta(minutes=1),
        slots=rounds.weekly_slots([r.id for r in rooms.list_rooms(NB)][:1], first_day=saturday, weeks=1,
                                  start=dt.time(9), end=dt.time(11), tz=LOCAL_TZ))
    for team in teams.list_teams(NB):
        rounds.submit_requests(nb_staff, nb_round.id, team_id=team.id, slot_ids=[s.id for s in nb_round.slots],
                               now=now)
    rounds.close_round(nb_staff, nb_round.id, now=now)


def _this_week() -> None:
    """Each team's afternoon in a room this week, Monday to Sunday, 14:00–16:00 (a time no round offers),
    so the room pages and the dashboard's week have bookings on the days already past as well."""
    today = local_today()
    monday = today - dt.timedelta(days=today.weekday())
    for community_id in (HY, NB):
        staff = Identity("demo-seed", frozenset({"staff"}), frozenset({community_id}))
        open_rooms = [r for r in rooms.list_rooms(community_id) if not r.requires_approval]
        for index, team in enumerate(teams.list_teams(community_id)):
            starts_at = dt.datetime.combine(monday + dt.timedelta(days=index % 7), dt.time(14), tzinfo=LOCAL_TZ)
            bookings.create_booking(staff, room_id=open_rooms[index // 7 % len(open_rooms)].id, starts_at=starts_at,
                                    ends_at=starts_at + dt.timedelta(hours=2), title=team.name_zh, team_id=team.id)


def _print_accounts() -> None:
    names = [a for a in db.session.scalars(sa.select(Account.username).order_by(Account.id))]
    click.echo(f"hub demo accounts (password for all: {PASSWORD}):")
    click.echo("  " + ", ".join(names))
    click.echo("  team leads of Fenglin Huiyuan: hy.lead01 (葫芦丝乐队) … hy.lead12; staff: hy.staff, nb.staff; "
               "admin: admin")
