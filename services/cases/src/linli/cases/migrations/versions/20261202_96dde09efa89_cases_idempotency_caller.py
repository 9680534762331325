"""cases: idempotency records remember the anonymous caller (issue 16 item 3)

Revision ID: 96dde09efa89
Revises: 1c151225701a
Create Date: 2026-12-02 14:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '96dde09efa89'
down_revision = '1c151225701a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('linli_idempotency_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('linli_idempotency_record', schema=None) as batch_op:
        batch_op.drop_column('caller')
