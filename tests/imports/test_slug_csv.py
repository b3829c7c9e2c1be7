"""``slug,likes`` rows (the command's tests hold its errors: tests/commands/test_counts.py)."""

from pathlib import Path

import pytest

from pelican_likes.imports import slug_csv
from pelican_likes.imports.source import SourceError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_rows_become_slug_counts_in_file_order():
    counts = slug_csv.read(FIXTURES / "slug-counts.csv")

    assert [(c.slug, c.likes, c.address) for c in counts] == [
        ("hello-world", 41, ""),
        ("café-au-lait", 3, ""),
    ]
    assert counts[0].place.endswith("slug-counts.csv:2")


def test_a_file_not_in_utf8_is_named(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_bytes(b"caf\xe9,1\n")

    with pytest.raises(SourceError, match=r"counts\.csv: not UTF-8"):
        slug_csv.read(path)
