"""Demo diners: in each community two diners with meal cards, one of them an eligible elder
(safe to run twice)."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask

from linli.canteen.diners import meal_card, service
from linli.shared.auth import Identity

SEEDER = Identity(subject="demo-seed", roles=frozenset({"admin"}), communities=frozenset({"*"}))

# community, diner id, name, years old, groups, subsidy eligible, meal card top-up (fen)
DINERS = (
    ("north-bund", "demo-nb-elder-wu", "吴阿姨", 82, ["elderly_alone"], True, 10_000),
    ("north-bund", "demo-nb-office-chen", "陈先生", 32, [], False, 5_000),
    ("fenglin-huiyuan", "demo-hy-elder-sun", "孙老伯", 76, [], True, 8_000),
    ("fenglin-huiyuan", "demo-hy-office-li", "李小姐", 28, [], False, 3_000),
)


def seed_demo(app: Flask) -> None:
    with app.app_context():
        today = dt.date.today()
        created = 0
        for community_id, diner_id, name, age, groups, eligible, top_up in DINERS:
            if community_id not in app.extensions["linli"].communities:
                continue
            if service.find_profile(community_id, diner_id) is not None:
                continue
            birth = today.replace(year=today.year - age, day=min(today.day, 28))
            service.save_profile(SEEDER, community_id=community_id, diner_id=diner_id, birth_date=birth,
                                 groups=groups, subsidy_eligible=eligible, display_name=name)
            meal_card.top_up(SEEDER, community_id=community_id, diner_id=diner_id, amount_fen=top_up,
                             note="demo")
            created += 1
        click.echo(f"canteen: {created} demo diners with meal cards" if created
                   else "canteen: demo diners already seeded")
