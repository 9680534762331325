"""canteen: idempotency records remember the anonymous caller (issue 16 item 3)

Revision ID: 6fdc4aaad277
Revises: bd25fd735824
Create Date: 2026-12-02 14:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6fdc4aaad277'
down_revision = 'bd25fd735824'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('linli_idempotency_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('linli_idempotency_record', schema=None) as batch_op:
        batch_op.drop_column('caller')
