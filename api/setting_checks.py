"""A bad setting named in one line, and the rule every whole-number setting follows.

Imports nothing: gunicorn's master reads ``WEB_CONCURRENCY`` with it, and stays small by never
loading the API (docs/performance.md, "Beside Isso").
"""

from collections.abc import Mapping


class ConfigError(ValueError):
    """A setting is missing or wrong; the message is one line naming it, for the operator."""


def whole_number(
    environ: Mapping[str, str],
    name: str,
    default: int,
    minimum: int = 0,
    maximum: int | None = None,
) -> int:
    """``environ[name]`` within its bounds, or ``default`` if unset or blank. ASCII digits only:
    ``int`` would also read ``-1``, ``+3``, ``3_0`` or other scripts' digits such as ``٣``."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    valid = text.isascii() and text.isdigit() and int(text) >= minimum
    if not valid or (maximum is not None and int(text) > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum:,}"
        raise ConfigError(f"{name} must be a whole number {bounds}, not {text!r}")
    return int(text)
