"""applause-button's published counts (tests/fixtures/imports/README.md says where the shapes
come from): the DynamoDB items as an array or one per line, and the simpler shapes."""

import json
import shutil
from pathlib import Path

import pytest

from pelican_likes.imports import applause
from pelican_likes.imports.source import Count, SourceError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_the_published_array_of_items_reads_each_page_scheme_less_url_as_host_first():
    counts = applause.read(FIXTURES / "applause-export.json")

    assert [(c.address, c.likes) for c in counts][:3] == [
        ("//blog.example.com/posts/hello-world.html", 40),
        ("//www.blog.example.com/posts/hello-world.html", 2),
        ("https://blog.example.com/posts/hello-world.html", 1),
    ]
    assert counts[0].name == "blog.example.com/posts/hello-world.html"
    assert counts[0].place.endswith("applause-export.json: entry 1")
    assert len(counts) == 8


def test_items_one_per_line_as_dynamodb_exports_them(tmp_path):
    counts = applause.read(FIXTURES / "applause-export.jsonl")

    assert [(c.address, c.likes) for c in counts] == [
        ("//blog.example.com/posts/hello-world.html", 40),
        ("//blog.example.com/2019/old-post/", 15),
        ("//other.example.org/posts/hello-world.html", 999),
    ]
    assert counts[1].place.endswith("applause-export.jsonl:2")


@pytest.mark.parametrize(
    "document",
    [
        {"blog.example.com/post.html": 5, "blog.example.com/other/": "7"},
        [
            {"url": "blog.example.com/post.html", "claps": 5},
            {"url": "blog.example.com/other/", "claps": 7},
        ],
    ],
    ids=["url-to-claps", "get-multiple"],
)
def test_a_plain_mapping_and_the_get_multiple_answer(tmp_path, document):
    path = tmp_path / "claps.json"
    path.write_text(json.dumps(document))

    counts = applause.read(path)

    assert [(c.address, c.likes) for c in counts] == [
        ("//blog.example.com/post.html", 5),
        ("//blog.example.com/other/", 7),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"Item": {"url": {"S": "a.example/x"}, "claps": {"N": "-3"}}}]', "entry 1: claps must"),
        ('[{"Item": {"url": {"S": "a.example/x"}}}]', "entry 1: expected an item with 'url'"),
        ('[{"url": "a.example/x", "claps": 1}, {"url": "", "claps": 2}]', "entry 2: 'url' must"),
        ('[{"url": "a.example/x", "claps": 1.5}]', "entry 1: claps must be a whole number"),
        ('[{"url": "a.example/x", "claps": true}]', "entry 1: claps must be a whole number"),
        ('[{"url": "a.example/x", "claps": 2147483648}]', "from 0 to 2,147,483,647"),
        ('[{"url": "a.example/x", "claps": 1},\n', "claps.json:2: not JSON"),
        ('{"Item": {"url": {"S": "a/x"}, "claps": {"N": "1"}}}\n{"Item": \n', "claps.json:2: not"),
        ("not json at all", "claps.json:1: not JSON"),
    ],
)
def test_a_bad_entry_is_named_with_the_file_and_its_place(tmp_path, content, message):
    path = tmp_path / "claps.json"
    path.write_text(content)

    with pytest.raises(SourceError, match=r"claps\.json") as raised:
        applause.read(path)

    assert message in str(raised.value)


def test_a_file_not_in_utf8_is_named(tmp_path):
    path = tmp_path / "claps.json"
    path.write_bytes(b'{"caf\xe9.example/x": 1}')

    with pytest.raises(SourceError, match=r"claps.json: not UTF-8"):
        applause.read(path)


def test_the_reader_returns_counts_of_the_file_as_given(tmp_path):
    copy = tmp_path / "export.json"
    shutil.copy(FIXTURES / "applause-export.json", copy)

    assert all(isinstance(c, Count) and c.place.startswith(str(copy)) for c in applause.read(copy))
