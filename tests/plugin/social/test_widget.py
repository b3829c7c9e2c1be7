"""The widget's line of social counts: links readers follow without JavaScript, every value
escaped, and the count the script starts from when the social likes are summed."""

import xml.etree.ElementTree as ET

import pytest

from pelican.plugins.likes.social.links import SocialLink
from pelican.plugins.likes.texts import catalog_for
from pelican.plugins.likes.widget import widget_markup

ENGLISH = catalog_for(None).for_language("en", None)
POLISH = catalog_for(None).for_language("pl", None)
SHARED = (
    SocialLink("mastodon", "https://m.example/@a/1", 12),
    SocialLink("bluesky", "https://bsky.app/profile/a.example/post/3k", 5),
    SocialLink("webmention", "https://blog.example/a.html", 2),
    SocialLink("", "https://forum.example/t/1"),
)


def widget(social=SHARED, display="beside", count=3, texts=ENGLISH, hide_below=0) -> ET.Element:
    markup = widget_markup(
        "a", count, "/api", texts, "/a.html", social=social, social_display=display,
        hide_below=hide_below,
    )  # fmt: skip
    return ET.fromstring(str(markup))  # well-formed: the standard library parses it


def test_beside_links_each_post_with_its_count_as_u_syndication():
    line = widget().find("span[@class='likes-social']")

    links = [(a.get("class"), a.get("href"), a.text) for a in line.iter("a")]
    assert links == [
        ("u-syndication", "https://m.example/@a/1", "12 on Mastodon"),
        ("u-syndication", "https://bsky.app/profile/a.example/post/3k", "5 on Bluesky"),
        ("u-syndication", "https://forum.example/t/1", "forum.example"),
    ]
    assert "".join(line.itertext()) == (
        "12 on Mastodon · 5 on Bluesky · 2 on the web · forum.example"
    )


def test_beside_leaves_the_blog_s_own_count_alone():
    root = widget()

    assert root.get("data-likes-count") == "3"
    assert root.get("data-likes-social") is None


def test_sum_adds_every_service_s_likes_to_the_count_the_script_starts_from():
    root = widget(display="sum")

    assert root.get("data-likes-count") == "22"
    assert root.get("data-likes-social") == "19"
    assert root.find(".//span[@class='likes-count']").text == "22"
    assert root.find("button").get("aria-label") == "22 likes, like this article"
    names = [a.text for a in root.iter("a")]
    assert names == ["Mastodon", "Bluesky", "forum.example"]


def test_sum_counts_toward_hide_below():
    assert (
        widget(display="sum", hide_below=20).find(".//span[@class='likes-count']").get("hidden")
        is None
    )
    assert (
        widget(display="beside", hide_below=20).find(".//span[@class='likes-count']").get("hidden")
        == ""
    )


def test_hidden_shows_no_line():
    assert widget(display="hidden").find("span[@class='likes-social']") is None


def test_no_social_no_line():
    assert widget(social=()).find("span[@class='likes-social']") is None


def test_urls_and_texts_are_escaped():
    hostile = (SocialLink("", 'https://x.example/"><script>alert(1)</script>'),)

    line = widget(social=hostile).find("span[@class='likes-social']")

    [link] = line.iter("a")
    assert link.get("href") == 'https://x.example/"><script>alert(1)</script>'
    assert line.find(".//script") is None


@pytest.mark.parametrize(("count", "text"), [(1, "1 na Mastodonie"), (5, "5 na Mastodonie")])
def test_counts_are_in_the_article_s_language(count, text):
    social = (SocialLink("mastodon", "https://m.example/@a/1", count),)

    line = widget(social=social, texts=POLISH).find("span[@class='likes-social']")

    assert next(line.iter("a")).text == text
