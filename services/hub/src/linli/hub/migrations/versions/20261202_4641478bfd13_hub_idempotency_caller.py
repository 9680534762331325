"""hub: idempotency records remember the anonymous caller (issue 16 item 3)

Revision ID: 4641478bfd13
Revises: 451d7121a909
Create Date: 2026-12-02 14:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4641478bfd13'
down_revision = '451d7121a909'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('linli_idempotency_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('linli_idempotency_record', schema=None) as batch_op:
        batch_op.drop_column('caller')
