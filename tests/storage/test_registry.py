"""The articles as the store lists them for matching other systems' counts, and base likes
checked without writing (``store`` runs once per backend)."""

import pytest

from pelican_likes.storage.store import ArticleAddress, ArticleInfo, LikeStore, UnknownArticle


def test_addresses_list_each_article_s_url_and_former_slugs(store: LikeStore):
    store.register(
        [
            ArticleInfo("b-post", "B", "https://blog.example/b.html"),
            ArticleInfo("a-post", "A", "/a.html"),
            ArticleInfo("older", "Older", "https://blog.example/older.html"),
            ArticleInfo("oldest", "Oldest", "https://blog.example/oldest.html"),
        ]
    )
    store.rename("older", "b-post")
    store.rename("oldest", "b-post")

    assert store.addresses() == [
        ArticleAddress("a-post", "/a.html"),
        ArticleAddress("b-post", "https://blog.example/b.html", ("older", "oldest")),
    ]


def test_an_empty_database_has_no_addresses(store: LikeStore):
    assert store.addresses() == []


def test_a_dry_run_of_base_likes_checks_the_slugs_and_writes_nothing(store: LikeStore):
    store.register([ArticleInfo("post", "Post", "/post.html")])

    store.set_base_likes({"post": 5}, dry_run=True)
    with pytest.raises(UnknownArticle, match="'missing'"):
        store.set_base_likes({"post": 5, "missing": 1}, dry_run=True)
    with pytest.raises(ValueError, match="base likes must be 0 to"):
        store.set_base_likes({"post": -1}, dry_run=True)

    assert store.counts(["post"]) == {"post": 0}
    store.set_base_likes({"post": 5})
    assert store.counts(["post"]) == {"post": 5}
