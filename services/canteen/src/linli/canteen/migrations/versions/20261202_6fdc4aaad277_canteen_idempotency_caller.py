"""canteen: idempotency records remember the anonymous caller (issue 16 item 3)

Revision ID: 6fdc4aaad277
Revises: 66d78007d8b9
Create Date: 2026-12-02 14:45:00

"""
from linli.shared.migration_tables import add_idempotency_caller, drop_idempotency_caller


# revision identifiers, used by Alembic.
revision = '6fdc4aaad277'
down_revision = '66d78007d8b9'
branch_labels = None
depends_on = None


def upgrade():
    add_idempotency_caller()


def downgrade():
    drop_idempotency_caller()
