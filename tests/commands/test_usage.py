"""What counts as a whole number wherever a command reads one: ASCII digits, nothing else."""

import pytest

from pelican_likes.commands.usage import is_whole_number


@pytest.mark.parametrize("text", ["0", "3", "2147483647", "007"])
def test_ascii_digits_are_a_whole_number(text):
    assert is_whole_number(text)


@pytest.mark.parametrize("text", ["\u0663", "\u00b2", "-1", "x", "", "3.0", "+3", "\uff13"])
def test_digits_of_other_scripts_signs_and_words_are_not(text):
    assert not is_whole_number(text)
