"""Like rows under a pseudonym per article: each stored voter becomes SHA-256(voter ":" article
id), so that no two likes of one reader share a value; and the ids merged into each article.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

likes = sa.table("likes", sa.column("article_id", sa.Integer), sa.column("voter", sa.String))
articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("base_likes", sa.Integer))
like_counters = sa.table(
    "like_counters", sa.column("article_id", sa.Integer), sa.column("likes", sa.Integer)
)

# The formula as this revision stores it (the store's is pelican_likes.storage.pseudonyms;
# tests/migrations holds the two together). SQLite calls it under this name.
_SQLITE_FUNCTION = "likes_pseudonym_0006"


def _pseudonym(voter: str, article_id: int) -> str:
    return hashlib.sha256(f"{voter}:{article_id}".encode()).hexdigest()


def _pseudonym_sql(dialect: str) -> sa.ColumnElement[str]:
    if dialect == "sqlite":
        sqlite_function: sa.ColumnElement[str] = getattr(sa.func, _SQLITE_FUNCTION)(
            likes.c.voter, likes.c.article_id
        )
        return sqlite_function
    text = likes.c.voter.op("||")(sa.literal_column("':'")).op("||")(
        sa.cast(likes.c.article_id, sa.Text)
    )
    digest = sa.func.sha256(sa.func.convert_to(text, sa.literal_column("'UTF8'")))
    return sa.func.encode(digest, sa.literal_column("'hex'"))


# Neither direction alters or copies a table that holds likes (on SQLite a batch copy's drop would
# cascade to them): the upgrade updates the rows in place, the downgrade deletes them.


def upgrade() -> None:
    op.create_table(
        "article_merges",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("former_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_merges_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "former_id", name="pk_article_merges"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        driver = bind.connection.driver_connection
        driver.create_function(_SQLITE_FUNCTION, 2, _pseudonym, deterministic=True)  # type: ignore[union-attr]
    op.execute(likes.update().values(voter=_pseudonym_sql(bind.dialect.name)))


# What downgrade() loses, which `pelican-likes db downgrade` names and asks --yes for.
DOWNGRADE_DROPS = (
    "every like row, its article's count kept as base likes: a pseudonym per article cannot be "
    "turned back into the reader's, so no reader is recognised any more (each may like again), "
    "and the likes' times (stats, `likes list` and `likes remove`) are gone"
)


def downgrade() -> None:
    counted = (
        sa.select(sa.func.coalesce(sa.func.sum(like_counters.c.likes), 0))
        .where(like_counters.c.article_id == articles.c.id)
        .scalar_subquery()
    )
    op.execute(articles.update().values(base_likes=articles.c.base_likes + counted))
    op.execute(like_counters.delete())
    op.execute(likes.delete())
    op.drop_table("article_merges")
