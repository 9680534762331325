"""hub: shared tables

Revision ID: b442a280881f
Revises: 
Create Date: 2026-11-23 18:12:50.828993

"""
from linli.shared.migration_tables import create_shared_tables, drop_shared_tables


# revision identifiers, used by Alembic.
revision = 'b442a280881f'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_shared_tables()


def downgrade():
    drop_shared_tables()
