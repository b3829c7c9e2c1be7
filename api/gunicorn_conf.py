"""Production defaults for serving the API, shipped in the package so they hold from any folder:

    gunicorn -c python:pelican_likes.api.gunicorn_conf pelican_likes.api.wsgi:app

Any setting can still be overridden on the command line or in ``GUNICORN_CMD_ARGS``.
"""

import json
import logging
import multiprocessing
import os
import re
import resource
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pelican_likes.api.access_log import ACCESS_LOG_FORMAT, AccessLogger
from pelican_likes.api.setting_checks import whole_number
from pelican_likes.storage.environment import database_url

if TYPE_CHECKING:  # gunicorn's classes, for the hooks' signatures only: the master needs no more
    from gunicorn.arbiter import Arbiter
    from gunicorn.http.message import Request
    from gunicorn.http.wsgi import Response
    from gunicorn.workers.base import Worker

# PORT is the platforms' convention (Heroku, Render, Fly.io, Cloud Run) for "listen here on every
# interface"; without it only this machine can connect, for a reverse proxy on the same host.
bind = [f"0.0.0.0:{os.environ['PORT']}"] if os.environ.get("PORT") else ["127.0.0.1:8000"]

# SQLite takes one writer at a time. In one worker, likes take turns on the worker's own lock
# (gevent's); in two, they also wait for each other's file lock in sleeps: one worker gives likes
# the shorter tail at about the same rate, two serve more cached reads (measured:
# docs/performance.md#one-worker-on-sqlite).
SQLITE_WORKERS = 1


def default_workers(environ: Mapping[str, str], cores: int) -> int:
    """WEB_CONCURRENCY, the platforms' convention, if set; else one worker on SQLite, and on
    PostgreSQL one per core, two at least (so that one busy worker never holds every request):
    a gevent worker serves many requests at once on one core, so more would only add memory and
    database connections (docs/deploy.md).

    A WEB_CONCURRENCY of no worker, or not a number, is a ConfigError naming it, which gunicorn
    prints as one line before it exits: zero workers would start a server that never answers.
    """
    if given := whole_number(environ, "WEB_CONCURRENCY", default=0, minimum=1):
        return given
    if _names_sqlite(database_url(environ)):
        return SQLITE_WORKERS
    return max(2, cores)


def _names_sqlite(url: str) -> bool:
    """Whether ``url`` is SQLite's, told by its scheme alone as
    ``pelican_likes.storage.database.is_sqlite`` tells it, so that the master imports no SQLAlchemy.
    """
    return url.partition(":")[0].partition("+")[0].lower() == "sqlite"


workers = default_workers(os.environ, multiprocessing.cpu_count())

# One greenlet per connection, so a client that sends its request slowly or never finishes it
# holds a greenlet, not one of a handful of threads (measured: docs/deploy.md#the-worker-class).
worker_class = "gevent"
# A worker holding this many connections stops accepting until one closes: at gunicorn's 1,000,
# a thousand half-open ones held /api/health back until keepalive let them go (measured:
# docs/performance.md#connections-per-worker). Each costs a greenlet's few kilobytes and an open
# file, which on_starting makes room for.
worker_connections = 10_000
# The worker's own files beside its connections: listening sockets, database, logs, pipes.
OWN_FILES = 256

# Each worker builds the app after the fork, so no connection, lock or pool made in the master
# is shared (the store also drops inherited pools after a fork). The SQLite secret file is created
# atomically, so workers starting together agree on it.
preload_app = False

# gunicorn 27's control socket has one path per user, where a second instance on the host would
# collide; nothing here needs it.
control_socket_disable = True

timeout = 30
graceful_timeout = 30
# Under gevent this also bounds how long a request's line and headers may take to arrive whole.
keepalive = 5

# Seconds between two reads of a request body before the API gives up with a 408, as nginx's
# client_body_timeout: a client declaring a body it never sends holds no connection for long.
BODY_READ_TIMEOUT = 10

# Requests are a line and a few headers. 8190 bytes (gunicorn's maximum) fits 100 typical slugs;
# a longer request line gets gunicorn's own 414 before the app sees it.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190

# Readers stay anonymous: no client address (%(h)s), referrer or user agent in the access log.
# Tokens travel in a header, which is never logged. The logger builds only this format's atoms.
accesslog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = AccessLogger
errorlog = "-"


def on_starting(server: "Arbiter") -> None:
    """Check the settings and the database once, before any worker starts, so that a mistake
    reads as one line ("Error: LIKES_SECRET is required ...") instead of a traceback from every
    worker, and a database not ready to serve likes (unreachable, not migrated) as one warning
    saying what to do, the server starting anyway: the database may come up later.

    The check runs in a child process that exits when done: the master then never imports the
    API, SQLAlchemy or Alembic, which only workers use, and stays far smaller than a worker
    (measured: docs/performance.md#the-gunicorn-masters-size).
    """
    refusal, notice = _in_child_process(_start_up_check)
    if refusal:
        raise RuntimeError(refusal)  # gunicorn prints "Error: <message>", exits 1
    if notice:
        server.log.warning("%s", notice)
    allow_open_files(server.cfg.worker_connections + OWN_FILES)


def allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit of open files to ``wanted`` (as far as the hard limit
    allows), for the workers it forks: a soft limit of 1,024, common under systemd and in shells,
    would stop a worker accepting long before ``worker_connections``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, ceiling), hard))


def _start_up_check() -> tuple[str, str]:
    """Why the API cannot start with these settings and this database ("" when it can), and what
    keeps the database from serving likes ("" when nothing does)."""
    from pelican_likes.api.config import Config, ConfigError
    from pelican_likes.storage.errors import SchemaMismatch
    from pelican_likes.storage.migrate import readiness

    try:
        config = Config.from_environ()
        return "", readiness(config.database_url)
    except (ConfigError, SchemaMismatch) as error:
        return str(error), ""


def _in_child_process(check: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """``check()`` in a forked child, whose imports and memory go when it exits."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, and leave without running the master's exit handlers
        os.close(reader)
        try:
            answer = check()
        except BaseException as error:  # any failure must reach the master
            answer = (f"the start-up check failed: {type(error).__name__}: {error}", "")
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(json.dumps(answer).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        refusal, notice = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return refusal, notice


def pre_request(worker: "Worker", req: "Request") -> None:
    """Bound each read of the body (and each write of the answer) for this request only."""
    req.unreader.sock.settimeout(BODY_READ_TIMEOUT)


def post_request(
    worker: "Worker", req: "Request", environ: dict[str, object], resp: "Response"
) -> None:
    """Back to waiting as gunicorn does between requests on a kept-alive connection, after the
    worker's other connections have had their turn."""
    req.unreader.sock.settimeout(None)
    _let_others_run()


def _let_others_run() -> None:
    """Under gevent, yield once before reading a kept-alive connection's next request. Its recv
    finds that request already there and returns without switching, so a busy connection would
    be served again and again while the worker's others wait: a long tail of likes behind a
    short median (measured: docs/performance.md#turns-between-a-workers-connections).
    """
    from gevent import monkey

    if monkey.is_module_patched("socket"):
        import gevent

        gevent.sleep(0)


def post_worker_init(worker: "Worker") -> None:
    """Send the app's own log lines (why a request got a 503) to gunicorn's error log, and keep
    readers' addresses out of gunicorn's own lines about malformed requests."""
    _make_postgresql_cooperative()
    log = logging.getLogger("pelican_likes.api")
    log.handlers = list(worker.log.error_log.handlers)
    log.setLevel(logging.INFO)
    log.propagate = False
    worker.log.error_log.addFilter(_without_client_address)


def _without_client_address(record: logging.LogRecord) -> bool:
    """gunicorn logs "Invalid request from ip=ADDRESS: why", already formatted: drop the address."""
    if isinstance(record.msg, str) and record.msg.startswith("Invalid request from ip="):
        record.msg = re.sub(r"^Invalid request from ip=\S+?: ", "Invalid request: ", record.msg)
    return True


def _make_postgresql_cooperative() -> None:
    """psycopg2 is C and waits for PostgreSQL inside libpq, which gevent cannot patch: its wait
    callback (psycogreen) lets other greenlets run meanwhile. Only under gevent's patching, so a
    ``--worker-class gthread`` override keeps plain blocking waits."""
    from gevent import monkey

    if monkey.is_module_patched("socket"):
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
