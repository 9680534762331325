"""Demo payments: every served demo order (the waste demo's past week of covers) was paid, so it gets
the payment that marked it paid: cash at the counter, confirmed by the community's demo staff at the
order's ``paid_at``. So the dashboard's and the reports' takings agree with their covers. Safe to run
twice: an order that has a payment is left alone. Runs after the waste demo, whose orders it pays."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from linli.canteen.demo import DEMO_STAFF
from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.states import SOLD_STATES
from linli.canteen.payments.models import Payment
from linli.shared.seeding import seeding


def seed_demo(app: Flask) -> None:
    with seeding(app):  # one transaction: all or nothing
        made = 0
        for community_id, staff in DEMO_STAFF.items():
            if community_id not in app.extensions["linli"].communities:
                continue
            unpaid = sa.select(Order.id, Order.diner_id, Order.total_fen, Order.paid_at).where(
                Order.community_id == community_id, Order.state.in_(SOLD_STATES), Order.total_fen > 0,
                Order.paid_at.is_not(None), ~sa.exists().where(Payment.order_id == Order.id))
            rows = [{"order_id": order_id, "community_id": community_id, "diner_id": diner_id, "provider": "cash",
                     "amount_fen": total, "currency": "CNY", "state": "succeeded", "refunded_fen": 0,
                     "completes_order": True, "needs_refund": False, "note": "demo", "created_by": staff,
                     "confirmed_by": staff, "created_at": paid_at, "confirmed_at": paid_at, "updated_at": paid_at}
                    for order_id, diner_id, total, paid_at in db.session.execute(unpaid)]
            if rows:  # Core insert: a week of covers is a few thousand rows
                db.session.execute(sa.insert(Payment.__table__), rows)
            made += len(rows)
        db.session.commit()
        click.echo(f"canteen: {made} demo orders paid (cash)" if made else "canteen: demo payments already seeded")
