"""``pelican-likes db``: the schema made, moved and refused as a deploy runs it."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.errors import ArticleClosed, DailyLimitReached
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import assert_one_line_error
from tests.support import run_command as run


def test_db_upgrade_uses_the_default_sqlite_file_in_the_current_folder(tmp_path):
    result = run("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"database at revision {migrate.head_revision()}" in result.stdout
    assert (tmp_path / "likes.sqlite3").exists()


def test_db_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.sqlite3'}"
    assert run("db", "upgrade", url=url).returncode == 0
    down = run("db", "downgrade", "base", "--yes", url=url)
    assert (down.returncode, down.stdout.splitlines()[-1]) == (0, "database at revision base")
    assert run("db", "current", url=url).stdout.strip() == "base"
    assert run("db", "upgrade", url=url).returncode == 0


# What each downgrade from the newest schema loses, as the command names it.
LIKE_ROWS = "every like row, its article's count kept as base likes"
TODAYS_TALLIES = "today's daily-cap tallies"
CLOSED_ARTICLES = "which articles are closed to likes (each accepts likes again)"
FORMER_SLUGS = "the former slugs of renamed articles"
EVERYTHING = "every article and every like"


@pytest.fixture
def kept(sqlite_url):
    """A database holding what downgrades drop: a closed article, a former slug, a capped like."""
    with LikeStore.from_url(sqlite_url) as store:
        store.register([ArticleInfo(s) for s in ("closed", "old", "new", "capped")])
        store.close_likes(["closed"])
        store.rename("old", "new")
        store.like("capped", "reader-0123456789abcdef", network="192.0.2.1", daily_limit=1)
    return sqlite_url


def assert_all_kept(url: str) -> None:
    assert run("db", "current", url=url).stdout.strip() == migrate.head_revision()
    with LikeStore.from_url(url) as store:
        with pytest.raises(ArticleClosed):
            store.like("closed", "reader-0123456789abcdef")
        assert store.counts(["old"]) == {"old": 0}
        assert store.state("capped", "reader-0123456789abcdef").liked
        with pytest.raises(DailyLimitReached):
            store.like("capped", "other-0123456789abcdef", network="192.0.2.1", daily_limit=1)


@pytest.mark.parametrize(
    ("target", "dropped"),
    [
        ("0005", [LIKE_ROWS]),
        ("-1", [LIKE_ROWS]),
        ("0004", [LIKE_ROWS, TODAYS_TALLIES]),
        ("0003", [LIKE_ROWS, TODAYS_TALLIES, CLOSED_ARTICLES]),
        ("0002", [LIKE_ROWS, TODAYS_TALLIES, CLOSED_ARTICLES, FORMER_SLUGS]),
        ("base", [LIKE_ROWS, TODAYS_TALLIES, CLOSED_ARTICLES, FORMER_SLUGS, EVERYTHING]),
    ],
)
def test_a_downgrade_that_drops_data_names_it_and_refuses_without_yes(kept, target, dropped):
    result = run("db", "downgrade", target, url=kept)

    assert_one_line_error(result, f"downgrading to {target} would drop")
    assert "--yes" in result.stderr
    losses = (LIKE_ROWS, TODAYS_TALLIES, CLOSED_ARTICLES, FORMER_SLUGS, EVERYTHING)
    assert [loss for loss in losses if loss in result.stderr] == dropped
    assert_all_kept(kept)


def test_a_downgrade_with_yes_says_what_it_dropped(kept):
    result = run("db", "downgrade", "0002", "--yes", url=kept)

    assert result.returncode == 0, result.stderr
    dropped = result.stdout.splitlines()[:-1]
    assert len(dropped) == 4
    losses = (LIKE_ROWS, TODAYS_TALLIES, CLOSED_ARTICLES, FORMER_SLUGS)
    for line, loss in zip(dropped, losses, strict=True):
        assert line.startswith(f"dropped {loss}")
    assert run("db", "current", url=kept).stdout.strip() == "0002"


def test_a_downgrade_that_drops_no_data_needs_no_yes(kept):
    assert run("db", "downgrade", "0002", "--yes", url=kept).returncode == 0

    result = run("db", "downgrade", "0001", url=kept)  # an index only

    assert (result.returncode, result.stdout) == (0, "database at revision 0001\n")


def test_a_downgrade_to_an_unknown_revision_is_one_line(kept):
    assert_one_line_error(run("db", "downgrade", "nonsense", url=kept), "nonsense")
    assert_all_kept(kept)


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["db", "current"], ["db", "downgrade", "base"]]
)
def test_a_schema_newer_than_this_release_is_one_line(own_database_url, command):
    engine = create_engine(parse_url(own_database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()

    result = run(*command, url=own_database_url)

    assert_one_line_error(result, "schema revision 0999, newer than this release")


def test_deploys_upgrading_a_fresh_postgresql_database_together_all_succeed(make_postgres_database):
    url = make_postgres_database()
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "pelican_likes.commands.main", "db", "upgrade"]

    upgrades = [
        subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(6)
    ]
    errors = [upgrade.communicate(timeout=60)[1] for upgrade in upgrades]

    assert [upgrade.returncode for upgrade in upgrades] == [0] * 6, errors
    assert run("db", "current", url=url).stdout.strip() == migrate.head_revision()


# Each process imports the command, says so, and waits for the cue: all then upgrade at once,
# as hosts of one deploy do, rather than one per interpreter start-up.
UPGRADE_ON_CUE = """
import sys
from pelican_likes.commands.main import main
print("ready", flush=True)
sys.stdin.read()
sys.exit(main(["db", "upgrade"]))
"""


def upgrade_together(url: str, count: int) -> list[subprocess.CompletedProcess[str]]:
    """``count`` processes running ``db upgrade`` on ``url``, released together: their standard
    input is one pipe, whose end they all read at once when this process closes it."""
    env = {**os.environ, "DATABASE_URL": url}
    cue, release = os.pipe()
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE_ON_CUE],
            env=env,
            stdin=cue,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    os.close(cue)
    for upgrade in upgrades:
        assert upgrade.stdout is not None and upgrade.stdout.readline() == "ready\n"
    os.close(release)
    results = []
    for upgrade in upgrades:
        stdout, stderr = upgrade.communicate(timeout=60)
        ended = subprocess.CompletedProcess(upgrade.args, upgrade.returncode, stdout, stderr)
        results.append(ended)
    return results


def test_deploys_upgrading_a_fresh_sqlite_file_together_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"

    upgrades = upgrade_together(url, 8)

    assert [upgrade.returncode for upgrade in upgrades] == [0] * 8, [u.stderr for u in upgrades]
    assert run("db", "current", url=url).stdout.strip() == migrate.head_revision()
    assert not list(tmp_path.glob("*lock*"))  # the lock file goes with the last migration


def test_unknown_revision_is_one_line(tmp_path):
    result = run("db", "upgrade", "nonsense", url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert_one_line_error(result, "nonsense")
