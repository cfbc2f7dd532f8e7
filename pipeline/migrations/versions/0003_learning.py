"""learning loop: prompt versions and their events, eval sets, eval runs

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('prompt_versions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('parent', sa.String(length=64), nullable=True),
    sa.Column('config', JSON, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('traffic_share', sa.Float(), server_default='0', nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('eval_results', JSON, nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_prompt_versions_status', 'prompt_versions', ['status'], unique=False)
    op.create_table('prompt_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('detail', JSON, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['version'], ['prompt_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_prompt_events_version', 'prompt_events', ['version'], unique=False)
    op.create_table('eval_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('schema_name', sa.String(length=128), nullable=False),
    sa.Column('sources', JSON, nullable=False),
    sa.Column('examples', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', 'version')
    )
    op.create_index('ix_eval_sets_name', 'eval_sets', ['name'], unique=False)
    op.create_table('eval_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('eval_set_id', sa.Integer(), nullable=False),
    sa.Column('split', sa.String(length=16), nullable=True),
    sa.Column('prompt_version', sa.String(length=64), nullable=False),
    sa.Column('extractors', JSON, nullable=False),
    sa.Column('metrics', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['eval_set_id'], ['eval_sets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_eval_runs_eval_set_id', 'eval_runs', ['eval_set_id'], unique=False)
    op.create_index('ix_eval_runs_prompt_version', 'eval_runs', ['prompt_version'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_eval_runs_prompt_version', table_name='eval_runs')
    op.drop_index('ix_eval_runs_eval_set_id', table_name='eval_runs')
    op.drop_table('eval_runs')
    op.drop_index('ix_eval_sets_name', table_name='eval_sets')
    op.drop_table('eval_sets')
    op.drop_index('ix_prompt_events_version', table_name='prompt_events')
    op.drop_table('prompt_events')
    op.drop_index('ix_prompt_versions_status', table_name='prompt_versions')
    op.drop_table('prompt_versions')
