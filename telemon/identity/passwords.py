"""The password rule, and temporary passwords.

A password has at least 12 characters and is not a common password or an easily guessed
variation of one. "Common" is judged by zxcvbn (pinned in pyproject.toml), whose lists hold
the 30,000 most used passwords, English words, names and keyboard patterns, and which sees
through the usual disguises: "Password1234", "qwertyuiop12", a word repeated, the user's own
name. Danish users lean on Danish words, which those lists lack: the product's name, seasons,
months, common Danish words and names (telemon.identity.guessable_words) are given to zxcvbn
as words the password must not lean on, so "Sommer2026!!" and "Telemon12345" are seen for
what they are. A password zxcvbn scores below 3 ("safely unguessable: moderate protection from
an offline attack") is refused.

Plain values in, plain values out: no framework, no database.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

from telemon.identity.guessable_words import guessable_words

MIN_LENGTH = 12
MAX_LENGTH = 1000
MIN_SCORE = 3  # zxcvbn's 0-4 scale
# zxcvbn's work grows with the length; beyond this it judges the start, which is plenty.
_JUDGED_LENGTH = 100
# Temporary passwords: four groups of four from an alphabet without look-alikes (0/O, 1/l/I).
_ALPHABET = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXYZ2346789"
_GUESSABLE = guessable_words()
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def password_problems(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """Why this password may not be used (English sentences; empty when it may).

    `user_inputs` are words the password must not lean on: the username, the e-mail address.
    """
    if len(password) < MIN_LENGTH:
        return [f"At least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"At most {MAX_LENGTH} characters."]
    words = [w for w in user_inputs if w] + _GUESSABLE
    judged = password[:_JUDGED_LENGTH]
    if int(zxcvbn(judged, user_inputs=words)["score"]) < MIN_SCORE or _word_plus_decoration(
        judged, words
    ):
        return ["Too common or too easy to guess; use a few unrelated words."]
    return []


def _word_plus_decoration(password: str, words: list[str]) -> bool:
    """Whether the password is a common word or two dressed up with digits and symbols
    ("Sommer2026!!", "Mette1975!!!"): its letters alone are dictionary words only and easy to
    guess. zxcvbn alone lets these through when the digits are not a year it knows."""
    letters = _NOT_LETTERS.sub("", password)
    if not letters or letters == password:
        return False
    result = zxcvbn(letters, user_inputs=words)
    only_words = all(match["pattern"] == "dictionary" for match in result["sequence"])
    return only_words and int(result["score"]) < MIN_SCORE


def temporary_password() -> str:
    """A random password to hand over once, e.g. "Kq7m-R3xt-9vHa-pN2e" (19 characters, about
    90 bits); its holder must replace it at the first sign-in."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
