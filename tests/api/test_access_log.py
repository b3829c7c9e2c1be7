"""The access logger: the shipped format's line exactly as gunicorn's own logger writes it, from
five atoms; any other format left to gunicorn."""

import datetime
import logging
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from pelican_likes.api.access_log import ACCESS_LOG_FORMAT, AccessLogger

ENVIRON = {
    "REQUEST_METHOD": "GET",
    "RAW_URI": '/api/likes?slug=first&slug="quoted"',
    "SERVER_PROTOCOL": "HTTP/1.1",
    "PATH_INFO": "/api/likes",
    "QUERY_STRING": 'slug=first&slug="quoted"',
    "REMOTE_ADDR": "203.0.113.7",
    "HTTP_USER_AGENT": "Reader/1.0",
}
REQUEST = SimpleNamespace(headers=[("USER-AGENT", "Reader/1.0"), ("LIKES-VOTER", "secret")])
TOOK = datetime.timedelta(seconds=1, microseconds=234_567)


def response(status: str = "200 OK", sent: int | None = 52) -> SimpleNamespace:
    return SimpleNamespace(status=status, sent=sent, headers=[("Content-Type", "text/plain")])


def settings(access_log_format: str) -> Config:
    config = Config()
    config.set("access_log_format", access_log_format)
    return config


def lines(access_log_format: str, resp: SimpleNamespace) -> tuple[str, str]:
    """The line of each logger for one request, both within one second (their timestamps)."""
    config = settings(access_log_format)
    ours, gunicorns = AccessLogger(config), Logger(config)

    def line(logger: Logger) -> str:
        return access_log_format % SafeAtoms(logger.atoms(resp, REQUEST, ENVIRON, TOOK))

    return within_one_second(lambda _attempt: (line(ours), line(gunicorns)))


def within_one_second(pair: Callable[[int], tuple[str, str]]) -> tuple[str, str]:
    """Our line and gunicorn's from ``pair(attempt)``, made again until both carry one timestamp.

    gunicorn reads the C library's clock, which may tick over to the next second apart from
    Python's: a pair whose timestamps differ is made again, a few times at most, so that a
    difference that stays is the test's failure.
    """
    for attempt in range(5):
        second = int(time.time())
        made = pair(attempt)
        if int(time.time()) == second and _stamp(made[0]) == _stamp(made[1]):
            break
        time.sleep(0.05)
    return made


def _stamp(line: str) -> str:
    return line[: line.find("]") + 1] if line.startswith("[") else ""


@pytest.mark.parametrize(
    "resp", [response(), response("404 Not Found", 0), response(sent=None)], ids=str
)
def test_the_shipped_format_reads_as_gunicorns_own(resp):
    ours, gunicorns = lines(ACCESS_LOG_FORMAT, resp)
    assert ours == gunicorns
    assert '"GET /api/likes?slug=first&slug=\\"quoted\\" HTTP/1.1"' in ours
    assert ours.endswith(" 1234ms")


def test_the_shipped_format_builds_only_its_own_atoms():
    atoms = AccessLogger(settings(ACCESS_LOG_FORMAT)).atoms(response(), REQUEST, ENVIRON, TOOK)
    assert set(atoms) == {"t", "r", "s", "b", "M"}


def test_another_format_gets_every_atom_gunicorn_has():
    custom = '%(h)s "%({user-agent}i)s" %(s)s %(D)s'
    ours, gunicorns = lines(custom, response())
    assert ours == gunicorns == '203.0.113.7 "Reader/1.0" 200 1234567'


@pytest.fixture(autouse=True)
def access_log_handlers():
    """gunicorn's access log is one logger of the process: each test starts it without handlers
    or filters and enabled, and leaves it as it found it. Other tests may have left handlers, a
    logging configuration may have disabled it, and once Pelican is imported a logger made
    afterwards drops messages it has seen before (Pelican's LimitFilter)."""
    log = logging.getLogger("gunicorn.access")
    kept = log.handlers[:], log.filters[:], log.disabled
    log.handlers.clear()
    log.filters.clear()
    log.disabled = False
    yield
    log.handlers[:], log.filters[:], log.disabled = kept


def written(logger_class: type[Logger], log: Path, resp: SimpleNamespace) -> str:
    """What a logger of ``logger_class`` writes to its --access-logfile ``log`` for one request."""
    config = settings(ACCESS_LOG_FORMAT)
    config.set("accesslog", str(log))
    logger = logger_class(config)
    try:
        logger.access(resp, REQUEST, ENVIRON, TOOK)
    finally:
        for handler in list(logger.access_log.handlers):
            logger.access_log.removeHandler(handler)
            handler.close()
    return log.read_text()


@pytest.mark.parametrize("resp", [response(), response("404 Not Found", 0)], ids=str)
def test_the_shipped_format_is_written_as_gunicorns_handler_writes_it(tmp_path, resp):
    ours, gunicorns = within_one_second(
        lambda attempt: (
            written(AccessLogger, tmp_path / f"ours-{attempt}.log", resp),
            written(Logger, tmp_path / f"gunicorns-{attempt}.log", resp),
        )
    )
    assert ours == gunicorns
    assert ours.count("\n") == 1
    assert ours.endswith(" 1234ms\n")


def test_handlers_of_the_operators_get_the_line_through_logging(tmp_path):
    """A --log-config handler (here one more beside gunicorn's) gets its record as before."""
    records: list[logging.LogRecord] = []
    extra = logging.Handler()
    extra.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("gunicorn.access").addHandler(extra)
    try:
        line = written(AccessLogger, tmp_path / "access.log", response())
    finally:
        logging.getLogger("gunicorn.access").removeHandler(extra)

    assert [record.getMessage() + "\n" for record in records] == [line]
