"""observability: each model call keeps its exchange (request, answer, parsed value, model hash)

Revision ID: 0004_observe
Revises: 0004_hostile
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004_observe'
down_revision = '0004_hostile'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
COLUMNS = (
    ('request_sha256', sa.String(length=64)),
    ('request', JSON),
    ('response', sa.Text()),
    ('parsed', JSON),
    ('logprobs', JSON),
    ('error_permanent', sa.Boolean()),
    ('model_sha256', sa.String(length=64)),
    ('store_mode', sa.String(length=8)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column('model_calls', sa.Column(name, kind, nullable=True))
    op.create_index('ix_model_calls_request_sha256', 'model_calls', ['request_sha256'])


def downgrade() -> None:
    op.drop_index('ix_model_calls_request_sha256', table_name='model_calls')
    with op.batch_alter_table('model_calls') as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
