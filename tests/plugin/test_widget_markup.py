"""The widget's markup: the contract the script and stylesheet rely on, with every value escaped."""

import xml.etree.ElementTree as ET

import pytest
from pelican.contents import Article

from pelican.plugins.likes.frontmatter_reader import FrontmatterReader
from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.widget import LikesWidget, widget_markup
from tests.plugin.pelican_builds import ARTICLES, pelican_settings


def parsed(markup: str) -> ET.Element:
    # The widget is well-formed XML (no void elements), so the standard library can parse it.
    return ET.fromstring(str(markup))


def article(name: str, **settings: object) -> Article:
    config = pelican_settings(**settings)
    content, metadata = FrontmatterReader(config).read(str(ARTICLES / name))
    return Article(content, metadata, settings=config)


def test_the_markup_contract():
    root = parsed(widget_markup("first-post", 12, "/api"))

    assert root.tag == "div"
    assert root.get("class") == "likes"
    assert root.get("data-likes-slug") == "first-post"
    assert root.get("data-likes-count") == "12"
    assert root.get("data-likes-api") == "/api"
    button = root.find("button")
    assert button.get("type") == "button"
    assert button.get("class") == "likes-button"
    assert button.get("aria-pressed") == "false"
    assert button.get("aria-label") == "12 likes, like this article"
    icon = button.find("svg")
    assert (icon.get("aria-hidden"), icon.get("focusable")) == ("true", "false")
    assert button.find("span[@class='likes-count']").text == "12"
    status = root.find("span[@class='likes-status']")
    assert (status.get("role"), status.get("aria-live")) == ("status", "polite")


@pytest.mark.parametrize(
    ("count", "label"),
    [(0, "0 likes"), (1, "1 like"), (2, "2 likes")],
)
def test_the_accessible_name_says_the_count(count, label):
    button = parsed(widget_markup("a", count, "/api")).find("button")

    assert button.get("aria-label") == f"{label}, like this article"


def test_every_value_is_escaped():
    markup = widget_markup('x" onclick="alert(1)', 1, 'https://api.example/?a=1&b="2"')

    root = parsed(markup)
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
