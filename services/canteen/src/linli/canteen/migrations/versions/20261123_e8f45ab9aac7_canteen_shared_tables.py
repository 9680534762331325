"""canteen: shared tables

Revision ID: e8f45ab9aac7
Revises: 
Create Date: 2026-11-23 18:12:47.677727

"""
from linli.shared.migration_tables import create_shared_tables, drop_shared_tables


# revision identifiers, used by Alembic.
revision = 'e8f45ab9aac7'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_shared_tables()


def downgrade():
    drop_shared_tables()
