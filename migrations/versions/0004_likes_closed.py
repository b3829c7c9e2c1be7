"""Articles closed to likes: the build saw them with likes turned off, or as drafts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Both directions alter the table in place, never in batch mode: on SQLite a batch copies the
# table and drops the old one, and that drop cascades to every like of every article.


def upgrade() -> None:
    op.add_column(
        "articles",
        sa.Column("likes_closed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


# What downgrade() loses, which `pelican-likes db downgrade` names and asks --yes for.
DOWNGRADE_DROPS = "which articles are closed to likes (each accepts likes again)"


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE articles DROP COLUMN likes_closed")  # SQLite 3.35 and later
    else:
        op.drop_column("articles", "likes_closed")
