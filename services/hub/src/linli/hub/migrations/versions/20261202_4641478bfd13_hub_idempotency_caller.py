"""hub: idempotency records remember the anonymous caller (issue 16 item 3)

Revision ID: 4641478bfd13
Revises: 451d7121a909
Create Date: 2026-12-02 14:45:00

"""
from linli.shared.migration_tables import add_idempotency_caller, drop_idempotency_caller


# revision identifiers, used by Alembic.
revision = '4641478bfd13'
down_revision = '451d7121a909'
branch_labels = None
depends_on = None


def upgrade():
    add_idempotency_caller()


def downgrade():
    drop_idempotency_caller()
