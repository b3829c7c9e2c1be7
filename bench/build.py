"""What the plugin adds to a ``pelican`` build of short articles, measured side by side in one run.

Part 1 times whole builds of the same files (Pelican's native ``Key: value`` metadata), each
``python -m pelican -s <conf>`` in a process of its own, per theme, rounds interleaved so that the
machine's noise falls on every variant alike: with ``PLUGINS=[]``, with the plugin on SQLite
(a rebuild: articles registered already, counts baked, widgets placed), with the plugin and likes
turned off, and with the plugin as a first build (on a database emptied before each run, so it
registers every article).
Then one line per theme says whether the targets hold: likes on at most 1.10x the build without
the plugin, likes off 1.00x (within ``OFF_TOLERANCE``), both in median wall time.

With ``--instructions``, each build also runs once under valgrind's callgrind, which counts the
instructions of the build's process and of the storage process it starts: the same count for the
same build whatever else the machine runs, where wall times of one build moved by up to a third.

Part 2 reads the same files in-process: FrontmatterReader on the YAML versions against Pelican's
MarkdownReader on the native ones, after checking both give the same content and metadata.

    .venv/bin/python -m bench.build [--articles 500] [--themes notmyidea,flex] [--runs 5]
        [--instructions]
"""

import argparse
import functools
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from pelican.readers import BaseReader, MarkdownReader
from pelican.settings import read_settings

from pelican.plugins.likes.frontmatter_reader import FrontmatterReader
from pelican_likes.storage import migrate
from tests.support import theme_path

REPO = Path(__file__).resolve().parent.parent

# No feeds (they warn without SITEURL), no cache, so that every run reads and renders every file.
SETTINGS = {
    "SITENAME": "Bench",
    "AUTHOR": "Bench",  # Flex and others print it unguarded
    "TIMEZONE": "UTC",
    "SITEURL": "",
    "DEFAULT_PAGINATION": 10,
    "CACHE_CONTENT": False,
    "LOAD_CONTENT_CACHE": False,
    "FEED_ALL_ATOM": None,
    "CATEGORY_FEED_ATOM": None,
    "TRANSLATION_FEED_ATOM": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
}

WORDS = [
    "river", "stone", "morning", "bread", "garden", "ridge", "kettle", "lantern", "paper",
    "window", "harbour", "wheel", "notebook", "orchard", "meadow", "signal", "thread", "compass",
    "winter", "ladder", "pocket", "candle", "valley", "market", "bridge",
]  # fmt: skip
TAGS = ["cycling", "baking", "repair", "gardening", "reading", "walking", "tools", "notes"]
CATEGORIES = ["Outdoors", "Kitchen", "Craft", "Reading"]


class Article:
    """One generated article, written either with YAML frontmatter or with native metadata."""

    def __init__(self, number: int, rng: random.Random, long: bool = False) -> None:
        self.slug = f"bench-article-{number:04d}"
        self.title = " ".join(rng.sample(WORDS, 4)).capitalize() + f" {number}"
        self.date = datetime(2020, 1, 1, 8, 0) + timedelta(hours=7 * number)
        self.tags = rng.sample(TAGS, 2)
        self.category = rng.choice(CATEGORIES)
        self.summary = _sentence(rng, 16)
        self.body = _body(rng) if long else _short_body(rng)

    def yaml(self) -> str:
        return (
            f"---\ntitle: {self.title}\nslug: {self.slug}\n"
            f"pubDate: {self.date:%Y-%m-%d %H:%M}\ndescription: {self.summary}\n"
            f"category: {self.category}\ntags:\n"
            + "".join(f"  - {tag}\n" for tag in self.tags)
            + f"---\n\n{self.body}"
        )

    def native(self) -> str:
        return (
            f"Title: {self.title}\nSlug: {self.slug}\nDate: {self.date:%Y-%m-%d %H:%M}\n"
            f"Summary: {self.summary}\nCategory: {self.category}\nTags: {', '.join(self.tags)}\n"
            f"\n{self.body}"
        )


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _short_body(rng: random.Random) -> str:
    """About 70 words in two paragraphs, as a short post or note."""
    return "\n\n".join(" ".join(_sentence(rng, 12) for _ in range(3)) for _ in range(2)) + "\n"


def _body(rng: random.Random) -> str:
    """About 400 words: paragraphs, a heading, a list, emphasis and a code block.

    The code block names its language: left to guess, Pygments tries every lexer, which doubles
    the time of a build (measured) and would hide the plugin's share of it.
    """
    paragraphs = [" ".join(_sentence(rng, 12) for _ in range(6)) for _ in range(4)]
    items = "\n".join(f"- *{rng.choice(WORDS)}* and **{rng.choice(WORDS)}**" for _ in range(4))
    code = "```python\nfor step in steps:\n    do(step)\n```"
    return (
        f"{paragraphs[0]}\n\n## {_sentence(rng, 3)}\n\n{paragraphs[1]}\n\n{items}\n\n"
        f"{paragraphs[2]}\n\n{code}\n\n{paragraphs[3]}\n"
    )


def write_articles(root: Path, count: int, long: bool) -> tuple[Path, Path]:
    """The same articles twice: ``yaml/`` with frontmatter, ``native/`` with Pelican metadata."""
    yaml_folder, native_folder = root / "yaml", root / "native"
    yaml_folder.mkdir()
    native_folder.mkdir()
    rng = random.Random(1000)
    for number in range(count):
        article = Article(number, rng, long)
        (yaml_folder / f"{article.slug}.md").write_text(article.yaml(), encoding="utf-8")
        (native_folder / f"{article.slug}.md").write_text(article.native(), encoding="utf-8")
    return yaml_folder, native_folder


def write_conf(path: Path, settings: dict[str, object]) -> Path:
    """A pelicanconf.py holding ``settings`` (plain literals, written with repr)."""
    path.write_text("".join(f"{name} = {value!r}\n" for name, value in settings.items()))
    return path


def timed_build(
    conf: Path, output: Path, slug: str, widget: bool, emptied: Path | None
) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one ``python -m pelican`` run from a clean output
    folder, checked to have written the article ``slug`` (with a like widget if ``widget``).

    CPU seconds hold when other work shares the machine: wall times of the same build ranged
    from 10 to 35 s at a load average of 24 on 2 cores, where CPU times moved little.
    """
    _prepare(output, emptied)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "-s", str(conf), "--fatal", "errors", "-q"],
        cwd=conf.parent, env=build_environment(conf.parent), capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"pelican failed with {conf.name}:\n{result.stdout}{result.stderr}")
    _check_page(output, slug, widget, conf)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def build_environment(root: Path) -> dict[str, str]:
    """The environment of every build: bytecode cached under ``root``, so that each build runs
    the compiled modules a ``pip install`` leaves, the plugin's as Pelican's. Without it, an
    environment with ``PYTHONDONTWRITEBYTECODE`` (and an editable install, which pip does not
    compile) compiled the plugin's source in every build: a sixth of what it added.
    """
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return environment


_COLLECTED = re.compile(r"^==(\d+)== Collected : (\d+)$", re.MULTILINE)


def counted_build(
    conf: Path, output: Path, slug: str, widget: bool, emptied: Path | None
) -> tuple[int, int]:
    """Instructions of one build under callgrind: of the build's own process, and of the
    processes it started (the storage process), checked as ``timed_build`` checks."""
    _prepare(output, emptied)
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        "--trace-children=yes",
        "--callgrind-out-file=/dev/null",
    ]
    process = subprocess.Popen(
        [*valgrind, sys.executable, "-m", "pelican", "-s", str(conf), "--fatal", "errors", "-q"],
        cwd=conf.parent, env=build_environment(conf.parent),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"pelican under valgrind failed with {conf.name}:\n{out}{err}")
    _check_page(output, slug, widget, conf)
    counts = {int(pid): int(count) for pid, count in _COLLECTED.findall(err)}
    own = counts.pop(process.pid)  # valgrind runs the build in the process it was started as
    return own, sum(counts.values())


def _check_page(output: Path, slug: str, widget: bool, conf: Path) -> None:
    html = (output / f"{slug}.html").read_text(encoding="utf-8")
    if ("data-likes-slug" in html) != widget:
        raise RuntimeError(f"{conf.name}: widget {'missing' if widget else 'present'} in {slug}")


# The targets, as ratios of median wall times to the theme's build without the plugin. Likes off
# does strictly less than no plugin at all but read files; 2% is below what separates two runs of
# one build on this machine.
ON_TARGET = 1.10
OFF_TARGET, OFF_TOLERANCE = 1.00, 0.02

# Each theme's builds: name, plugins, extra settings, whether pages show the widget.
# Name, PLUGINS, other settings, whether pages show a widget, whether the database is emptied
# before each run (a first build, which registers every article: the storage layer's work).
VARIANTS = [
    ("PLUGINS=[]", [], {}, False, False),
    ("likes", ["likes"], {}, True, False),
    ("likes, LIKES_ENABLED=False", ["likes"], {"LIKES_ENABLED": False}, False, False),
    ("likes, first build", ["likes"], {}, True, True),
]


# A build: its pelicanconf.py, output folder, an article's slug, whether it shows a widget, and
# the SQLite file to empty before it runs, if any.
Build = tuple[Path, Path, str, bool, Path | None]


def write_builds(root: Path, content: Path, themes: list[str]) -> dict[tuple[str, str], Build]:
    """Every theme's builds of ``content``, by (theme, variant name), on one SQLite database."""
    shared = root / "likes.sqlite3"
    migrate.upgrade(f"sqlite:///{shared}")
    slug = next(content.glob("*.md")).stem
    builds: dict[tuple[str, str], Build] = {}
    for theme in themes:
        for name, plugins, extra, widget, emptied in VARIANTS:
            number = len(builds)
            output = root / f"output-{number}"
            database = root / f"first-build-{number}.sqlite3" if emptied else shared
            settings = {**SETTINGS, "THEME": str(theme_path(theme)), "PATH": str(content)}
            settings.update(OUTPUT_PATH=str(output), PLUGINS=plugins, **extra)
            settings["LIKES_DATABASE_URL"] = f"sqlite:///{database}"
            conf = write_conf(root / f"conf{number}.py", settings)
            builds[theme, name] = (conf, output, slug, widget, database if emptied else None)
    return builds


def _prepare(output: Path, emptied: Path | None) -> None:
    """Remove the previous run's output, and empty ``emptied`` (a migrated SQLite database)."""
    shutil.rmtree(output, ignore_errors=True)
    if emptied is not None:
        for leftover in emptied.parent.glob(f"{emptied.name}*"):
            leftover.unlink()
        shutil.copyfile(_empty_database(emptied.parent), emptied)


@functools.cache
def _empty_database(folder: Path) -> Path:
    empty = folder / "empty.sqlite3"
    migrate.upgrade(f"sqlite:///{empty}")
    return empty


def compare_builds(specs: dict[tuple[str, str], Build], articles: int, runs: int) -> None:
    """Part 1: median wall time of whole builds of the same files (Pelican's native metadata,
    which both readers read alike), per theme without the plugin, with it and with likes
    turned off; one untimed warm-up round first, then rounds interleaving every build, each
    round in an order rotated by one."""
    builds: dict[tuple[str, str], Callable[[], tuple[float, float]]] = {
        key: functools.partial(timed_build, *spec) for key, spec in specs.items()
    }
    themes = list(dict.fromkeys(theme for theme, _ in specs))

    for build in builds.values():
        build()
    walls: dict[tuple[str, str], list[float]] = {key: [] for key in builds}
    cpus: dict[tuple[str, str], list[float]] = {key: [] for key in builds}
    order = list(builds)
    for round_number in range(runs):
        # Each round starts one build later, so that no build always follows the same one (a
        # build after one with the storage process came out slower in a fixed order).
        shift = round_number % len(order)
        for key in order[shift:] + order[:shift]:
            wall, cpu = builds[key]()
            walls[key].append(wall)
            cpus[key].append(cpu)

    print(f"Part 1: pelican builds of {articles:,} articles, median of {runs} interleaved runs")
    print(f"  {'':<38} {'wall s':>6} {'x none':>6}  {'CPU s':>6} {'x none':>6}  wall runs")
    ratios: dict[tuple[str, str], float] = {}
    for theme, name in builds:
        wall, cpu = statistics.median(walls[theme, name]), statistics.median(cpus[theme, name])
        none = VARIANTS[0][0]
        ratios[theme, name] = wall_ratio = wall / statistics.median(walls[theme, none])
        cpu_ratio = cpu / statistics.median(cpus[theme, none])
        each = " ".join(f"{s:.2f}" for s in walls[theme, name])
        print(
            f"  {theme + ', ' + name:<38} {wall:>6.2f} {wall_ratio:>6.2f}  "
            f"{cpu:>6.2f} {cpu_ratio:>6.2f}  {each}"
        )
    print("  CPU s: the build's and the storage process's, which runs beside it on another core")
    print("  first build: every article registered, on a database emptied before each run")
    for theme in themes:
        on, off = ratios[theme, VARIANTS[1][0]], ratios[theme, VARIANTS[2][0]]
        print(
            f"  {theme}: likes on {on:.3f}x (target {ON_TARGET:.2f}x: {_verdict(on, ON_TARGET)}), "
            f"likes off {off:.3f}x (target {OFF_TARGET:.2f}x: "
            f"{_verdict(off, OFF_TARGET + OFF_TOLERANCE)})"
        )


def count_instructions(specs: dict[tuple[str, str], Build], articles: int) -> None:
    """Part 1b: instructions of each build, once under callgrind (about 50 times slower)."""
    counts = {key: counted_build(*spec) for key, spec in specs.items()}
    print(f"\nPart 1b: instructions of one build of {articles:,} articles each, callgrind")
    print(f"  {'':<38} {'build':>8} {'x none':>6}  {'storage':>8}  {'all':>8} {'x none':>6}")
    none = VARIANTS[0][0]
    for (theme, name), (own, children) in counts.items():
        base, every = counts[theme, none][0], own + children
        print(
            f"  {theme + ', ' + name:<38} {own / 1e9:>7.2f}G {own / base:>6.3f}  "
            f"{children / 1e9:>7.2f}G  {every / 1e9:>7.2f}G {every / base:>6.3f}"
        )
    print("  build: Pelican's process; storage: the storage process, beside it on another core")


def _verdict(ratio: float, limit: float) -> str:
    return "holds" if ratio <= limit else "does not hold"


def reader_settings() -> dict:
    return read_settings(override={**SETTINGS, "PLUGINS": []})


def check_same_reading(yaml_file: Path, native_file: Path, settings: dict) -> None:
    """Both readers must give the same page, or the comparison compares different work."""
    content, meta = FrontmatterReader(settings).read(str(yaml_file))
    native_content, native_meta = MarkdownReader(settings).read(str(native_file))
    fields = ("title", "slug", "date", "summary", "category", "tags")
    ours = [content] + [str(meta[name]) for name in fields]
    theirs = [native_content] + [str(native_meta[name]) for name in fields]
    if ours != theirs:
        raise RuntimeError(f"{yaml_file.name}: the readers disagree:\n{ours}\n{theirs}")


def read_all(reader: BaseReader, files: list[Path]) -> float:
    start = time.perf_counter()
    for file in files:
        reader.read(str(file))
    return time.perf_counter() - start


def compare_readers(yaml_folder: Path, native_folder: Path, passes: int) -> None:
    """Part 2: median seconds to read every file, passes of the two readers interleaved."""
    settings = reader_settings()
    yaml_files = sorted(yaml_folder.glob("*.md"))
    native_files = sorted(native_folder.glob("*.md"))
    for yaml_file, native_file in zip(yaml_files, native_files, strict=True):
        check_same_reading(yaml_file, native_file, settings)
    readers = {
        "MarkdownReader, native metadata": (MarkdownReader(settings), native_files),
        "FrontmatterReader, YAML": (FrontmatterReader(settings), yaml_files),
    }
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(passes):
        for name, (reader, files) in readers.items():
            times[name].append(read_all(reader, files))

    print(f"\nPart 2: reading {len(yaml_files):,} files in-process, median of {passes} passes")
    baseline = statistics.median(times["MarkdownReader, native metadata"])
    print(f"  {'':<32} {'seconds':>7}  {'ms/file':>7}  {'x Pelican':>9}")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        per_file = median / len(yaml_files) * 1000
        print(f"  {name:<32} {median:>7.2f}  {per_file:>7.2f}  {median / baseline:>9.2f}")


def _memory_folder() -> str | None:
    """A memory-backed folder where the system has one: a 5,000-article build writes 15,000
    files, and on disk the writeback of earlier builds made one build take 16 to 32 s."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--long", action="store_true", help="articles of 400 words, not 70")
    parser.add_argument("--themes", default="notmyidea,flex", help="comma-separated, see THEMES")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--builds-only", action="store_true", help="skip part 2")
    counted = "also count each build's instructions under valgrind (part 1b)"
    parser.add_argument("--instructions", action="store_true", help=counted)
    where = "where articles and builds go (default: %(default)s)"
    parser.add_argument("--folder", default=_memory_folder(), help=where)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="likes-bench-", dir=args.folder) as folder:
        root = Path(folder)
        yaml_folder, native_folder = write_articles(root, args.articles, args.long)
        builds = write_builds(root, native_folder, args.themes.split(","))
        compare_builds(builds, args.articles, args.runs)
        if args.instructions:
            count_instructions(builds, args.articles)
        if not args.builds_only:
            compare_readers(yaml_folder, native_folder, args.passes)


if __name__ == "__main__":
    main()
