"""The elderly meal subsidy (老年助餐补贴): tiers by age and special group, per community.

Configured in communities.toml under ``[communities.<id>.settings.subsidy]``::

    max_meals_per_day = 1
    tiers = [{ min_age = 60, amount_fen = 300 }, { min_age = 80, amount_fen = 800 },
             { group = "elderly_alone", amount_fen = 800 }]

A diner gets the best tier they match, only when identified and marked eligible (by staff or
by the hub), and at most ``max_meals_per_day`` subsidised orders a day (Asia/Shanghai dates).
The subsidy pays part of an order as a payment provider; the diner pays the rest another way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from linli.canteen.diners.models import DinerProfile
from linli.canteen.diners.service import find_profile
from linli.canteen.extensions import db
from linli.canteen.payments.base import BasePaymentProvider, PaymentContext
from linli.canteen.payments.models import OPEN_STATES, Payment
from linli.shared.communities import Community
from linli.shared.errors import Conflict, Unprocessable
from linli.shared.localtime import local_day_bounds, local_today


@dataclass(frozen=True)
class SubsidyTier:
    amount_fen: int
    min_age: int | None = None
    group: str | None = None

    def matches(self, age: int | None, groups: list[str]) -> bool:
        by_age = self.min_age is not None and age is not None and age >= self.min_age
        by_group = self.group is not None and self.group in groups
        return by_age or by_group


@dataclass(frozen=True)
class SubsidyPolicy:
    tiers: tuple[SubsidyTier, ...]
    max_meals_per_day: int = 1

    @classmethod
    def of(cls, community: Community) -> SubsidyPolicy | None:
        settings: dict[str, Any] = community.setting("subsidy") or {}
        tiers = tuple(SubsidyTier(amount_fen=int(t["amount_fen"]), min_age=t.get("min_age"), group=t.get("group"))
                      for t in settings.get("tiers", ()))
        if not tiers:
            return None
        return cls(tiers=tiers, max_meals_per_day=int(settings.get("max_meals_per_day", 1)))

    def per_meal_fen(self, profile: DinerProfile | None, day: dt.date) -> int:
        if profile is None or not profile.subsidy_eligible:
            return 0
        age = age_on(profile.birth_date, day) if profile.birth_date else None
        return max((t.amount_fen for t in self.tiers if t.matches(age, list(profile.groups or ()))), default=0)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def meals_subsidised(community_id: str, diner_id: str, day: dt.date) -> int:
    start, end = local_day_bounds(day)
    return int(db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Payment.order_id))).where(
            Payment.community_id == community_id, Payment.diner_id == diner_id, Payment.provider == "subsidy",
            Payment.state.in_((*OPEN_STATES, "succeeded")), Payment.refunded_fen < Payment.amount_fen,
            Payment.created_at >= start, Payment.created_at < end,
        )
    ) or 0)


def quote(community: Community, diner_id: str, day: dt.date | None = None) -> dict[str, Any]:
    """What the subsidy would pay for this diner's next meal today."""
    day = day or local_today()
    policy = SubsidyPolicy.of(community)
    profile = find_profile(community.id, diner_id)
    per_meal = policy.per_meal_fen(profile, day) if policy else 0
    used = meals_subsidised(community.id, diner_id, day) if policy else 0
    left = max(policy.max_meals_per_day - used, 0) if policy else 0
    return {"offered": policy is not None, "eligible": bool(profile and profile.subsidy_eligible),
            "per_meal_fen": per_meal, "meals_left_today": left, "available_fen": per_meal if left else 0}


class SubsidyProvider(BasePaymentProvider):
    identifier = "subsidy"
    name_zh = "老年助餐补贴"
    name_en = "Elderly meal subsidy"
    needs_diner = True
    refundable = True

    def is_available(self, community: Community) -> bool:
        return SubsidyPolicy.of(community) is not None

    def max_amount(self, ctx: PaymentContext) -> int:
        policy = SubsidyPolicy.of(ctx.community)
        assert ctx.diner_id is not None and policy is not None
        day = local_today()
        # lock order: the order (held by the caller), then the diner's profile
        profile = find_profile(ctx.community.id, ctx.diner_id, lock=True)
        per_meal = policy.per_meal_fen(profile, day)
        if per_meal <= 0:
            raise Unprocessable("This diner is not eligible for the meal subsidy.", code="not_eligible")
        if meals_subsidised(ctx.community.id, ctx.diner_id, day) >= policy.max_meals_per_day:
            raise Conflict("Today's subsidised meals are used up.", code="subsidy_used_up")
        return per_meal

    def execute(self, payment: Payment, ctx: PaymentContext) -> None:
        payment.state = "succeeded"  # paid by the subsidy fund; accounted for in the takings
