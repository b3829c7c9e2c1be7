"""The build's database work in a process of its own, started when the build starts.

Registering articles and reading their counts needs the storage layer, whose import (SQLAlchemy
above all) is a real share of a build on one core (measured:
docs/performance.md#the-storage-layers-import). Started with the articles generator, a separate
Python loads it on another core while Pelican reads the articles, then makes the build's one
exchange with the database (pelican_likes.builds.publication) when the articles are known; the build
waits only for that exchange. So the Pelican process never imports SQLAlchemy.

The process is a plain ``python -c`` of this interpreter, not multiprocessing: that would run the
build's ``__main__`` script again in the child. Whatever goes wrong with the process (it cannot
start, it dies), the same exchange then runs in the build's own process, so the build is never
worse off than without it.
"""

import logging
import pickle
import subprocess
import sys

from pelican_likes.builds.publication import Publication, Published, publish

logger = logging.getLogger(__name__)

_SERVE = "from pelican_likes.builds.publication import serve; serve()"

# Seconds to wait for the answer: beyond what a slow remote database takes for a large blog, short
# of leaving a build hanging on a process that will never answer.
ANSWER_TIMEOUT = 300


class StorageProcess:
    """One build's storage process: started early, asked once, then gone."""

    def __init__(self, database_url: str) -> None:
        """Start the process, which opens ``database_url`` while the build goes on."""
        self._process: subprocess.Popen[bytes] | None = None
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own code, our interpreter
                [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
            stdin = self._process.stdin
            assert stdin is not None  # a pipe, as asked
            # Short enough for the pipe's buffer to take without waiting for the reader.
            stdin.write(pickle.dumps(database_url))
            stdin.flush()
        except OSError as error:
            logger.debug("likes: no storage process (%s); the build does its work itself", error)
            self.stop()

    def publish(self, publication: Publication) -> Published:
        """The database's answer to ``publication``, from the process or, failing that, here."""
        if self._process is not None:
            try:
                return self._ask(self._process, publication)
            except (OSError, EOFError, pickle.UnpicklingError, subprocess.TimeoutExpired) as error:
                logger.debug("likes: the storage process failed (%r); publishing here", error)
            finally:
                self.stop()
        return publish(publication)

    def stop(self) -> None:
        """End the process if it still runs (a build that failed before asking it)."""
        if self._process is None:
            return
        process, self._process = self._process, None
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    @staticmethod
    def _ask(process: subprocess.Popen[bytes], publication: Publication) -> Published:
        answer, _ = process.communicate(pickle.dumps(publication), timeout=ANSWER_TIMEOUT)
        if process.returncode != 0:
            raise EOFError(f"the storage process exited with {process.returncode}")
        published = pickle.loads(answer)  # noqa: S301 - written by our own child process
        if not isinstance(published, Published):
            raise pickle.UnpicklingError(f"unexpected answer {type(published).__name__}")
        return published
