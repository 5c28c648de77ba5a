"""The password rule (telemon.identity.passwords)."""

from __future__ import annotations

from telemon.identity.passwords import MIN_LENGTH, password_problems, temporary_password


def test_twelve_characters_at_least() -> None:
    assert password_problems("x7#Qm2!vR9z") == [f"At least {MIN_LENGTH} characters."]
    assert password_problems("x7#Qm2!vR9zk") == []


def test_common_passwords_and_their_easy_variations_are_refused() -> None:
    for common in (
        "password1234",
        "qwertyuiop12",
        "123456789012",
        "passwordpassword",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        "ChangeMe1234",
    ):
        assert password_problems(common), common


def test_the_users_own_name_does_not_make_a_password() -> None:
    assert password_problems("hansen.hospital") == []
    assert password_problems("hansen.hospital", ["hansen.hospital"])


def test_unrelated_words_make_a_good_password() -> None:
    assert password_problems("correct-horse-battery") == []
    assert password_problems("kaffe lampe cykel 77") == []


def test_temporary_passwords_are_random_and_pass_the_rule() -> None:
    made = {temporary_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == 19 and password_problems(p) == [] for p in made)
