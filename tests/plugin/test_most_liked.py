"""``likes_most_liked(n)`` and the demo theme's "Most liked", from counts baked at build time."""

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pelican.contents import Article
from sqlalchemy import Engine, event

from pelican.plugins.likes.most_liked import MostLiked
from pelican.plugins.likes.settings import LikesSettings
from pelican_likes.storage import connections
from pelican_likes.storage.store import ArticleInfo
from tests.plugin.pelican_builds import pelican_settings

THEME = str(Path(__file__).resolve().parents[2] / "theme")
RANKED = ["ranked-2021.md", "ranked-2023.md", "ranked-2024.md", "ranked-opted-out.md"]
LIKES = {"ranked-2024": 5, "ranked-2023": 2, "ranked-2021": 2, "ranked-opted-out": 9}


class MostLikedList(HTMLParser):
    """The entries of a page's "Most liked" list: link, title, count, and the current one."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.entries: list[dict] = []
        self._inside = False
        self._field: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "aside" and values.get("class") == "most-liked":
            self._inside = True
        elif self._inside and tag == "a":
            current = values.get("aria-current") == "page"
            self.entries.append(
                {"href": values["href"], "title": "", "count": "", "current": current}
            )
            self._field = "title"
        elif self._inside and tag == "span":
            self._field = "count"

    def handle_endtag(self, tag):
        if tag == "aside":
            self._inside = False
        self._field = None

    def handle_data(self, data):
        if self._field:
            self.entries[-1][self._field] += data


@pytest.fixture
def liked(store):
    store.register([ArticleInfo(slug) for slug in LIKES])
    for slug, count in LIKES.items():
        for voter in range(count):
            store.like(slug, f"{voter:064x}")


def test_the_demo_blog_lists_the_most_liked_on_the_index_and_on_articles(
    build_site, liked, database_url
):
    site = build_site([*RANKED, "astro-post.md"], THEME=THEME, LIKES_DATABASE_URL=database_url)

    expected = [
        {"href": "/ranked-2024.html", "title": "Ranked in 2024", "count": "5 likes"},
        {"href": "/ranked-2023.html", "title": "Ranked in 2023", "count": "2 likes"},  # newer
        {"href": "/ranked-2021.html", "title": "Ranked in 2021", "count": "2 likes"},
    ]  # first-post has no like, and the opted-out article no widget
    index = MostLikedList(site.page("index.html")).entries
    assert [{k: e[k] for k in ("href", "title", "count")} for e in index] == expected
    assert not any(entry["current"] for entry in index)
    article = MostLikedList(site.page("ranked-2023.html")).entries
    assert [entry["href"] for entry in article] == [entry["href"] for entry in expected]
    assert [entry["current"] for entry in article] == [False, True, False]


def test_no_like_yet_means_no_most_liked_list(build_site, sqlite_url):
    site = build_site(RANKED, THEME=THEME, LIKES_DATABASE_URL=sqlite_url)
    assert 'class="most-liked"' not in site.page("index.html")


def test_the_theme_builds_with_likes_turned_off(build_site, sqlite_url):
    site = build_site(RANKED, THEME=THEME, LIKES_ENABLED=False, LIKES_DATABASE_URL=sqlite_url)
    assert 'class="most-liked"' not in site.page("index.html")
    assert "Ranked in 2024" in site.page("index.html")


def test_more_pages_make_no_more_queries(
    build_site, tmp_path, liked, database_url, storage_in_process, monkeypatch
):
    """The demo theme calls likes_most_liked on every page; the build's statements stay those
    that register the articles, close those with likes turned off (``likes: false`` here) and
    read their counts, however many pages there are. Counted where they reach the driver:
    through SQLAlchemy, and on the driver's cursor (counts)."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def cursor_rows(dbapi_connection, sql, parameters):
        statements.append(sql)
        return connections.cursor_rows(dbapi_connection, sql, parameters)

    monkeypatch.setattr("pelican_likes.storage.engines.cursor_rows", cursor_rows)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        build_site(
            [*RANKED[:2], "ranked-opted-out.md"], THEME=THEME, LIKES_DATABASE_URL=database_url
        )
        few = len(statements)
        statements.clear()
        more = [*RANKED, "astro-post.md", "script-title.md", "hugo-json.md"]
        site = build_site(more, THEME=THEME, LIKES_DATABASE_URL=database_url)
    finally:
        event.remove(Engine, "before_cursor_execute", count)

    assert len(MostLikedList(site.page("script-title.html")).entries) == 3
    assert len(statements) == few == 3


def article(slug: str, day: int, likes: int, status: str = "published") -> Article:
    metadata = {"title": slug, "slug": slug, "date": datetime(2024, 1, day, tzinfo=UTC)}
    made = Article("", metadata={**metadata, "status": status}, settings=pelican_settings())
    made.likes_count = likes
    return made


def test_n_limits_the_list_and_equal_counts_go_newest_first():
    published = [article("a", 1, 3), article("b", 2, 7), article("c", 3, 3), article("d", 4, 0)]
    most_liked = MostLiked({"articles": published}, LikesSettings())

    assert [a.slug for a in most_liked(5)] == ["b", "c", "a"]
    assert [a.slug for a in most_liked(2)] == ["b", "c"]
    assert most_liked(0) == []


def test_a_later_list_of_articles_is_ranked_anew():
    context = {"articles": [article("a", 1, 1)]}
    most_liked = MostLiked(context, LikesSettings())
    assert [a.slug for a in most_liked(3)] == ["a"]

    context["articles"] = [article("a", 1, 1), article("b", 2, 4)]

    assert [a.slug for a in most_liked(3)] == ["b", "a"]


@pytest.mark.parametrize("n", [-1, 2.5, "3", True, None])
def test_n_must_be_a_whole_number(n):
    with pytest.raises(ValueError, match=r"likes_most_liked\(n\) takes a whole number"):
        MostLiked({"articles": []}, LikesSettings())(n)


def test_likes_turned_off_lists_nothing():
    published = [article("a", 1, 3)]
    assert MostLiked({"articles": published}, LikesSettings(enabled=False))(5) == []
