"""Fenglin's visit rules for the visit diary (民情日记).

The Fenglin article: ordinary households are visited once or twice a year (一般住户每年走访一两次),
special groups such as the disabled and elders living alone several times a week (特殊人群如残疾人、
孤老等每周需要关心几次). Fenglin Huiyuan reads that as:

- an elder living alone aged 80 or more: 3 visits a week; under 80: 2 a week;
- a disabled resident: 2 a week;
- a household with someone aged 80 or more (not living alone): twice a year;
- every other household: once a year.

It replaces the built-in rule (which does not look at age) for the communities that enable it:
``plugins = ["fenglin_visit_rules"]`` in communities.toml.
"""

from __future__ import annotations

from linli.hub import hookimpl
from linli.hub.visits.rules import HouseholdProfile, VisitRule


@hookimpl
def visit_frequency(community: object, household: HouseholdProfile) -> VisitRule:
    oldest = max(household.ages, default=0)
    if "elderly_alone" in household.groups:
        return VisitRule(3, "week", "elderly_alone 80+") if oldest >= 80 else VisitRule(2, "week", "elderly_alone")
    if "disabled" in household.groups:
        return VisitRule(2, "week", "disabled")
    if oldest >= 80:
        return VisitRule(2, "year", "80+")
    return VisitRule(1, "year")
