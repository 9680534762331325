"""Backup and restore drill (issue 13 item 4), on SQLite and PostgreSQL.

The demo of all three services is seeded; ``python -m linli.shared.backup backup`` (what ``make
backup`` runs) writes a dated folder; then the data is damaged (meal-card ledger lines deleted, order
totals changed, every room booking deleted, a cases table dropped, an uploaded document deleted);
``python -m linli.shared.backup restore`` (``make restore``) brings it back, and the data checks —
orders, ledger sums, bookings, cases: row counts and checksums, and every table of the three
databases — are what they were before the damage. A backup file that does not match its manifest is
refused and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import Any

import sqlalchemy as sa
from flask import Flask

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.app import create_app as create_hub
from linli.shared import backup
from linli.shared.seeding import seed_demo


def _checksum(rows: list[Any]) -> str:
    return hashlib.sha256(json.dumps([list(r) for r in rows], default=str).encode()).hexdigest()[:16]


def data_checks(apps: dict[str, Flask]) -> dict[str, Any]:
    """The figures an operator checks after a restore, read through each service's own models."""
    from linli.canteen.diners.models import MealCard, MealCardEntry
    from linli.canteen.orders.models import Order, OrderLine
    from linli.canteen.payments.models import Payment
    from linli.cases.casework.models import Case, TimelineEntry
    from linli.hub.bookings.models import Booking

    checks: dict[str, Any] = {}
    with apps["canteen"].app_context():
        session = apps["canteen"].extensions["linli"].db.session
        orders = session.execute(sa.select(Order.id, Order.state, Order.total_fen).order_by(Order.id)).all()
        checks["orders"] = {"rows": len(orders), "total_fen": sum(o.total_fen for o in orders),
                            "checksum": _checksum(orders)}
        checks["order lines"] = session.scalar(sa.select(sa.func.count()).select_from(OrderLine))
        checks["payments fen"] = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_fen), 0)))
        ledger = session.execute(sa.select(MealCardEntry.card_id, sa.func.sum(MealCardEntry.amount_fen),
                                           sa.func.count()).group_by(MealCardEntry.card_id)
                                 .order_by(MealCardEntry.card_id)).all()
        balances = session.execute(sa.select(MealCard.id, MealCard.balance_fen).order_by(MealCard.id)).all()
        checks["ledger"] = {"lines": sum(n for _, _, n in ledger), "sum_fen": sum(s for _, s, _ in ledger),
                            "checksum": _checksum(ledger), "balances": _checksum(balances)}
    with apps["hub"].app_context():
        session = apps["hub"].extensions["linli"].db.session
        bookings = session.execute(sa.select(Booking.id, Booking.room_id, Booking.starts_at, Booking.ends_at,
                                             Booking.status).order_by(Booking.id)).all()
        checks["bookings"] = {"rows": len(bookings), "checksum": _checksum(bookings)}
    with apps["cases"].app_context():
        session = apps["cases"].extensions["linli"].db.session
        cases = session.execute(sa.select(Case.id, Case.reference, Case.state, Case.title).order_by(Case.id)).all()
        checks["cases"] = {"rows": len(cases), "checksum": _checksum(cases),
                           "timeline": session.scalar(sa.select(sa.func.count()).select_from(TimelineEntry))}
    return checks


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linli.shared.backup", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_backup_damage_restore(service_app, engine, tmp_path):
    apps = {"canteen": service_app("canteen", create_canteen), "hub": service_app("hub", create_hub),
            "cases": service_app("cases", create_cases)}
    for app in apps.values():
        seed_demo(app)
    uploads = tmp_path / "uploads"
    (uploads / "2026").mkdir(parents=True)
    (uploads / "2026" / "id-card.pdf").write_bytes(b"%PDF-1.4 demo document")
    before = data_checks(apps)
    assert before["orders"]["rows"] and before["ledger"]["lines"] and before["bookings"]["rows"] and before["cases"]["rows"]
    targets = [backup.Target(name, app.config["SQLALCHEMY_DATABASE_URI"]) for name, app in apps.items()]
    tables_before = {t.service: backup.figures_of(t) for t in targets}
    for app in apps.values():
        with app.app_context():
            app.extensions["linli"].db.engine.dispose()

    env = {**os.environ, "LINLI_VAR_DIR": str(tmp_path / "var"), "LINLI_BACKUP_DIR": str(tmp_path / "backups"),
           "LINLI_CASES_UPLOAD_DIR": str(uploads),
           **{f"LINLI_{name.upper()}_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"] for name, app in apps.items()}}
    taken = cli(env, "backup")
    assert taken.returncode == 0, taken.stderr
    [folder] = backup.backups(tmp_path / "backups")
    assert folder.name.endswith("Z") and f"backed up to {folder}" in taken.stdout
    manifest = backup.read_manifest(folder)
    assert {name: entry["engine"] for name, entry in manifest["services"].items()} == {
        "canteen": engine, "hub": engine, "cases": engine}
    assert {name: entry["tables"] for name, entry in manifest["services"].items()} == tables_before
    assert manifest["uploads"] == {"cases": {"files": 1, "bytes": 22}}

    # damage: ledger lines gone, order totals changed, every booking deleted, a table dropped, a file lost
    with apps["canteen"].app_context():
        session = apps["canteen"].extensions["linli"].db.session
        session.execute(sa.text("DELETE FROM canteen_meal_card_entry"))
        session.execute(sa.text("UPDATE canteen_order SET total_fen = total_fen + 1"))
        session.commit()
    with apps["hub"].app_context():
        apps["hub"].extensions["linli"].db.session.execute(sa.text("DELETE FROM booking"))
        apps["hub"].extensions["linli"].db.session.commit()
    with apps["cases"].app_context():
        apps["cases"].extensions["linli"].db.session.execute(sa.text("DROP TABLE case_timeline_entry"))
        apps["cases"].extensions["linli"].db.session.commit()
    (uploads / "2026" / "id-card.pdf").unlink()
    damaged = {t.service: backup.figures_of(t) for t in targets}
    assert damaged["canteen"]["canteen_meal_card_entry"]["rows"] == 0
    assert damaged["canteen"]["canteen_order"] != tables_before["canteen"]["canteen_order"]
    assert damaged["hub"]["booking"]["rows"] == 0 and "case_timeline_entry" not in damaged["cases"]
    for app in apps.values():
        with app.app_context():
            app.extensions["linli"].db.session.remove()
            app.extensions["linli"].db.engine.dispose()

    # a backup file that does not match its manifest is refused, and nothing changes
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(folder), str(broken)], check=True)
    hub_file = broken / manifest["services"]["hub"]["file"]
    hub_file.write_bytes(hub_file.read_bytes()[:-10] + b"0123456789")
    refused = cli(env, "restore", str(broken))
    assert refused.returncode == 1 and "damaged" in refused.stderr, refused.stdout + refused.stderr
    assert backup.figures_of(targets[1])["booking"]["rows"] == 0  # still damaged: nothing was restored

    restored = cli(env, "restore")  # the latest backup
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "row counts and checksums as in the backup" in restored.stdout
    after = data_checks(apps)
    tables_after = {t.service: backup.figures_of(t) for t in targets}
    print(f"\n[{engine}] backup {folder.name}: data checks before {json.dumps(before, sort_keys=True)}\n"
          f"[{engine}] after restore {json.dumps(after, sort_keys=True)}\n"
          f"[{engine}] tables: {sum(len(t) for t in tables_before.values())}, rows: "
          f"{sum(r['rows'] for t in tables_before.values() for r in t.values())} before and "
          f"{sum(r['rows'] for t in tables_after.values() for r in t.values())} after")
    assert after == before
    assert tables_after == tables_before
    assert (uploads / "2026" / "id-card.pdf").read_bytes() == b"%PDF-1.4 demo document"

    # the state just before the restore was kept: it holds the damage
    safety = next(p for p in backup.backups(tmp_path / "backups") if p.name.endswith("before-restore"))
    kept = backup.read_manifest(safety)["services"]
    assert kept["hub"]["tables"]["booking"]["rows"] == 0 and "case_timeline_entry" not in kept["cases"]["tables"]
    assert kept["canteen"]["tables"]["canteen_meal_card_entry"]["rows"] == 0

    # the services work on the restored databases
    for app in apps.values():
        assert app.test_client().get("/readyz").status_code == 200


def test_backups_are_pruned_and_listed(service_app, engine, tmp_path):
    app = service_app("cases", create_cases)
    target = backup.Target("cases", app.config["SQLALCHEMY_DATABASE_URI"])
    root = tmp_path / "backups"
    made = [backup.backup([target], root, keep=2) for _ in range(3)]
    assert backup.backups(root) == made[1:]
    assert backup.resolve(root, "latest") == made[-1]
    assert "cases (" + engine in backup.describe(made[-1])
    env = {**os.environ, "LINLI_BACKUP_DIR": str(root)}
    listed = cli(env, "list")
    assert listed.returncode == 0 and listed.stdout.count("cases (") == 2
