"""Demo data of the cases service for both communities, through the domain functions, valid at any
moment (everything is placed relative to now) and safe to run twice.

North Bund: the e-bike garage case of the seed driven to closed (约请 the property company and a
unit, the meeting, the garage built, paid jointly, followed up, rated), a property-management case
in consultation, a parking case taken up with a makeover poll attached, a broken stair light just
reported. Fenglin Huiyuan: a waste-room case with parties invited, a bathing-help request. Both:
appointment slots on the coming working days, at the desk and door to door.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import sqlalchemy as sa
from flask import Flask, has_app_context

from linli.cases.appointments import service as appointments
from linli.cases.casework import service as cases
from linli.cases.casework.models import Case
from linli.cases.extensions import db
from linli.cases.polls import service as polls
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.localtime import local_at, local_today

DEMO = "demo-staff"


def _staff() -> Identity:
    return Identity(subject=DEMO, roles=frozenset({"staff", "manager"}),
                    communities=frozenset({"north-bund", "fenglin-huiyuan"}), name="居委会")


def seed_demo_cases(app: Flask) -> None:
    with nullcontext() if has_app_context() else app.app_context():  # inside shared.seeding's transaction
        if db.session.scalar(sa.select(Case.id).where(Case.opened_by == DEMO).limit(1)) is not None:
            return
        staff = _staff()
        for community_id in ("north-bund", "fenglin-huiyuan"):
            _slots(staff, community_id)
        _north_bund(staff)
        _fenglin(staff)


def _slots(staff: Identity, community_id: str) -> None:
    day, made = local_today(), 0
    while made < 5:
        day += dt.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        made += 1
        for hour, door in ((9, False), (10, False), (14, True)):
            start = local_at(day, dt.time(hour, 0))
            appointments.create_slot(staff, community_id=community_id, starts_at=start,
                                     ends_at=start + dt.timedelta(minutes=30), capacity=1 if door else 3,
                                     door_to_door=door, staff_member="顾薇" if door else "")


def _north_bund(staff: Identity) -> None:
    today = local_today()
    an_hour_ago = utcnow() - dt.timedelta(hours=1)
    garage = cases.open_case(staff, community_id="north-bund", title="东海小区电瓶车楼道充电,停车库不够",
                             category="safety", description="3号楼、5号楼楼道里每晚有电瓶车飞线充电,居民担心火灾。",
                             address="提篮桥东海小区", residents=["nb.resident"])
    cases.take_up(staff, garage.id, assigned_to="顾薇")
    property_company = cases.invite(staff, garage.id, party_kind="property", party_name="北外滩物业公司",
                                    contact_person="王经理", answer_due_on=today)
    unit = cases.invite(staff, garage.id, party_kind="unit", party_name="提篮桥社区单位", contact_person="李科长",
                        answer_due_on=today)
    cases.answer_invitation(staff, garage.id, property_company.id, answer="accepted")
    cases.answer_invitation(staff, garage.id, unit.id, answer="accepted", note="愿意提供仓库的一半")
    cases.hold_meeting(staff, garage.id, held_at=an_hour_ago, place="居委会议事厅",
                       attendees=["居委会 顾薇", "北外滩物业 王经理", "业委会 张主任", "社区单位 李科长"],
                       minutes="社区单位仓库的一半提供给居民使用,改建非机动车停车库,配标准式充电桩、干粉灭火装置和自动报警装置;"
                               "改造经费由居委自治项目及北外滩物业共同出资。")
    action = cases.agree_action(staff, garage.id, description="改建非机动车停车库", responsible_party="北外滩物业公司",
                                due_on=today + dt.timedelta(days=30))
    cases.update_action(staff, garage.id, action.id, state="done", evidence="车库已验收,照片存档")
    cases.resolve(staff, garage.id, summary="非机动车停车库建成,楼道不再充电。", funded_by=["居委自治项目", "北外滩物业"])
    cases.follow_up(staff, garage.id, held=True, note="一个月后复查,楼道无充电")
    cases.rate(staff, garage.id, score=5, comment="停车方便多了", on_behalf_of="nb.resident")
    cases.close(staff, garage.id, note="居民满意")

    service = cases.open_case(staff, community_id="north-bund", title="提篮桥小区物业服务不到位", category="property",
                              description="保洁不及时,门岗经常无人。")
    cases.take_up(staff, service.id, assigned_to="陈晓")
    cases.invite(staff, service.id, party_kind="property", party_name="北外滩物业公司", answer_due_on=today)
    cases.invite(staff, service.id, party_kind="owners_committee", party_name="东海小区业委会", answer_due_on=today)
    cases.hold_meeting(staff, service.id, held_at=an_hour_ago, place="居委会议事厅",
                       attendees=["居委会 陈晓", "北外滩物业 王经理", "业委会 张主任"],
                       minutes="物业承诺一周内整改保洁与门岗;业委会下月评估物业服务。")

    parking = cases.open_case(staff, community_id="north-bund", title="东海小区机动车停车难", category="parking")
    cases.take_up(staff, parking.id, assigned_to="顾薇")
    polls.create_poll(staff, community_id="north-bund", title_zh="东海小区美丽家园改造方案征询",
                      title_en="Donghai makeover: which plan?", kind="beautiful_home", case_id=parking.id,
                      question="美丽家园整体改造,先做哪一项?", closes_at=utcnow() + dt.timedelta(days=10),
                      options=[{"label_zh": "扩建机动车停车位", "label_en": "More parking spaces"},
                               {"label_zh": "新建非机动车车库", "label_en": "A new e-bike garage"},
                               {"label_zh": "垃圾厢房改造", "label_en": "A new waste room"}])
    cases.open_case(staff, community_id="north-bund", title="瑞虹新城5号楼楼道灯坏了", category="facilities",
                    address="瑞虹新城5号楼")


def _fenglin(staff: Identity) -> None:
    waste = cases.open_case(staff, community_id="fenglin-huiyuan", title="徐家汇花园垃圾库房异味", category="environment",
                            description="撤桶后垃圾库房夏天异味重。")
    cases.take_up(staff, waste.id, assigned_to="顾薇")
    cases.invite(staff, waste.id, party_kind="property", party_name="徐家汇花园物业", answer_due_on=local_today())
    cases.open_case(staff, community_id="fenglin-huiyuan", title="谨斜小区老人助浴需求", category="services",
                    description="老年人多,希望增加助浴和日间照料。")

