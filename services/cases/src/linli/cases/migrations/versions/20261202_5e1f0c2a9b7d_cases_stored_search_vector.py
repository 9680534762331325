"""cases: a stored search vector (PostgreSQL tsvector, GIN-indexed) instead of an expression index

The expression index answered rare words well, but a filter over to_tsvector(...) is computed per
row, so the planner never walks the (community_id, created_at) index for common words and sorted
tens of thousands of matches instead. Stored, the vector is cheap to test on each row.

Revision ID: 5e1f0c2a9b7d
Revises: 96dde09efa89
Create Date: 2026-12-02 15:35:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '96dde09efa89'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('case', sa.Column('search_vector', TSVECTOR(), nullable=True))
        op.execute("UPDATE \"case\" SET search_vector = to_tsvector('simple', search_text)")
        op.execute('DROP INDEX IF EXISTS ix_case_search_text')
        op.create_index('ix_case_search_vector', 'case', ['search_vector'], postgresql_using='gin')
    else:
        with op.batch_alter_table('case', schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_vector', sa.Text(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_case_search_vector', table_name='case')
        op.execute("CREATE INDEX ix_case_search_text ON \"case\" USING gin (to_tsvector('simple', search_text))")
        op.drop_column('case', 'search_vector')
    else:
        with op.batch_alter_table('case', schema=None) as batch_op:
            batch_op.drop_column('search_vector')
