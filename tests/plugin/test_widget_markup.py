"""The widget's markup: the contract the script and stylesheet rely on, with every value escaped."""

import json
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup
from pelican.contents import Article

from pelican.plugins.likes.frontmatter_reader import FrontmatterReader
from pelican.plugins.likes.icons import SHIPPED
from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.texts import catalog_for
from pelican.plugins.likes.widget import LikesWidget, widget_markup
from tests.plugin.pelican_builds import ARTICLES, pelican_settings

ENGLISH = catalog_for(None).for_language("en", None)
FRENCH = catalog_for(None).for_language("fr", None)


def markup(
    slug: str = "first-post", count: int = 12, api: str = "/api", texts=ENGLISH, hide_below=0
):
    return widget_markup(slug, count, api, texts, f"/{slug}.html", hide_below=hide_below)


def parsed(markup: str) -> ET.Element:
    # The widget is well-formed XML (no void elements), so the standard library can parse it.
    return ET.fromstring(str(markup))


def article(name: str, **settings: object) -> Article:
    config = pelican_settings(**settings)
    content, metadata = FrontmatterReader(config).read(str(ARTICLES / name))
    return Article(content, metadata, settings=config)


def test_the_markup_contract():
    root = parsed(markup())

    assert root.tag == "form"
    assert root.get("class") == "likes"
    assert (root.get("method"), root.get("action")) == (
        "post",
        "/api/form-likes/first-post?return=/first-post.html&lang=en",
    )
    assert (root.get("lang"), root.get("dir")) == ("en", "ltr")
    assert root.get("data-likes-slug") == "first-post"
    assert root.get("data-likes-count") == "12"
    assert root.get("data-likes-api") == "/api"
    assert json.loads(root.get("data-likes-texts")) == {
        "label": {
            "one": "{count} like, like this article",
            "other": "{count} likes, like this article",
        },
        "error": "Your like could not be saved. Please try again.",
        "limit": "Too many likes from your network today.",
    }
    button = root.find("button")
    assert button.get("type") == "submit"  # the form posts without the script
    assert button.get("class") == "likes-button"
    assert button.get("aria-pressed") == "false"
    assert button.get("aria-label") == "12 likes, like this article"
    icon = button.find("svg")
    assert (icon.get("aria-hidden"), icon.get("focusable")) == ("true", "false")
    assert button.find("span[@class='likes-count']").text == "12"
    status = root.find("span[@class='likes-status']")
    assert (status.get("role"), status.get("aria-live")) == ("status", "polite")
    counted = root.find("span[@class='likes-counted']")
    assert (counted.get("id"), counted.get("hidden")) == ("likes-counted-first-post", "")
    assert counted.text == "Thanks, your like is counted."


@pytest.mark.parametrize(
    ("count", "label"),
    [(0, "0 likes"), (1, "1 like"), (2, "2 likes"), (1234, "1,234 likes")],
)
def test_the_accessible_name_says_the_count(count, label):
    button = parsed(markup("a", count)).find("button")

    assert button.get("aria-label") == f"{label}, like this article"


def test_a_widget_in_another_language_writes_its_words_and_digits():
    root = parsed(markup(count=1234, texts=FRENCH))

    assert (root.get("lang"), root.get("dir")) == ("fr", "ltr")
    assert root.get("data-likes-count") == "1234"  # for the script: digits only
    assert root.find("button/span").text == "1\u202f234"
    assert root.find("button").get("aria-label") == "1\u202f234 j\u2019aime, aimer cet article"
    assert root.find("span[@class='likes-counted']").text == "Merci, votre j\u2019aime est compté."
    assert root.get("action").endswith("&lang=fr")  # for the API's page if the like fails


def test_the_form_goes_to_the_api_and_comes_back_to_the_page():
    root = parsed(widget_markup("été-2024", 0, "https://likes.example/api/", ENGLISH, "/été.html"))

    assert root.get("action") == (
        "https://likes.example/api/form-likes/%C3%A9t%C3%A9-2024?return=/%C3%A9t%C3%A9.html&lang=en"
    )


def test_every_value_is_escaped():
    root = parsed(markup('x" onclick="alert(1)', 1, 'https://api.example/?a=1&b="2"'))

    assert root.get("data-likes-slug") == 'x" onclick="alert(1)'
    assert root.get("onclick") is None
    assert root.get("data-likes-api") == 'https://api.example/?a=1&b="2"'


def test_the_jinja_global_bakes_the_articles_count():
    post = article("astro-post.md")
    post.likes_count = 7

    root = parsed(LikesWidget(LikesSettings(api_url="https://likes.example/api"))(post))

    assert root.get("data-likes-slug") == "first-post"
    assert root.get("data-likes-count") == "7"
    assert root.get("data-likes-api") == "https://likes.example/api"
    assert (
        root.get("action")
        == "https://likes.example/api/form-likes/first-post?return=/first-post.html&lang=en"
    )


def test_a_widget_drawn_again_shows_the_articles_count_and_page_of_the_moment():
    post = article("astro-post.md")
    widget = LikesWidget(LikesSettings())
    first = widget(post)
    assert widget(post) == first  # a listing draws the same widget as the page

    post.likes_return_url = "/notes/first-post.html"
    assert parsed(widget(post)).get("action").endswith("?return=/notes/first-post.html&lang=en")
    post.likes_count = 3
    assert parsed(widget(post)).get("data-likes-count") == "3"
    assert isinstance(widget(post), Markup)


def test_the_form_returns_under_an_absolute_or_root_relative_siteurl():
    post = article("astro-post.md")

    for siteurl, back in [
        ("https://blog.example/notes", "https://blog.example/notes/first-post.html"),
        ("/notes", "/notes/first-post.html"),
        ("..", "/first-post.html"),  # RELATIVE_URLS: the root of the sending page's origin
        ("", "/first-post.html"),
    ]:
        root = parsed(LikesWidget(LikesSettings(), siteurl=siteurl)(post))
        assert root.get("action").endswith(f"?return={back}&lang=en")


def test_the_widget_speaks_the_articles_language_else_the_blogs():
    post = article("astro-post-fr.md")
    widget = LikesWidget(LikesSettings(), default_lang="de")
    assert parsed(widget(post)).get("lang") == "fr"

    post.lang = "sv"  # no words shipped for Swedish: the blog's DEFAULT_LANG speaks
    assert parsed(widget(post)).get("lang") == "de"


def test_an_article_the_build_did_not_count_shows_zero():
    root = parsed(LikesWidget(LikesSettings())(article("astro-post.md")))

    assert root.get("data-likes-count") == "0"


@pytest.mark.parametrize(
    "name",
    [
        "hugo-toml.md",  # draft
        "jekyll-post.md",  # published: false
        "lists-and-markdown.md",  # likes: false
        "native-pelican.md",  # Likes: false, in Pelican's own metadata
    ],
)
def test_no_widget_where_none_belongs(name):
    assert LikesWidget(LikesSettings())(article(name)) == ""


def test_no_widget_for_a_slug_the_api_would_refuse():
    post = article("astro-post.md")
    post.slug = "a slug/with spaces"

    assert LikesWidget(LikesSettings())(post) == ""


def test_no_widget_when_likes_are_turned_off():
    assert LikesWidget(LikesSettings(enabled=False))(article("astro-post.md")) == ""


@pytest.mark.parametrize("name", ["heart", "star"])
def test_the_widget_shows_the_icon_of_likes_icon(name):
    post = article("astro-post.md")

    icon = parsed(LikesWidget(LikesSettings(icon=name))(post)).find("button/svg")

    assert icon.find("path").get("d") == SHIPPED[name]
    assert icon.get("aria-hidden") == "true"


def test_the_default_widget_is_as_it_was():
    """The thumb, no hiding attribute, no name without a count: the same bytes as before."""
    html = str(LikesWidget(LikesSettings())(article("astro-post.md")))

    assert (
        '<svg class="likes-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24">'
        '<path d="M7 11v10H3V11zm0 0 4-8c1.5 0 3 1 3 3v3h5a2 2 0 0 1 2 2.4l-1.5 7.2A2 2 0 0 1 17.5'
        ' 21H7"/></svg>\n    <span class="likes-count">0</span>'
    ) in html
    assert "hide-below" not in html and "&#34;action&#34;" not in html


@pytest.mark.parametrize(
    ("count", "shown", "label"),
    [
        (0, False, "Like this article"),
        (2, False, "Like this article"),
        (3, True, "3 likes, like this article"),
        (1234, True, "1,234 likes, like this article"),
    ],
)
def test_a_count_under_likes_hide_below_is_hidden_and_left_out_of_the_name(count, shown, label):
    post = article("astro-post.md")
    post.likes_count = count

    root = parsed(LikesWidget(LikesSettings(hide_below=3))(post))

    assert root.get("data-likes-hide-below") == "3"
    assert root.get("data-likes-count") == str(count)  # for the script, which hides it too
    assert (root.find("button/span").get("hidden") is None) is shown
    assert root.find("button").get("aria-label") == label
    assert json.loads(root.get("data-likes-texts"))["action"] == "Like this article"


def test_a_french_widget_names_its_button_in_french_while_hiding_the_count():
    root = parsed(markup(count=1, texts=FRENCH, hide_below=5))

    assert root.find("button").get("aria-label") == "Aimer cet article"


@pytest.mark.parametrize("hide_below", [-1, 2.5, "3", True])
def test_a_likes_hide_below_that_is_no_count_shows_every_count(hide_below):
    root = parsed(LikesWidget(LikesSettings(hide_below=hide_below))(article("astro-post.md")))

    assert root.get("data-likes-hide-below") is None
    assert root.find("button/span").get("hidden") is None
