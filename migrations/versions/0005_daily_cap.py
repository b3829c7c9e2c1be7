"""The daily cap: a random key per UTC day, and likes per (network, article, day) under a keyed
hash of the three; rows of past days are deleted by the API (daily_cap.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# New tables only, with no foreign key to articles: nothing here alters or copies a table that
# holds likes, and dropping them in a downgrade cascades to nothing.


def upgrade() -> None:
    op.create_table(
        "daily_keys",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_daily_keys"),
    )
    op.create_table(
        "daily_tallies",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("client", sa.LargeBinary(16), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "client", name="pk_daily_tallies"),
    )


# What downgrade() loses, which `pelican-likes db downgrade` names and asks --yes for.
DOWNGRADE_DROPS = "today's daily-cap tallies (readers capped today may like again until tomorrow)"


def downgrade() -> None:
    op.drop_table("daily_tallies")
    op.drop_table("daily_keys")
