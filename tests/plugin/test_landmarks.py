"""Landmark elements found by their tags, in pages shaped as themes write them."""

from pelican.plugins.likes.landmarks import article_end, open_at
from tests.plugin.pelican_builds import PAGES

NESTED = (PAGES / "nested-articles.html").read_text(encoding="utf-8")


def test_tags_in_scripts_and_comments_are_not_counted():
    content = NESTED.index("<p>The article's content.</p>")

    assert open_at(NESTED, 0, content) == {"article": 1}


def test_the_articles_end_is_that_of_the_outer_article_not_of_a_nested_one():
    end = article_end(NESTED, NESTED.index("</head>"))

    assert NESTED[:end].rstrip().endswith("</section>")
    assert NESTED[end:].startswith("</article>\n  <aside>")


def test_an_article_in_a_sidebar_before_the_post_is_passed_over():
    html = "<aside><article>Teaser</article></aside><main><article>Post</article></main>"

    assert html[: article_end(html, 0)].endswith("Post")


def test_without_an_article_the_end_of_main():
    html = "<header><nav>Menu</nav></header><main><h1>Post</h1></main><footer></footer>"

    assert html[: article_end(html, 0)].endswith("<h1>Post</h1>")


def test_without_article_or_main_none():
    assert article_end("<body><div><p>Text</p></div></body>", 0) is None
