"""North Bund's waste assessment replaces the built-in formula there only, and only when enabled."""

import datetime as dt

from linli_north_bund_waste_assessment import north_bund_score

from linli.canteen.app import create_app
from linli.canteen.waste.builtin import score_against_targets
from linli.canteen.waste.kpi import kpi_report
from linli.canteen.waste.service import record_entry
from linli.canteen.waste.testing import past_service
from linli.shared.auth import Identity
from linli.shared.localtime import local_today


def figures(plate, total, covers=100, services=3, weighed=3):
    return {"covers": covers, "meal_services": services, "weighed_services": weighed,
            "per_cover": {"plate": plate, "total": total}, "targets": {"plate": 50.0, "total": 120.0}}


def test_plate_waste_weighs_double_and_unweighed_services_cost_points():
    assert north_bund_score(figures(45, 110))["score"] == 100.0
    over = north_bund_score(figures(58, 125))  # 100 − 2×8 − 1×5
    assert over["score"] == 79.0 and over["passed"] is False and over["method"] == "north_bund"
    assert north_bund_score(figures(50, 120, services=3, weighed=2))["score"] == 95.0
    assert north_bund_score(figures(200, 400))["score"] == 0.0
    assert north_bund_score(figures(None, None, covers=0))["score"] is None
    # the built-in on the same figures: (100×50/58 + 100×120/125) / 2
    assert score_against_targets(figures(58, 125))["score"] == round((100 * 50 / 58 + 96) / 2, 1)


def test_the_waste_assessment_hook_is_north_bunds_only_where_enabled(service_app, communities_with):
    yesterday = local_today() - dt.timedelta(days=1)
    staff = Identity(subject="s", roles=frozenset({"staff"}), communities=frozenset({"*"}))
    results = {}
    for label, plugins in (("enabled", ["north_bund_waste_assessment"]), ("disabled", [])):
        app = service_app("canteen", create_app, LINLI_COMMUNITIES_FILE=communities_with({"north-bund": plugins}))
        with app.app_context():
            if label == "enabled":  # both apps share one database
                past_service("north-bund", yesterday, collected=20)
                record_entry(staff, community_id="north-bund", service_date=yesterday, meal_kind="lunch",
                             kind="plate", grams=1400)  # 70 g per cover
            report = kpi_report(staff, community_id="north-bund", date_from=yesterday, date_to=yesterday)
            results[label] = report["totals"]["assessment"]
    assert results["enabled"]["method"] == "north_bund" and results["enabled"]["score"] == 60.0  # 100 − 2×20
    assert results["disabled"]["method"] == "builtin"
    assert results["disabled"]["score"] == round((100 * 50 / 70 + 100) / 2, 1)
