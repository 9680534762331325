"""fenglin-visit-rules: Fenglin's reading of seed 003 (special groups several times a week, ordinary
households once or twice a year), rule by rule, and only in Fenglin Huiyuan."""

import tomllib
from pathlib import Path

import pytest
from linli_fenglin_visit_rules import visit_frequency

from linli.hub.visits.rules import HouseholdProfile, VisitRule
from linli.shared.testing.plugins import call_hook, plugin_answer

HY = "fenglin-huiyuan"


@pytest.mark.parametrize(("groups", "ages", "rule"), [
    ({"elderly_alone"}, (84,), VisitRule(3, "week", "elderly_alone 80+")),
    ({"elderly_alone"}, (72,), VisitRule(2, "week", "elderly_alone")),
    ({"disabled"}, (45, 47), VisitRule(2, "week", "disabled")),
    ({"elderly_alone", "disabled"}, (66,), VisitRule(2, "week", "elderly_alone")),
    (set(), (81, 52), VisitRule(2, "year", "80+")),
    (set(), (38, 36, 9), VisitRule(1, "year")),
    (set(), (), VisitRule(1, "year")),
], ids=["alone-80+", "alone", "disabled", "alone-and-disabled", "80+", "ordinary", "nobody-registered"])
def test_each_rule(groups, ages, rule):
    household = HouseholdProfile(id=1, community_id=HY, groups=frozenset(groups), ages=tuple(ages))
    assert visit_frequency(None, household) == rule


def test_visit_frequency_is_fenglins_where_enabled_and_the_builtin_elsewhere(community_app):
    app = community_app("hub", HY, plugins=["fenglin_visit_rules"])
    alone_at_72 = HouseholdProfile(id=1, community_id=HY, groups=frozenset({"elderly_alone"}), ages=(72,))
    assert plugin_answer(app, "fenglin_visit_rules", "visit_frequency", HY, household=alone_at_72) == \
        VisitRule(2, "week", "elderly_alone")
    assert call_hook(app, HY, "visit_frequency", household=alone_at_72) == VisitRule(2, "week", "elderly_alone")
    # North Bund keeps the built-in rule, which does not look at age: 3 a week for an elder living alone
    assert call_hook(app, "north-bund", "visit_frequency", household=alone_at_72).label == "3/week elderly_alone"


def test_it_is_enabled_for_fenglin_huiyuan_only():
    with open(Path(__file__).resolve().parents[3] / "communities.toml", "rb") as handle:
        communities = tomllib.load(handle)["communities"]
    assert [cid for cid, c in communities.items() if "fenglin_visit_rules" in c["plugins"]] == [HY]
