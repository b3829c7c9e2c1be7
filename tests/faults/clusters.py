"""Throwaway PostgreSQL clusters: made with initdb in a temporary folder, stopped and started at
will, deleted afterwards. The machine's shared server is never touched."""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

# PostgreSQL refuses to run as root; as root, its tools run as this account.
SERVER_ACCOUNT = "postgres"


class ClusterUnavailable(Exception):
    """No cluster can be made here: the server's tools or account are missing, or initdb fails."""


class ServerCommandFailed(RuntimeError):
    """initdb or pg_ctl exited with an error; the message holds what it printed."""


@dataclass
class Cluster:
    """A cluster in ``folder``, listening on 127.0.0.1:``port`` with trust auth for ``postgres``."""

    bindir: Path
    folder: Path
    port: int

    @classmethod
    def create(cls) -> "Cluster":
        """A new, stopped cluster in a folder of its own."""
        bindir = _server_bindir()
        # Not pytest's tmp_path: its parent is private to the current user, and the server
        # account must reach the folder. /tmp also keeps the socket path under its 107 bytes.
        folder = Path(tempfile.mkdtemp(prefix="likes-pg-"))
        cluster = cls(bindir, folder, free_port())
        try:
            if os.geteuid() == 0:
                account = _server_account()
                os.chown(folder, account.pw_uid, account.pw_gid)
            _run(bindir / "initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        except (ClusterUnavailable, ServerCommandFailed) as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise ClusterUnavailable(str(error)) from None
        return cluster

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and return once it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"  # surviving power loss is not under test
        )
        self._pg_ctl("start", "-l", str(self.folder / "server.log"), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` as an operator's restart, ``immediate`` as a crash."""
        self._pg_ctl("stop", "-m", mode)

    def destroy(self) -> None:
        """Stop the server if it runs and delete the folder; safe whatever state it was left in."""
        if (self.data / "postmaster.pid").exists():
            # A pid file can outlive a server that died on its own: then there is nothing to stop.
            with contextlib.suppress(ServerCommandFailed):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, *arguments: str) -> None:
        _run(self.bindir / "pg_ctl", "-D", str(self.data), "-w", *arguments)


def _server_bindir() -> Path:
    """The folder holding the server's initdb and pg_ctl.

    Debian keeps them off PATH in /usr/lib/postgresql/VERSION/bin; ``pg_config --bindir`` names
    it when the development files are installed.
    """
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(found.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(versions, key=_major_version, reverse=True)]
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl")):
            return bindir
    raise ClusterUnavailable("no initdb and pg_ctl (looked in pg_config --bindir, PATH, "
                             "/usr/lib/postgresql/*/bin)")  # fmt: skip


def _major_version(bindir: str) -> int:
    version = Path(bindir).parent.name
    return int(version) if version.isdigit() else 0


def _server_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        raise ClusterUnavailable(
            f"running as root, and there is no {SERVER_ACCOUNT!r} account to run PostgreSQL as"
        ) from None


def _run(tool: Path, *arguments: str) -> None:
    """Run a server tool, as the server account when we are root."""
    command = [str(tool), *arguments]
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_ACCOUNT, "--", *command]
    # pg_ctl's server writes to its log file and reads /dev/null, so these pipes close when
    # pg_ctl returns rather than when the server exits.
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise ServerCommandFailed(f"{tool.name} failed: {' / '.join(output)}")
