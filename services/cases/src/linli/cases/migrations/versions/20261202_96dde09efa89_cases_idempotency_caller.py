"""cases: idempotency records remember the anonymous caller (issue 16 item 3)

Revision ID: 96dde09efa89
Revises: 1c151225701a
Create Date: 2026-12-02 14:45:00

"""
from linli.shared.migration_tables import add_idempotency_caller, drop_idempotency_caller


# revision identifiers, used by Alembic.
revision = '96dde09efa89'
down_revision = '1c151225701a'
branch_labels = None
depends_on = None


def upgrade():
    add_idempotency_caller()


def downgrade():
    drop_idempotency_caller()
