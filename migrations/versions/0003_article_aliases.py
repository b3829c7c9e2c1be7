"""The former slugs of renamed articles, each answering for the article it was merged into.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_aliases",
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_aliases_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name="pk_article_aliases"),
    )
    op.create_index("ix_article_aliases_article_id", "article_aliases", ["article_id"])


# What downgrade() loses, which `pelican-likes db downgrade` names and asks --yes for.
DOWNGRADE_DROPS = "the former slugs of renamed articles (old addresses stop reaching them)"


def downgrade() -> None:
    op.drop_index("ix_article_aliases_article_id", table_name="article_aliases")
    op.drop_table("article_aliases")
