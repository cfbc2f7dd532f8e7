"""reviews.undoes: a review that takes back an earlier decision names it (the log stays append-only);
reviews by reviewer indexed (the review page asks for the reviewer's last decision on every run)

Revision ID: 0005_review_undo
Revises: 0004_observe
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_review_undo'
down_revision = '0004_observe'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy on SQLite): the append-only triggers stay on the table.
    op.add_column('reviews', sa.Column('undoes', sa.Integer(), nullable=True))
    op.create_index('ix_reviews_undoes', 'reviews', ['undoes'])
    op.create_index('ix_reviews_reviewer', 'reviews', ['reviewer'])


def downgrade() -> None:
    op.drop_index('ix_reviews_reviewer', table_name='reviews')
    op.drop_index('ix_reviews_undoes', table_name='reviews')
    op.drop_column('reviews', 'undoes')
