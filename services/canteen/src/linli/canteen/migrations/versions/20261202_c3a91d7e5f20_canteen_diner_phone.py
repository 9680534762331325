"""canteen: a diner's phone number, for the counter's lookup

Revision ID: c3a91d7e5f20
Revises: 6fdc4aaad277
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a91d7e5f20'
down_revision = '6fdc4aaad277'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('canteen_diner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_canteen_diner_phone'), ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('canteen_diner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canteen_diner_phone'))
        batch_op.drop_column('phone')
