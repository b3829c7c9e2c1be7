"""``pelican-likes export``, ``import`` and ``copy``: the whole database to a file and back, and
from one database to another (SQLite to PostgreSQL, say) by the same records.

A reader keeps being recognised wherever the likes go: the rows keep their pseudonyms, and the
articles the ids those were made under (storage/imports.py). A file that cannot be imported
whole is refused at its first bad line, named by number, with nothing written.
"""

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pelican_likes.commands.export_file import RecordReader, write_records
from pelican_likes.commands.usage import UsageError
from pelican_likes.storage.database import redacted
from pelican_likes.storage.exchange import End, Imported, ImportRefused
from pelican_likes.storage.store import LikeStore

STANDARD_STREAM = "-"


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``export``, ``import`` and ``copy`` to the ``pelican-likes`` sub-commands."""
    export = commands.add_parser(
        "export",
        help="write the whole database to a file: a backup, or a move to another database",
        description="Write every article, former slug, merged id and like row, one JSON object a "
        "line, read in one snapshot while the API goes on serving. `pelican-likes import` reads "
        "it back into any database.",
    )
    export.add_argument(
        "-o", "--output", default=STANDARD_STREAM, metavar="FILE",
        help="file to write (default: standard output); written whole or not at all",
    )  # fmt: skip
    export.set_defaults(run=export_database)

    imports = commands.add_parser(
        "import",
        help="merge an export file into the database, in one transaction",
        description="Add the file's articles, former slugs, merged ids and like rows to the "
        "database; articles are matched by slug, and the file's title, URL, base likes and "
        "closed flag replace theirs. Counts are rebuilt from the rows. Importing the same file "
        "again changes nothing; a bad line is named and nothing is written.",
    )
    imports.add_argument("file", metavar="FILE", help="an export file; - reads standard input")
    _dry_run_argument(imports)
    imports.set_defaults(run=import_file)

    copy = commands.add_parser(
        "copy",
        help="copy the whole database into another one (e.g. SQLite to PostgreSQL)",
        description="Export this database and import it into the database at --to, which must "
        "be migrated (`pelican-likes --database-url URL db upgrade`). Readers stay recognised "
        "there as long as the API keeps its LIKES_SECRET.",
    )
    copy.add_argument("--to", required=True, metavar="URL", help="the database to copy into")
    _dry_run_argument(copy)
    copy.set_defaults(run=copy_database)


def _dry_run_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change; change nothing"
    )


def export_database(args: argparse.Namespace, url: str) -> None:
    with LikeStore.from_url(url) as store, _output(args.output) as file:
        end = write_records(store.export(), file)
    if args.output != STANDARD_STREAM:
        print(f"exported {_described(end)} to {args.output}")


def import_file(args: argparse.Namespace, url: str) -> None:
    name = "standard input" if args.file == STANDARD_STREAM else args.file
    with _input(args.file) as lines, LikeStore.from_url(url) as store:
        reader = RecordReader(lines)
        try:
            imported = store.import_records(reader, dry_run=args.dry_run)
        except ImportRefused as refused:
            raise UsageError(f"{name}:{reader.where()}: {refused}; nothing imported") from None
    print(describe_import(name, imported, dry_run=args.dry_run))


def copy_database(args: argparse.Namespace, url: str) -> None:
    for each in (url, args.to):
        _check_schema(each)
    with LikeStore.from_url(url) as source, LikeStore.from_url(args.to) as target:
        imported = target.import_records(source.export(), dry_run=args.dry_run)
    print(describe_import(redacted(url), imported, dry_run=args.dry_run, into=redacted(args.to)))


def _check_schema(url: str) -> None:
    """Name the database of the two whose schema is not this release's, before either is read."""
    from pelican_likes.storage import migrate  # Alembic, for the commands that use it only

    revision, head = migrate.current_revision(url), migrate.head_revision()
    if revision != head:
        raise UsageError(
            f"{redacted(url)} is at schema revision {revision or 'base (no tables)'}, not "
            f"{head}: run `pelican-likes --database-url URL db upgrade` on it first"
        )


def describe_import(
    source: str, imported: Imported, *, dry_run: bool = False, into: str = "the database"
) -> str:
    """One line saying what an import did, or would do."""
    if not imported.changed:
        return f"{into} already holds everything in {source}; nothing to import"
    done = (
        f"{imported.articles_added} article(s) added, {imported.articles_updated} updated, "
        f"{imported.aliases} former slug(s) and {imported.merges} merged id(s) recorded, "
        f"{imported.likes:,} like(s) added, {imported.recounted} count(s) rebuilt from the rows"
    )
    if dry_run:
        return f"importing {source} into {into} would make: {done}; nothing changed"
    return f"imported {source} into {into}: {done}"


def _described(end: End) -> str:
    return (
        f"{end.articles} article(s), {end.aliases} former slug(s), {end.merges} merged id(s) "
        f"and {end.likes:,} like(s)"
    )


@contextlib.contextmanager
def _output(target: str) -> Iterator[IO[str]]:
    """The file to write, or standard output; a file is written beside its name first and put
    in place once whole, so a failed export leaves no file that could pass for a backup."""
    if target == STANDARD_STREAM:
        yield sys.stdout
        return
    path = Path(target)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _input(source: str) -> Iterator[IO[bytes]]:
    if source == STANDARD_STREAM:
        yield sys.stdin.buffer
        return
    with open(source, "rb") as file:
        yield file
