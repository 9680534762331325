"""Demo data of activities and volunteers: safe to run any number of times.

Accounts come from the accounts seed; volunteers are made for accounts holding the volunteer role
(or, when there are none yet, for placeholder subjects ``demo-volunteer-<n>``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Flask

from linli.hub.accounts.models import Account
from linli.hub.activities import service
from linli.hub.activities.models import Activity, ActivitySession, Registration
from linli.hub.extensions import db
from linli.hub.rooms.models import Room
from linli.hub.volunteers import service as volunteers
from linli.hub.volunteers.models import ShiftAssignment, Volunteer
from linli.shared.auth import Identity
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.seeding import seeding

TALENTS = [
    ("王老师", [{"title_zh": "书法老师", "title_en": "calligraphy teacher"}], ["calligraphy"]),
    ("陈师傅", [{"title_zh": "剪纸达人", "title_en": "paper-cutting artist"}], ["waste_sorting"]),
    ("李阿姨", [], ["waste_sorting", "first_aid"]),
    ("赵先生", [{"title_zh": "葫芦丝教员", "title_en": "hulusi tutor"}], ["waste_sorting"]),
]
# title_zh, title_en, kind, organiser kind, organiser, weekday, start, hours, capacity, weeks
ACTIVITIES: list[tuple[Any, ...]] = [
    ("戏曲班", "Opera class", "class", "team", "戏曲班", 1, "09:30", 2, 20, 4),
    ("葫芦丝乐队排练", "Hulusi band rehearsal", "rehearsal", "team", "葫芦丝乐队", 3, "14:00", 2, 15, 4),
    ("书法班", "Calligraphy class", "class", "volunteer", "王老师", 5, "09:00", 2, 3, 0),
    ("中国结编织", "Chinese knotting", "craft", "partner", "非遗工作室", 4, "14:30", 2, 12, 0),
]


def seed_demo_activities(app: Flask, community_id: str = "north-bund") -> None:
    with seeding(app):  # one write transaction: all or nothing
        staff = Identity("demo-seed", frozenset({"staff"}), frozenset({community_id}), name="seed")
        people = _volunteers(staff, community_id)
        _activities(staff, community_id)
        _waitlist(community_id)
        _shifts(community_id, people)


def _volunteers(staff: Identity, community_id: str) -> list[Volunteer]:
    accounts = [a for a in db.session.scalars(sa.select(Account).order_by(Account.id))
                if "volunteer" in (a.roles or []) and community_id in (a.communities or [])]
    subjects = [a.subject for a in accounts] or [f"demo-volunteer-{n}" for n in range(1, len(TALENTS) + 1)]
    made = []
    for index, (subject, (name, talents, skills)) in enumerate(zip(subjects, TALENTS, strict=False)):
        existing = db.session.scalars(sa.select(Volunteer).where(
            Volunteer.community_id == community_id, Volunteer.account_id == subject)).first()
        if existing is None:
            display = accounts[index].display_name if accounts else name
            existing = volunteers.save_profile(staff, community_id=community_id, account_id=subject,
                                               display_name=display, skills=skills, talents=talents,
                                               standby=index == len(TALENTS) - 1)
        made.append(existing)
    return made


def _monday() -> dt.date:
    today = local_today()
    return today - dt.timedelta(days=today.weekday())


def _activities(staff: Identity, community_id: str) -> None:
    room_id = db.session.scalar(sa.select(Room.id).where(Room.community_id == community_id).order_by(Room.id))
    for title_zh, title_en, kind, organiser_kind, organiser, weekday, start, hours, capacity, weeks in ACTIVITIES:
        if db.session.scalar(sa.select(Activity.id).where(Activity.community_id == community_id,
                                                          Activity.title_zh == title_zh)):
            continue
        day = _monday() + dt.timedelta(days=weekday + 7)  # next week, so the sessions are ahead
        starts_at = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=LOCAL_TZ).astimezone(dt.UTC)
        service.create_activity(staff, community_id=community_id, title_zh=title_zh, title_en=title_en, kind=kind,
                                organiser_kind=organiser_kind, organiser_name=organiser, capacity=capacity,
                                room_id=room_id, starts_at=starts_at,
                                ends_at=starts_at + dt.timedelta(hours=hours), repeat_weeks=weeks)


def _waitlist(community_id: str) -> None:
    """Five residents for the calligraphy class of three places: two wait."""
    session_id = db.session.scalar(
        sa.select(ActivitySession.id).join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Activity.community_id == community_id, Activity.title_zh == "书法班"))
    if session_id is None or db.session.scalar(sa.select(Registration.id).where(Registration.session_id == session_id)):
        return
    for n, name in enumerate(("张阿姨", "周老伯", "吴阿姨", "郑先生", "孙阿婆"), start=1):
        resident = Identity(f"demo-resident-{n}", frozenset({"diner"}), frozenset({community_id}), name=name)
        service.sign_up(resident, session_id)


def seed_demo_shifts(app: Flask, community_id: str) -> None:
    """A community without the activities demo still has its volunteers on this week's duty."""
    with seeding(app):
        staff = Identity("demo-seed", frozenset({"staff"}), frozenset({community_id}), name="seed")
        _shifts(community_id, _volunteers(staff, community_id))


def _shifts(community_id: str, people: list[Volunteer]) -> None:
    """This week's duty from its Monday and a week ahead: the shifts already over were attended, the
    ones to come have volunteers signed up (so the dashboard's week and the shift pages both show some)."""
    monday, today = _monday(), local_today()
    created = volunteers.generate_shifts(community_id, "waste-sorting", start_date=monday,
                                         days=(today - monday).days + volunteers.GENERATE_AHEAD_DAYS)
    now = volunteers.utcnow()
    turn = 0
    for index, shift in enumerate(created):
        wanted = min(shift.headcount, len(people)) - (1 if index % 4 == 3 else 0)  # some stay short of people
        for _ in range(max(0, wanted)):  # distinct volunteers in turn; a shift just made has nobody yet
            db.session.add(ShiftAssignment(shift_id=shift.id, volunteer_id=people[turn % len(people)].id,
                                           marked_by="demo-seed",
                                           status="attended" if shift.ends_at <= now else "signed_up"))
            turn += 1
    db.session.commit()
