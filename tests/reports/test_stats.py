"""Likes over time as the author's commands read them, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest

from pelican_likes.reports.stats import NoArticles, open_stats_engine, read_stats
from pelican_likes.storage import migrate
from pelican_likes.storage.errors import StorageUnavailable, UnknownArticle
from pelican_likes.storage.store import ArticleInfo
from tests.support import record_likes

TODAY = date(2026, 3, 10)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def engine(database_url):
    engine = open_stats_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def blog(store, database_url):
    """Three articles: an old favourite, a recent hit, and one nobody liked."""
    store.register(
        [
            ArticleInfo("old-favourite", "Old favourite", "https://blog.example/old.html"),
            ArticleInfo("recent-hit", "Recent hit", "https://blog.example/recent.html"),
            ArticleInfo("quiet", "Quiet"),
        ]
    )
    old = [("old-favourite", at(date(2025, 6, 1))) for _ in range(6)]
    old += [("old-favourite", at(TODAY - timedelta(days=2)))]
    recent = [("recent-hit", at(TODAY - timedelta(days=n % 3))) for n in range(4)]
    record_likes(database_url, old + recent)
    return database_url


def test_all_time_ranks_by_total_with_a_series_per_day(engine, blog):
    stats = read_stats(engine, today=TODAY)

    assert [a.slug for a in stats.articles] == ["old-favourite", "recent-hit"]
    old, recent = stats.articles
    assert (old.total, old.in_period) == (7, 7)
    assert old.per_day == {date(2025, 6, 1): 6, TODAY - timedelta(days=2): 1}
    assert recent.per_day == {TODAY: 2, TODAY - timedelta(days=1): 1, TODAY - timedelta(days=2): 1}
    assert (stats.first_day, stats.last_day) == (date(2025, 6, 1), TODAY)
    assert stats.per_day[TODAY - timedelta(days=2)] == 2
    assert (stats.article_count, stats.total, stats.in_period) == (3, 11, 11)
    assert len(stats.series(old.per_day)) == len(stats.days) == (TODAY - date(2025, 6, 1)).days + 1


def test_a_period_ranks_by_its_own_likes_and_counts_only_them(engine, blog):
    stats = read_stats(engine, TODAY - timedelta(days=29), today=TODAY)

    assert [a.slug for a in stats.articles] == ["recent-hit", "old-favourite"]
    recent, old = stats.articles
    assert (recent.in_period, recent.total) == (4, 4)
    assert (old.in_period, old.total) == (1, 7)
    assert old.per_day == {TODAY - timedelta(days=2): 1}
    assert (stats.first_day, len(stats.days)) == (TODAY - timedelta(days=29), 30)
    assert (stats.total, stats.in_period) == (11, 5)


def test_days_are_utc_days_from_their_first_second(engine, store, database_url):
    store.register([ArticleInfo("edge")])
    day = date(2026, 3, 1)
    late = [at(day - timedelta(days=1), 23, 59), at(day, 0, 0), at(day, 1, 30), at(day, 23, 59)]
    record_likes(database_url, [("edge", moment) for moment in late])

    [every] = read_stats(engine, today=TODAY).articles
    [since] = read_stats(engine, day, today=TODAY).articles

    assert every.per_day == {day - timedelta(days=1): 1, day: 3}
    assert (since.per_day, since.in_period) == ({day: 3}, 3)


def test_the_top_keeps_the_best_and_zero_keeps_all(engine, blog):
    assert [a.slug for a in read_stats(engine, top=1, today=TODAY).articles] == ["old-favourite"]
    every = read_stats(engine, top=0, today=TODAY).articles
    assert [a.slug for a in every] == ["old-favourite", "recent-hit"]  # "quiet" has no likes


def test_the_other_articles_still_count_in_the_blog_series(engine, blog):
    stats = read_stats(engine, top=1, today=TODAY)

    assert stats.per_day[TODAY] == 2  # recent-hit's, though it is not listed
    assert sum(stats.per_day.values()) == 11


def test_named_articles_are_reported_even_without_likes(engine, blog):
    stats = read_stats(engine, slugs=["quiet", "recent-hit"], top=1, today=TODAY)

    assert [(a.slug, a.total) for a in stats.articles] == [("recent-hit", 4), ("quiet", 0)]


def test_an_unknown_article_is_named(engine, blog):
    with pytest.raises(UnknownArticle, match="no-such-post"):
        read_stats(engine, slugs=["quiet", "no-such-post"], today=TODAY)


def test_several_unknown_articles_are_each_named(engine, blog):
    with pytest.raises(UnknownArticle) as caught:
        read_stats(engine, slugs=["zz", "quiet", "aa"], today=TODAY)

    assert caught.value.slugs == ("zz", "aa")  # as the command line named them
    assert str(caught.value) == "unknown articles: 'zz', 'aa'"


def test_carried_over_counts_add_to_totals_but_have_no_day(engine, store, blog):
    store.set_base_likes({"quiet": 50})

    stats = read_stats(engine, today=TODAY)

    assert stats.articles[0].slug == "quiet"
    assert (stats.articles[0].total, stats.articles[0].in_period) == (50, 0)
    assert stats.articles[0].per_day == {}
    assert (stats.total, stats.in_period) == (61, 11)


def test_a_blog_without_likes_has_a_one_day_period(engine, store):
    store.register([ArticleInfo("new")])

    stats = read_stats(engine, today=TODAY)

    assert (stats.articles, stats.days, stats.total) == ([], [TODAY], 0)


def test_an_empty_database_is_an_error(engine):
    with pytest.raises(NoArticles, match="no articles in the database yet"):
        read_stats(engine, today=TODAY)


def test_a_database_without_tables_says_to_migrate(database_url):
    migrate.downgrade(database_url, "base")
    engine = open_stats_engine(database_url)
    try:
        with pytest.raises(StorageUnavailable, match="pelican-likes db upgrade"):
            read_stats(engine, today=TODAY)
    finally:
        engine.dispose()
        migrate.upgrade(database_url)


def test_a_missing_sqlite_file_is_an_error_and_is_not_created(tmp_path):
    path = tmp_path / "typo.sqlite3"

    with pytest.raises(StorageUnavailable, match="no database at"):
        open_stats_engine(f"sqlite:///{path}")

    assert not path.exists()
