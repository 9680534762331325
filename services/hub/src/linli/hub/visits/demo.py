"""Demo data of the duty roster and the visit diary, sized like the Fenglin article (seed 003):
徐家汇花园 has 1,208 households; 6 staff "contract" 200+ each; ordinary households are visited once
or twice a year, special groups (elders living alone, the disabled) several times a week.

Every date comes from the moment of seeding (``now``): the visits lie behind it, the roster covers
this week and the next, one staff member is on leave today (so the board shows B covering), so
the demo is right whatever day and hour it is seeded. Safe to run twice; all or nothing.
"""

from __future__ import annotations

import datetime as dt
import random

import click
import sqlalchemy as sa
from flask import Flask, current_app

from linli.hub.accounts import service as accounts
from linli.hub.accounts.models import Account
from linli.hub.extensions import db
from linli.hub.people.models import SPECIAL_GROUPS, Household, Resident, ResidentGroup
from linli.hub.roster import service as roster
from linli.hub.roster.models import Absence, StaffMember
from linli.hub.visits import service as visit_service
from linli.hub.visits.models import NEEDS, HouseholdAssignment, Visit
from linli.hub.visits.rules import HouseholdProfile
from linli.shared.db import utcnow
from linli.shared.seeding import seeding
from linli.shared.state import service_state

HY, NB = "fenglin-huiyuan", "north-bund"
PASSWORD = "linli-demo"
COMPOUND = "徐家汇花园"
HOUSEHOLDS = 1208
# username, account display name (the first two exist from the accounts seed), name on the roster
HY_STAFF = [("hy.manager", None, "黄主任"), ("hy.staff", None, "李敏"), ("hy.staff2", "汇园 居委干部 王", "王芳"),
            ("hy.staff3", "汇园 居委干部 张", "张伟"), ("hy.staff4", "汇园 居委干部 陈", "陈静"),
            ("hy.staff5", "汇园 居委干部 刘", "刘洋")]
# code, zh, en, A index, B index into HY_STAFF
LINES = [("elderly", "为老服务", "Elderly services", 1, 2), ("civil", "民政救助", "Civil affairs", 2, 3),
         ("sanitation", "环境卫生", "Sanitation", 3, 4), ("security", "综合治理", "Safety and order", 4, 5),
         ("social", "社保就业", "Social security", 5, 1), ("culture", "文体活动", "Culture and sports", 0, 4)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈"
GIVEN = ["建国", "秀英", "桂英", "玉兰", "志强", "海燕", "丽华", "国庆", "文杰", "美华", "德明", "雪芳", "宏伟", "静", "磊"]
FINDINGS = ["身体状况良好，精神不错", "血压偏高，已提醒按时服药", "家中整洁，子女每周来看望", "反映楼道灯不亮",
            "想报名社区书法班", "询问敬老卡申领", "独自在家，情绪低落，陪聊半小时", "厨房燃气软管老化，提醒更换",
            "腿脚不便，希望有人帮忙买菜", "咨询长护险评估"]
PROBLEMS = [("3号楼楼道灯不亮", "facilities", "3号楼2单元4楼楼道灯坏了一周，老人晚上下楼不安全"),
            ("燃气软管老化", "safety", "独居老人家中燃气软管老化开裂，需物业协助更换"),
            ("楼下噪音扰民", "neighbours", "楼下商铺夜间施工，影响老人休息")]


def seed_demo_visits(app: Flask, now: dt.datetime | None = None) -> None:
    with seeding(app):
        if db.session.scalar(sa.select(StaffMember.id).where(StaffMember.community_id == HY)) is not None:
            click.echo("hub: roster and visit diary already seeded")
            return
        now = now or utcnow()
        staff = _staff()
        _roster(staff, now)
        _households_and_visits(staff, now)
        _north_bund(now)
        households = db.session.scalar(sa.select(sa.func.count()).select_from(Household).where(
            Household.community_id == HY))
        click.echo(f"hub: roster of {len(staff)} staff and a visit diary of {households} households in {COMPOUND}; "
                   "staff accounts hy.staff2–hy.staff5")


def _staff() -> list[StaffMember]:
    members = []
    for username, name, short in HY_STAFF:
        account = db.session.scalars(sa.select(Account).where(Account.username == username)).first()
        if account is None:
            account = accounts.create_account(None, username=username, password=PASSWORD, display_name=str(name),
                                              kind="staff", roles=["staff"], communities=[HY])
        members.append(roster.add_staff(None, community_id=HY, display_name=short, account_id=account.subject))
    return members


def _roster(staff: list[StaffMember], now: dt.datetime) -> None:
    for code, zh, en, a, b in LINES:
        roster.create_line(None, community_id=HY, code=code, name_zh=zh, name_en=en, a_staff_id=staff[a].id,
                           b_staff_id=staff[b].id)
    monday = roster.monday_of(roster.local_today(now))
    for week in (monday, monday + dt.timedelta(days=7)):
        roster.generate_week(None, HY, week)
    today = roster.local_today(now)
    # the elderly line's A is on leave today and tomorrow: B covers; sanitation's A is at training on day 3
    db.session.add(Absence(community_id=HY, staff_id=staff[1].id, starts_on=today,
                           ends_on=today + dt.timedelta(days=1), kind="leave", note="年假", created_by="demo-seed"))
    db.session.add(Absence(community_id=HY, staff_id=staff[3].id, starts_on=today + dt.timedelta(days=2),
                           ends_on=today + dt.timedelta(days=2), kind="training", note="街道业务培训",
                           created_by="demo-seed"))
    db.session.commit()


def _households_and_visits(staff: list[StaffMember], now: dt.datetime) -> None:
    rng = random.Random(1208)
    today = roster.local_today(now)
    existing = list(db.session.scalars(sa.select(Household).where(Household.community_id == HY)))
    size = int(current_app.config.get("LINLI_DEMO_HOUSEHOLDS", HOUSEHOLDS))  # tests may ask for fewer
    households = [Household(community_id=HY, compound=COMPOUND, building=str(n // 48 + 1),
                            unit=str((n % 48) // 16 + 1), room=f"{(n % 16) // 2 + 1}0{n % 2 + 1}")
                  for n in range(max(size - len(existing), 0))]
    db.session.add_all(households)
    db.session.flush()
    residents, groups_of = [], {}
    for index, household in enumerate(households):
        roll = rng.random()
        if roll < 0.04:  # an elder living alone
            groups, ages = ["elderly_alone"], [rng.randint(72, 95)]
        elif roll < 0.065:
            groups, ages = ["disabled"], [rng.randint(30, 80), rng.randint(30, 80)]
        else:
            groups = ["low_income"] if roll > 0.975 else []
            ages = [rng.randint(25, 92) for _ in range(rng.choice((1, 2, 2, 3)))]
        groups_of[household.id] = (groups, ages)
        for number, age in enumerate(ages):
            residents.append({"household_id": household.id, "community_id": HY, "languages": ["zh"], "note": "",
                              "name": rng.choice(SURNAMES) + rng.choice(GIVEN), "gender": rng.choice("fm"),
                              "birth_date": dt.date(today.year - age, 1 + (index + number) % 12, 1 + index % 28),
                              "created_at": now})
    result = db.session.execute(sa.insert(Resident).returning(Resident.id, Resident.household_id,
                                                              sort_by_parameter_order=True), residents)
    group_rows = []
    first_resident: dict[int, int] = {}
    for resident_id, household_id in result:
        if household_id not in first_resident:
            first_resident[household_id] = resident_id
            group_rows += [{"resident_id": resident_id, "group": g} for g in groups_of[household_id][0]]
    if group_rows:
        db.session.execute(sa.insert(ResidentGroup), group_rows)
    for household in existing:  # the two households of the accounts seed
        residents_here = list(db.session.scalars(sa.select(Resident).where(Resident.household_id == household.id)))
        groups_of[household.id] = (sorted({g for r in residents_here for g in r.groups}),
                                   [today.year - r.birth_date.year for r in residents_here if r.birth_date])
    _visits(staff, [*existing, *households], groups_of, today, now, rng)


def _visits(staff: list[StaffMember], households: list[Household], groups_of: dict, today: dt.date,
            now: dt.datetime, rng: random.Random) -> None:
    community = service_state().communities.require(HY)
    hooks = service_state().hooks_for(community)
    special_ids = [h.id for h in households if set(groups_of[h.id][0]) & SPECIAL_GROUPS]
    ordinary_ids = [h.id for h in households if h.id not in set(special_ids)]
    owner = {hid: staff[i % len(staff)].id for i, hid in enumerate(special_ids)}
    owner.update({hid: staff[(i + len(special_ids)) % len(staff)].id for i, hid in enumerate(ordinary_ids)})
    visits, plans, problems = [], [], 0
    for household in households:
        groups, ages = groups_of[household.id]
        rule = hooks.visit_frequency(community=community, household=HouseholdProfile(
            id=household.id, community_id=HY, groups=frozenset(groups), ages=tuple(sorted(ages))))
        special = bool(set(groups) & SPECIAL_GROUPS)
        days: list[dt.date] = []
        if special:  # the last five weeks at the rule's pace; one in six has fallen behind lately
            behind = rng.random() < 1 / 6
            day = today - dt.timedelta(days=35)
            while day < today - dt.timedelta(days=rule.interval_days * 2 if behind else 0):
                days.append(day)
                day += dt.timedelta(days=rule.interval_days + rng.choice((0, 0, 1)) - (1 if rule.interval_days > 2 else 0))
            if not behind and rng.random() < 0.5:
                days.append(today - dt.timedelta(days=rng.randint(0, 1)))
        elif rng.random() > 0.03:  # ordinary: at about their pace (some overdue), 3% never visited
            days.append(today - dt.timedelta(days=rng.randint(0, int(rule.interval_days * 1.08))))
            if rng.random() < 0.3:
                days.append(today - dt.timedelta(days=rng.randint(396, 700)))
        days = sorted(d for d in set(days) if d <= today)
        for day in days:
            needs = [rng.choice(list(NEEDS))] if special and rng.random() < 0.2 else []
            visit = {"community_id": HY, "household_id": household.id, "staff_id": owner[household.id],
                     "visited_on": day, "kind": rng.choice(("door", "door", "phone", "hub")), "needs": needs,
                     "findings": rng.choice(FINDINGS), "recorded_by": "demo-seed", "created_at": now}
            if special and problems < len(PROBLEMS) and day >= today - dt.timedelta(days=13) and rng.random() < 0.2:
                title, category, _ = PROBLEMS[problems]
                visit.update(problem_title=title, problem_category=category, problem_raised_at=now,
                             case_state="sent", findings=PROBLEMS[problems][2])
                problems += 1
            visits.append(visit)
        last = days[-1] if days else None
        plans.append({"household_id": household.id, "community_id": HY, "staff_id": owner[household.id],
                      "assigned_at": now, "interval_days": rule.interval_days, "rule": rule.label[:64],
                      "special": special, "last_visited_on": last,
                      "due_on": last + dt.timedelta(days=rule.interval_days) if last else None})
    db.session.execute(sa.insert(HouseholdAssignment), plans)
    for visit in visits:  # every key in every row, as one executemany wants
        visit.setdefault("problem_title", None)
        visit.setdefault("problem_category", None)
        visit.setdefault("problem_raised_at", None)
        visit.setdefault("case_state", None)
        visit.setdefault("problem_event_id", None)
    db.session.execute(sa.insert(Visit), visits)
    db.session.commit()


def _north_bund(now: dt.datetime) -> None:
    """North Bund: its manager and staff member on the roster, one line, their three households."""
    members = []
    for username in ("nb.manager", "nb.staff"):
        account = db.session.scalars(sa.select(Account).where(Account.username == username)).first()
        if account is None:
            return
        members.append(roster.add_staff(None, community_id=NB, display_name=account.display_name,
                                        account_id=account.subject))
    roster.create_line(None, community_id=NB, code="elderly", name_zh="为老服务", name_en="Elderly services",
                       a_staff_id=members[1].id, b_staff_id=members[0].id)
    visit_service.balance(None, community_id=NB, now=now)
