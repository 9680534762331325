"""The visit diary (民情日记): which staff member looks after which household, and each visit.

``HouseholdAssignment`` is also the household's visit plan: the interval the ``visit_frequency``
hook gave, the last visit and the date the next one is due (the earlier of the interval and a
follow-up date). Whether a household is *overdue* or *due this week* is decided at read time from
``due_on`` and today's date in Shanghai, so no stored flag can go stale as time passes.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.hub.extensions import db
from linli.shared.db import utcnow

VISIT_KINDS: dict[str, tuple[str, str]] = {
    "door": ("上门走访", "Door visit"),
    "phone": ("电话问候", "Phone call"),
    "hub": ("小汇面谈", "Met at the hub"),
}
# needs a visit can raise -> (zh, en)
NEEDS: dict[str, tuple[str, str]] = {
    "bathing": ("助浴", "Bathing help"),
    "day_care": ("日间照料", "Day care"),
    "meal_help": ("助餐", "Meal help"),
    "legal_aid": ("法律援助", "Legal aid"),
    "medical": ("就医陪护", "Medical escort"),
    "repair": ("居家维修", "Home repair"),
    "subsidy": ("补贴申请", "Subsidy application"),
}
PROBLEM_CATEGORIES: dict[str, tuple[str, str]] = {
    "facilities": ("房屋设施", "Buildings and facilities"),
    "safety": ("安全隐患", "Safety hazard"),
    "property": ("物业管理", "Property management"),
    "parking": ("停车充电", "Parking and charging"),
    "care": ("照护需求", "Care need"),
    "neighbours": ("邻里纠纷", "Neighbours"),
    "environment": ("环境卫生", "Environment"),
    "other": ("其他", "Other"),
}

# how a raised problem's case stands, as the cases service reports it (other states show as they come)
CASE_STATES: dict[str, tuple[str, str]] = {
    "sent": ("已转交约请处理", "sent to cases"),
    "reported": ("已立案", "case opened"),
    "resolved": ("已解决", "resolved"),
    "closed": ("已办结", "closed"),
}


class HouseholdAssignment(db.Model):  # type: ignore[name-defined]
    """A household "contracted" (承包) to one staff member, with its visit plan."""

    __tablename__ = "household_assignment"
    __table_args__ = (
        sa.Index("ix_household_assignment_staff_due", "staff_id", "due_on"),
        sa.Index("ix_household_assignment_community_staff", "community_id", "staff_id"),
        sa.CheckConstraint("interval_days > 0", name="interval_positive"),
    )

    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    interval_days: Mapped[int] = mapped_column(default=365)
    rule: Mapped[str] = mapped_column(sa.String(64), default="")  # e.g. "3/week elderly_alone"
    special: Mapped[bool] = mapped_column(default=False)
    last_visited_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)  # None: never visited (due now)


class Visit(db.Model):  # type: ignore[name-defined]
    """One entry in the visit diary. A problem found can be raised: the cases service opens a case
    (event ``hub.visit.problem_found``) and its ``cases.case.*`` events come back to ``case_*``."""

    __tablename__ = "visit"
    __table_args__ = (
        sa.Index("ix_visit_household_day", "household_id", "visited_on"),
        sa.Index("ix_visit_staff_day", "staff_id", "visited_on"),
        sa.Index("ix_visit_community_day", "community_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id"))
    visited_on: Mapped[dt.date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(16))
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    follow_up_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    recorded_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    problem_title: Mapped[str | None] = mapped_column(sa.String(200))
    problem_category: Mapped[str | None] = mapped_column(sa.String(32))
    problem_raised_at: Mapped[dt.datetime | None]
    problem_event_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # the outbox event
    case_id: Mapped[str | None] = mapped_column(sa.String(64))
    case_reference: Mapped[str | None] = mapped_column(sa.String(64))
    case_state: Mapped[str | None] = mapped_column(sa.String(32))
