"""Where the widget and its script and stylesheet land: in written pages, and in real builds."""

import re

import pytest
from markupsafe import Markup

from pelican.plugins.likes.assets import STATIC_FOLDER
from pelican.plugins.likes.placement import place
from tests.plugin.pelican_builds import HELPER_THEME, PAGES, likes_warnings
from tests.support import theme_path

CONTENT = "<p>The article's content.</p>"
WIDGET = Markup('<div class="likes" data-likes-slug="first-post" data-likes-count="3"></div>')
HEAD_TAGS = (
    '<link rel="stylesheet" href="/likes/likes.css">\n'
    '<script src="/likes/likes.js" defer></script>\n'
)


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def placed(name: str, widget: Markup = WIDGET, content: str = CONTENT) -> str:
    return place(page(name), widget, "first-post", content, "")


def test_widget_goes_inside_the_element_that_holds_only_the_content_at_its_end():
    html = placed("nested-articles.html")

    # In the content's <div> (its column, its padding), not after it: beside the <div>, the
    # widget would be a column of its own in a floated or grid layout.
    assert f'<div class="content">{CONTENT}\n{WIDGET}\n</div>' in html
    assert html.count(str(WIDGET)) == 1


def test_widget_follows_the_content_when_its_element_holds_more():
    html = placed("content-then-comments.html")

    assert f"{CONTENT}\n{WIDGET}\n" in html
    assert html.index(str(WIDGET)) < html.index('<div id="disqus_thread">')


def test_script_and_stylesheet_go_at_the_end_of_head():
    html = placed("nested-articles.html")

    assert HEAD_TAGS + "</head>" in html
    assert html.index("</head>") < html.index(str(WIDGET))


def test_without_an_article_element_the_widget_follows_the_content():
    html = placed("content-without-article.html")

    assert CONTENT + f"\n{WIDGET}\n" in html


def test_content_a_theme_rewrote_puts_the_widget_at_the_end_of_the_article(caplog):
    html = place(page("filtered-content.html"), WIDGET, "first-post", CONTENT, "", "post.html")

    assert html.endswith(f"rewrote it.</p>\n  \n{WIDGET}\n</article>\n</body>\n</html>\n")
    assert "post.html" in caplog.text


def test_content_a_theme_rewrote_in_a_page_without_article_or_main_goes_before_body_end(caplog):
    html = place(
        page("filtered-content-without-landmarks.html"), WIDGET, "first-post", CONTENT, "", "p.html"
    )

    assert html.endswith(f"</div>\n\n{WIDGET}\n</body>\n</html>\n")
    assert "p.html" in caplog.text


def test_a_summary_printed_above_the_content_is_passed_over():
    html = placed("summary-then-content.html")

    # A short article's summary is its whole content: the copies in the article's header and
    # in the sidebar are not its body.
    assert f"</header>\n      {CONTENT}\n{WIDGET}\n\n      <footer>" in html


def test_a_page_without_head_gets_the_assets_before_the_widget():
    html = place(f"<p>Intro</p><div>{CONTENT}</div>", WIDGET, "first-post", CONTENT, "")

    assert html == f"<p>Intro</p><div>{CONTENT}{HEAD_TAGS}\n{WIDGET}\n</div>"


def test_a_widget_the_theme_placed_is_not_doubled_and_gets_its_assets():
    original = page("theme-placed-widget.html")

    html = placed("theme-placed-widget.html")

    assert html.count("data-likes-slug") == 1
    assert html == original.replace("</head>", HEAD_TAGS + "</head>")


def test_a_page_with_everything_in_place_is_left_alone():
    assert placed("theme-placed-widget-and-assets.html") == page(
        "theme-placed-widget-and-assets.html"
    )


def test_a_page_without_widgets_gets_no_assets():
    assert placed("filtered-content.html", widget=Markup("")) == page("filtered-content.html")


def test_asset_urls_follow_the_pages_siteurl():
    html = place(page("nested-articles.html"), WIDGET, "first-post", CONTENT, "../..")

    assert '<link rel="stylesheet" href="../../likes/likes.css">' in html
    assert '<script src="../../likes/likes.js" defer></script>' in html


# Real builds ---------------------------------------------------------------------------------

WIDGET_ROOT = re.compile(
    r'<form class="likes" [^>]*data-likes-slug="([^"]+)" data-likes-count="(\d+)"'
)


def widgets(html: str) -> list[tuple[str, str]]:
    return WIDGET_ROOT.findall(html)


def test_pelicans_default_theme_shows_the_widget_at_the_end_of_the_article(build_site, sqlite_url):
    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=sqlite_url)

    html = site.page("first-post.html")
    assert widgets(html) == [("first-post", "0")]
    assert 'data-likes-api="/api"' in html
    entry = html[html.index('<div class="entry-content">') : html.index("<!-- /.entry-content")]
    # Inside the text column, after the content, before the column's end.
    assert entry.index("</p>") < entry.index('<form class="likes"') < entry.index("</div>")
    assert '<link rel="stylesheet" href="/likes/likes.css">' in html
    assert '<script src="/likes/likes.js" defer></script>' in html
    assert html.index("likes/likes.js") < html.index("</head>")


def test_the_widgets_files_are_copied_into_the_output(build_site, sqlite_url):
    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=sqlite_url)

    copied = sorted((site.output / "likes").iterdir())
    assert [path.name for path in copied] == ["likes.css", "likes.js"]
    for path in copied:
        assert path.read_bytes() == (STATIC_FOLDER / path.name).read_bytes()


def test_the_api_url_setting_reaches_the_widget(build_site, sqlite_url):
    site = build_site(
        ["astro-post.md"],
        LIKES_API_URL="https://likes.example/api",
        LIKES_DATABASE_URL=sqlite_url,
    )

    assert 'data-likes-api="https://likes.example/api"' in site.page("first-post.html")


def test_no_inline_script_is_added(build_site, sqlite_url):
    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=sqlite_url)

    scripts = re.findall(r"<script\b[^>]*>", site.page("first-post.html"))
    assert scripts == ['<script src="/likes/likes.js" defer>']


def test_pages_without_a_widget_do_not_load_its_files(build_site, sqlite_url):
    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=sqlite_url)

    for name in ("index.html", "tags.html", "archives.html"):
        assert "likes/likes.js" not in site.page(name)


def test_a_theme_that_places_the_widget_itself(build_site, sqlite_url):
    site = build_site(
        ["astro-post.md", "hugo-json.md"], THEME=str(HELPER_THEME), LIKES_DATABASE_URL=sqlite_url
    )

    article = site.page("first-post.html")
    assert widgets(article) == [("first-post", "0")]
    assert article.index('<div class="theme-slot"><form class="likes"') < article.index(
        "Lorem ipsum"
    )
    assert "likes/likes.js" in article
    # Listing pages show each article's count with the same helper, and get the files too.
    index = site.page("index.html")
    assert sorted(widgets(index)) == [("first-post", "0"), ("json-post", "0")]
    assert index.count("likes/likes.js") == 1


def test_auto_inject_off_leaves_placement_to_the_theme(build_site, sqlite_url):
    site = build_site(["astro-post.md"], LIKES_AUTO_INJECT=False, LIKES_DATABASE_URL=sqlite_url)

    html = site.page("first-post.html")
    assert widgets(html) == []
    assert "likes/likes.js" not in html


@pytest.mark.parametrize(
    ("settings", "stylesheet"),
    [
        (
            {"RELATIVE_URLS": True, "ARTICLE_URL": "posts/{slug}/"},
            "../../likes/likes.css",
        ),
        (
            {"SITEURL": "https://blog.example", "ARTICLE_URL": "posts/{slug}/"},
            "https://blog.example/likes/likes.css",
        ),
    ],
)
def test_asset_urls_follow_siteurl_and_relative_urls(build_site, sqlite_url, settings, stylesheet):
    site = build_site(
        ["astro-post.md"],
        ARTICLE_SAVE_AS="posts/{slug}/index.html",
        LIKES_DATABASE_URL=sqlite_url,
        **settings,
    )

    html = site.page("posts/first-post/index.html")
    assert f'<link rel="stylesheet" href="{stylesheet}">' in html
    assert stylesheet.replace(".css", ".js") in html


def test_an_article_without_text_gets_the_widget_where_its_text_would_be(
    build_site, sqlite_url, caplog
):
    site = build_site(["empty-post.md"], LIKES_DATABASE_URL=sqlite_url)

    html = site.page("photos-from-the-bank.html")
    entry = html[html.index('<div class="entry-content">') : html.index("<!-- /.entry-content")]
    assert widgets(entry) == [("photos-from-the-bank", "0")]
    assert "likes:" not in html
    assert likes_warnings(caplog) == []


def test_a_theme_showing_nothing_for_an_empty_article_gets_the_widget_at_the_articles_end(
    build_site, sqlite_url, caplog
):
    site = build_site(
        ["empty-post.md"], THEME=str(theme_path("grid-columns")), LIKES_DATABASE_URL=sqlite_url
    )

    html = site.page("photos-from-the-bank.html")
    assert widgets(html) == [("photos-from-the-bank", "0")]
    assert re.search(
        r"</aside>\s*</div>\s*<form class=\"likes\".*?</form>\s*</article>", html, re.S
    )
    assert likes_warnings(caplog) == []


def test_a_short_articles_widget_follows_its_text_not_its_summary(build_site, sqlite_url):
    site = build_site(
        ["short-post.md"], THEME=str(theme_path("summary-first")), LIKES_DATABASE_URL=sqlite_url
    )

    html = site.page("a-note-on-the-ford.html")
    text = "<p>The ford was passable again.</p>"
    assert html.count(text) == 2
    assert html.index("</header>") < html.index('<form class="likes"')
    assert re.search(f'</header>\\s*{text}\\s*<form class="likes"', html)


def test_floated_columns_get_the_widget_inside_the_text_column(build_site, sqlite_url):
    site = build_site(
        ["astro-post.md"], THEME=str(theme_path("float-columns")), LIKES_DATABASE_URL=sqlite_url
    )

    html = site.page("first-post.html")
    column = html[html.index('<div class="c9">') : html.index('<div class="c3">')]
    assert widgets(column) == [("first-post", "0")]
    assert re.search(r"</form>\s*</div>\s*$", column)


def test_an_article_without_text_in_a_theme_that_places_the_widget_keeps_the_themes(
    build_site, sqlite_url
):
    site = build_site(["empty-post.md"], THEME=str(HELPER_THEME), LIKES_DATABASE_URL=sqlite_url)

    html = site.page("photos-from-the-bank.html")
    assert widgets(html) == [("photos-from-the-bank", "0")]
    assert '<div class="theme-slot"><form class="likes"' in html
