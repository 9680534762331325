"""Demo diners: in each community two diners with meal cards and kiosk cards (PIN 1234), one of
them an eligible elder (safe to run twice)."""

from __future__ import annotations

import click
from flask import Flask

from linli.canteen.diners import kiosk_card, meal_card, service
from linli.shared.auth import Identity
from linli.shared.localtime import local_today
from linli.shared.seeding import seeding

SEEDER = Identity(subject="demo-seed", roles=frozenset({"admin"}), communities=frozenset({"*"}))

DEMO_PIN = "1234"
# community, diner id, name, years old, groups, subsidy eligible, meal card top-up (fen), kiosk card number
DINERS: tuple[tuple[str, str, str, int, list[str], bool, int, str], ...] = (
    ("north-bund", "demo-nb-elder-wu", "吴阿姨", 82, ["elderly_alone"], True, 10_000, "20260001"),
    ("north-bund", "demo-nb-office-chen", "陈先生", 32, [], False, 5_000, "20260002"),
    ("fenglin-huiyuan", "demo-hy-elder-sun", "孙老伯", 76, [], True, 8_000, "20260003"),
    ("fenglin-huiyuan", "demo-hy-office-li", "李小姐", 28, [], False, 3_000, "20260004"),
)


def seed_demo(app: Flask) -> None:
    with seeding(app):  # one transaction: all or nothing
        today = local_today()
        created = 0
        for community_id, diner_id, name, age, groups, eligible, top_up, card_number in DINERS:
            if community_id not in app.extensions["linli"].communities:
                continue
            if service.find_profile(community_id, diner_id) is not None:
                continue
            birth = today.replace(year=today.year - age, day=min(today.day, 28))
            service.save_profile(SEEDER, community_id=community_id, diner_id=diner_id, birth_date=birth,
                                 groups=groups, subsidy_eligible=eligible, display_name=name)
            meal_card.top_up(SEEDER, community_id=community_id, diner_id=diner_id, amount_fen=top_up,
                             note="demo")
            kiosk_card.issue(SEEDER, community_id=community_id, diner_id=diner_id, card_number=card_number,
                             pin=DEMO_PIN)
            created += 1
        click.echo(f"canteen: {created} demo diners with meal cards" if created
                   else "canteen: demo diners already seeded")
        cards = ", ".join(f"{diner[7]} {diner[2]}" for diner in DINERS)
        click.echo(f"  kiosk cards (PIN {DEMO_PIN}): {cards}")
