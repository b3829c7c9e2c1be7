"""The HMAC key behind every stored voter hash: given by LIKES_SECRET, or kept beside SQLite.

Changing the key makes every stored like unrecognisable (readers could like again), so a key made
for SQLite is written once, atomically, and reused by every worker and every restart.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from pelican_likes.api.setting_checks import ConfigError
from pelican_likes.storage.database import is_sqlite, parse_url

SECRET_MIN_LENGTH = 32

_HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def check_secret(secret: bytes, origin: str) -> None:
    """Refuse short keys: they would let anyone holding the database test guesses of tokens.

    Counted in printable ASCII characters, so that the minimum means what it says: eleven CJK
    characters are 33 bytes of UTF-8 but far fewer random bits than 32 characters of a token.
    """
    printable = all(0x20 <= byte < 0x7F for byte in secret)
    if len(secret) < SECRET_MIN_LENGTH or not printable:
        raise ConfigError(
            f"{origin} must be at least {SECRET_MIN_LENGTH} printable ASCII characters "
            f"(letters, digits, punctuation); make one with {_HOW_TO_MAKE_ONE}"
        )


def load_secret(environ: Mapping[str, str], url: str) -> bytes:
    """LIKES_SECRET if set; for SQLite, the key kept in ``<database file>.secret``."""
    given = environ.get("LIKES_SECRET", "").strip()
    if given:
        secret = given.encode()
        check_secret(secret, "LIKES_SECRET")
        return secret
    parsed = parse_url(url)
    if not is_sqlite(parsed):
        raise ConfigError(
            "LIKES_SECRET is required with a PostgreSQL DATABASE_URL (every API server must "
            f"share it); make one with {_HOW_TO_MAKE_ONE}"
        )
    if parsed.database in (None, "", ":memory:"):
        # An in-memory database dies with the process, and so may its key.
        return secrets.token_urlsafe(32).encode()
    return read_or_create(Path(f"{parsed.database}.secret"))


def read_or_create(path: Path) -> bytes:
    """Read the key at ``path``, creating it first if missing, so that workers starting together
    agree: each writes a private temporary file and hard-links it into place, which succeeds for
    exactly one of them; the others read the winner's key."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        return _read(path)
    except OSError as error:
        raise ConfigError(
            f"cannot create the secret file {path}: {error.strerror}; set LIKES_SECRET instead"
        ) from None


def _read(path: Path) -> bytes:
    try:
        secret = path.read_bytes().strip()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ConfigError(f"cannot read the secret file {path}: {error.strerror}") from None
    check_secret(secret, f"the secret in {path}")
    return secret
