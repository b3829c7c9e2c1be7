"""webmention.io's lists of mentions (tests/fixtures/imports/README.md says where the shapes come
from): the likes of each target counted once each, everything else left out."""

import json
from pathlib import Path

import pytest

from pelican_likes.imports import webmention_io
from pelican_likes.imports.source import SourceError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_the_jf2_feed_counts_each_like_once_and_no_reply():
    counts = webmention_io.read(FIXTURES / "webmention-io-mentions.jf2")

    assert [(c.address, c.likes) for c in counts] == [
        ("https://blog.example.com/posts/hello-world.html?utm_source=mastodon", 1),
        ("http://www.blog.example.com/posts/hello-world.html#comments", 1),
        ("https://blog.example.com/posts/caf%C3%A9-au-lait/index.html", 1),
        ("https://blog.example.com/about/", 1),
    ]
    assert counts[2].place.endswith("webmention-io-mentions.jf2: entry 5")


def test_the_json_list_of_links_counts_likes_by_activity_type():
    counts = webmention_io.read(FIXTURES / "webmention-io-mentions.json")

    assert [(c.address, c.likes) for c in counts] == [
        ("https://blog.example.com/posts/hello-world.html?utm_source=mastodon", 1),
        ("https://blog.example.com/posts/caf%C3%A9-au-lait/", 1),
    ]


def test_saved_pages_in_one_array_add_up_and_repeats_count_once(tmp_path):
    page = json.loads((FIXTURES / "webmention-io-mentions.jf2").read_text())
    second = {
        "type": "feed",
        "children": [
            {"wm-id": 2001, "wm-property": "like-of", "wm-target": "https://blog.example.com/x"},
            {"wm-id": 2002, "wm-property": "like-of", "wm-target": "https://blog.example.com/x"},
        ],
    }
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([page, second, page]))

    counts = {c.address: c.likes for c in webmention_io.read(path)}

    assert counts["https://blog.example.com/x"] == 2
    assert counts["https://blog.example.com/about/"] == 1
    assert sum(counts.values()) == 6


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"count": 4, "type": {"like": 3}}, "api/count.json does not say which page"),
        ({"type": "feed"}, "expected webmention.io's api/mentions.jf2"),
        ({"children": [{"wm-property": "like-of"}]}, "entry 1: a like without its target"),
        ({"children": [{"wm-property": "reply"}, 3]}, "entry 2: expected a mention"),
        ({"links": [{"activity": {"type": "like"}, "target": ""}]}, "entry 1: a like without"),
    ],
)
def test_a_file_that_is_no_list_of_mentions_is_named(tmp_path, document, message):
    path = tmp_path / "mentions.json"
    path.write_text(json.dumps(document))

    with pytest.raises(SourceError) as raised:
        webmention_io.read(path)

    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_a_broken_file_is_named_at_its_line(tmp_path):
    path = tmp_path / "mentions.jf2"
    path.write_text('{"children": [\n  {"wm-id": 1,}\n]}')

    with pytest.raises(SourceError, match=r"mentions.jf2:2: not JSON"):
        webmention_io.read(path)
