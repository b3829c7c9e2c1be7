"""Lyket's buttons CSV (tests/fixtures/imports/README.md says where the shape comes from)."""

from pathlib import Path

import pytest

from pelican_likes.imports import lyket
from pelican_likes.imports.source import SourceError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_each_button_id_is_a_slug_and_only_likes_and_claps_count():
    counts = lyket.read(FIXTURES / "lyket-buttons.csv")

    assert [(c.slug, c.likes, c.refused) for c in counts] == [
        ("hello-world", 12, ""),
        ("old-post", 30, ""),
        ("hello-world", 5, "updown buttons do not count likes"),
        ("no-such-post", 3, ""),
    ]
    assert counts[1].name == "clap-buttons/blog/old-post"
    assert counts[1].place.endswith("lyket-buttons.csv:3")


def test_a_header_is_read_as_lyket_reads_it_and_a_namespace_is_optional(tmp_path):
    path = tmp_path / "buttons.csv"
    path.write_text("\ufeffPath, Amount\nlike-buttons/first-post,4\n")

    assert [(c.slug, c.likes) for c in lyket.read(path)] == [("first-post", 4)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("slug,likes\nx,1\n", "buttons.csv:1: expected Lyket's header 'path,amount'"),
        ("path,amount\nposts/x,1\n", "buttons.csv:2: expected a button's path"),
        ("path,amount\nlike-buttons/a/b/c,1\n", "buttons.csv:2: expected a button's path"),
        ("path,amount\nlike-buttons/a/b\n", "buttons.csv:2: expected 'path,amount'"),
        ("path,amount\nlike-buttons/a/b,many\n", "buttons.csv:2: amount must be a whole number"),
        (
            "path,amount\nlike-buttons/a/b,1\nlike-buttons/a/b,2\n",
            "buttons.csv:3: 'like-buttons/a/b' is listed again with another amount",
        ),
        ('path,amount\n"like-buttons/a/b,1\n', "buttons.csv:2: unexpected end of data"),
    ],
)
def test_a_bad_row_is_named_with_its_line(tmp_path, content, message):
    path = tmp_path / "buttons.csv"
    path.write_text(content)

    with pytest.raises(SourceError) as raised:
        lyket.read(path)

    assert message in str(raised.value)
