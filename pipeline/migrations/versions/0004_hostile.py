"""reviews are an append-only audit log: the database refuses to change or delete a decision

Revision ID: 0004_hostile
Revises: 0003
"""
from alembic import op

revision = '0004_hostile'
down_revision = '0003'
branch_labels = None
depends_on = None

MESSAGE = "reviews are an append-only audit log"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION docloop_reviews_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
        op.execute("""CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews
                      FOR EACH ROW EXECUTE FUNCTION docloop_reviews_append_only()""")
        op.execute("""CREATE TRIGGER reviews_no_truncate BEFORE TRUNCATE ON reviews
                      FOR EACH STATEMENT EXECUTE FUNCTION docloop_reviews_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER reviews_no_{event.lower()} BEFORE {event} ON reviews "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER reviews_no_truncate ON reviews")
        op.execute("DROP TRIGGER reviews_append_only ON reviews")
        op.execute("DROP FUNCTION docloop_reviews_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER reviews_no_{event}")
