"""Hypothesis on the frontmatter reader: whatever values a YAML frontmatter holds, the reader
answers with an article or a one-line skip, and a build around such articles completes."""

import datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican import Pelican

from pelican.plugins.likes.frontmatter_reader import SKIP_REASON, FrontmatterReader
from tests.plugin.pelican_builds import pelican_settings

KNOWN_FIELDS = [
    "title", "pubDate", "date", "publishDate", "updatedDate", "lastmod", "modified",
    "description", "excerpt", "summary", "tags", "keywords", "subcategories", "category",
    "categories", "heroImage", "image", "cover", "subtitle", "draft", "slug", "author",
    "authors", "likes", "status", "lang", "template", "url", "save_as",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.timezones())
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
frontmatters = st.dictionaries(
    st.sampled_from(KNOWN_FIELDS) | st.text(min_size=1, max_size=12), values, max_size=8
)

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def write_article(path: Path, fields: dict) -> None:
    text = yaml.safe_dump(fields, allow_unicode=True, default_flow_style=False)
    path.write_text(f"---\n{text}---\nSome *body* text.\n", encoding="utf-8")


@SETTINGS
@given(fields=frontmatters)
def test_the_reader_answers_every_frontmatter(tmp_path_factory, fields):
    path = tmp_path_factory.mktemp("fuzz") / "post.md"
    write_article(path, fields)
    content, metadata = FrontmatterReader(pelican_settings()).read(str(path))
    assert isinstance(content, str)
    if metadata.get("status") == "skip" and SKIP_REASON in metadata:
        assert "post.md" in metadata[SKIP_REASON]
        assert "\n" not in metadata[SKIP_REASON]


@settings(max_examples=20, deadline=None)
@given(articles=st.lists(frontmatters, min_size=1, max_size=3))
def test_a_build_survives_any_frontmatter(tmp_path_factory, articles):
    """The odd articles are built or skipped with a line; the good one is always published."""
    root = tmp_path_factory.mktemp("fuzzbuild")
    content = root / "content"
    content.mkdir()
    for n, fields in enumerate(articles):
        write_article(content / f"odd-{n}.md", fields)
    write_article(
        content / "good.md",
        {"title": "Good", "pubDate": datetime.date(2024, 4, 7), "slug": "good-one"},
    )
    config = pelican_settings(
        PATH=str(content),
        OUTPUT_PATH=str(root / "output"),
        LIKES_DATABASE_URL=f"sqlite:///{root / 'none.sqlite3'}",
    )
    Pelican(config).run()
    assert 'data-likes-slug="good-one"' in (root / "output" / "good-one.html").read_text()
