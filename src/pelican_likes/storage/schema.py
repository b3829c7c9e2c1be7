"""The likes schema, as SQLAlchemy Core tables; Alembic's migrations create it in a database.

A like is one row per (article, voter), which makes "one like per reader" a primary-key fact
rather than an application check. The count is kept in ``COUNTER_SLOTS`` counter rows per article
that writers update atomically and readers sum: with a single counter row, every like of a popular
article queues on that row's lock; spread over slots, concurrent likes rarely meet (see
docs/performance.md for the measurement).
"""

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    false,
    func,
)

from pelican_likes.storage.records import TITLE_LENGTH, URL_LENGTH
from pelican_likes.storage.slugs import SLUG_MAX_LENGTH

COUNTER_SLOTS = 16

# A like row's voter is a SHA-256 hex digest of the reader's keyed hash and the article's id
# (pseudonyms.py): never the token, never an address, never the same for two articles.
VOTER_LENGTH = 64

# The largest value an Integer column holds on PostgreSQL (int4): of an article's id, and of its
# count. SQLite would take up to 2**63 and then turn to REAL, which the API would answer as a
# float: one bound for both.
MAX_INTEGER = 2**31 - 1
MAX_LIKES = MAX_INTEGER


def in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC. The tables' times are UTC; SQLite's are read back without an offset,
    and a naive time given by a user is taken as UTC too."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(SLUG_MAX_LENGTH), nullable=False, unique=True),
    Column("title", String(TITLE_LENGTH), nullable=False, server_default=""),
    Column("url", String(URL_LENGTH), nullable=False, server_default=""),
    Column("base_likes", Integer, nullable=False, server_default="0"),
    # Set when a build saw the article with likes turned off: its count is kept, and frozen.
    Column("likes_closed", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

likes = Table(
    "likes",
    metadata,
    Column(
        "article_id",
        Integer,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("voter", String(VOTER_LENGTH), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Each article's likes over a period, read from the index alone (migration 0002).
    Index("ix_likes_article_id_created_at", "article_id", "created_at"),
)

like_counters = Table(
    "like_counters",
    metadata,
    Column(
        "article_id",
        Integer,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("slot", SmallInteger, primary_key=True, autoincrement=False),
    Column("likes", Integer, nullable=False, server_default="0"),
)

# The former slugs of renamed articles: each keeps answering for the article it was merged into,
# so pages cached with an old widget still count (see renames.py).
article_aliases = Table(
    "article_aliases",
    metadata,
    Column("slug", String(SLUG_MAX_LENGTH), primary_key=True),
    Column(
        "article_id",
        Integer,
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The ids of the articles merged into an article: the like rows they brought keep the pseudonyms
# made under those ids, and a reader is looked up under each (pseudonyms.py). SQLite gives no new
# article an id listed here (statements.upsert_articles), and an import moves PostgreSQL's sequence
# past the ids it lists (imports.py), so no two articles share one.
article_merges = Table(
    "article_merges",
    metadata,
    Column(
        "article_id",
        Integer,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("former_id", Integer, primary_key=True, autoincrement=False),
)

# The daily cap (daily_cap.py). A random key per UTC day, shared by every API host; and per
# (network, article, day) a count of likes, under a keyed hash of the three, never an address.
# Both are deleted once their day is over, so yesterday's hashes can no longer be recomputed.
DAY_KEY_LENGTH = 32
TALLY_ID_LENGTH = 16
# A forgotten day's key: its row stays, keyless, so that no host makes that day a key again.
FORGOTTEN_DAY_KEY = b""

daily_keys = Table(
    "daily_keys",
    metadata,
    Column("day", Date, primary_key=True),
    Column("key", LargeBinary(DAY_KEY_LENGTH), nullable=False),
)

daily_tallies = Table(
    "daily_tallies",
    metadata,
    Column("day", Date, primary_key=True),
    Column("client", LargeBinary(TALLY_ID_LENGTH), primary_key=True),
    Column("likes", Integer, nullable=False),
)
