"""The widget's files as readers download them: within their size budget, and free of the DOM
calls that would turn a count or a slug into markup.

That pages reference the files with ``defer`` and carry no inline script is tested on real builds
in test_widget_placement.py and test_site_build.py.
"""

import gzip
import re

import pytest

from pelican.plugins.likes.assets import STATIC_FOLDER
from tests.support import WEIGHT_BUDGETS

# Each would let text from the API or the page become HTML or code: counts go in via textContent.
UNSAFE_IN_SCRIPT = [
    r"\.innerHTML\b",
    r"\.outerHTML\b",
    r"\binsertAdjacentHTML\b",
    r"\bdocument\.write(ln)?\b",
    r"\beval\s*\(",
    r"\bnew\s+Function\b",
    r"\bset(Timeout|Interval)\s*\(\s*[\"'`]",
]


@pytest.mark.parametrize(("name", "budget"), WEIGHT_BUDGETS.items())
def test_each_file_fits_its_gzipped_budget(name, budget):
    data = (STATIC_FOLDER / name).read_bytes()

    assert len(gzip.compress(data, compresslevel=9)) <= budget


@pytest.mark.parametrize("pattern", UNSAFE_IN_SCRIPT)
def test_the_script_never_writes_markup_or_runs_strings(pattern):
    script = (STATIC_FOLDER / "likes.js").read_text(encoding="utf-8")

    assert re.search(pattern, script) is None
