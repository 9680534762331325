"""Test helpers of the duty roster and the visit diary: a small committee with A/B lines."""

from __future__ import annotations

import datetime as dt

from linli.hub.people import service as people
from linli.hub.roster import service as roster

HY = "fenglin-huiyuan"
# account subject, name
STAFF = [("101", "李主任"), ("102", "王干部"), ("103", "张干部"), ("104", "陈干部")]


def make_committee(app, community_id: str = HY) -> dict:
    """Four staff (accounts 101–104), lines 为老 (A 102, B 103) and 民政 (A 103, B 104)."""
    with app.app_context():
        ids = [roster.add_staff(None, community_id=community_id, display_name=name, account_id=sub).id
               for sub, name in STAFF]
        elderly = roster.create_line(None, community_id=community_id, code="elderly", name_zh="为老服务",
                                     name_en="Elderly services", a_staff_id=ids[1], b_staff_id=ids[2])
        civil = roster.create_line(None, community_id=community_id, code="civil", name_zh="民政",
                                   name_en="Civil affairs", a_staff_id=ids[2], b_staff_id=ids[3])
        return {"staff": ids, "elderly": elderly.id, "civil": civil.id, "community": community_id}


def make_household(app, *, community_id: str = HY, room: str, groups: tuple[str, ...] = (),
                   birth: dt.date = dt.date(1950, 1, 1)) -> int:
    with app.app_context():
        household = people.create_household(None, community_id=community_id, compound="徐家汇花园",
                                            building="1", room=room)
        people.add_resident(None, household.id, name=f"居民{room}", birth_date=birth, groups=list(groups))
        return household.id
