"""Mistakes in what a user gave a command (an argument, a file's line): the error each ends in,
which ``main`` prints as one line, and the checks more than one command makes."""


class UsageError(ValueError):
    """A mistake in what the user gave the command: a ``--since``, a ``--top``, a CSV line."""


def is_whole_number(text: str) -> bool:
    """Whether ``text`` is ASCII digits only: ``isdigit()`` alone takes digits of every script
    (``٣``, ``²``), which ``int()`` reads as numbers or refuses with its own message."""
    return text.isascii() and text.isdigit()
