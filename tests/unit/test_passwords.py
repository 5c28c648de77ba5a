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
    assert password_problems("hansen.hospital.otter") == []
    assert password_problems("hansen.hospital.otter", ["hansen.hospital.otter"])


def test_two_words_joined_by_a_dot_are_too_few() -> None:
    # A common surname and a common word: guessable for Danes (issue 21.14).
    assert password_problems("hansen.hospital")


def test_unrelated_words_make_a_good_password() -> None:
    assert password_problems("correct-horse-battery") == []
    assert password_problems("kaffe lampe cykel 77") == []


def test_temporary_passwords_are_random_and_pass_the_rule() -> None:
    made = {temporary_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == 19 and password_problems(p) == [] for p in made)


def test_danish_words_seasons_months_names_and_the_products_name_are_refused() -> None:
    # What the attack scripts of issue 21.14 got accepted, and their Danish kin.
    for guessable in (
        "Sommer2026!!",
        "Telemon12345",
        "Efteraar2026!",
        "Vinter2025!!!",
        "December2026!",
        "Kodeord12345!",
        "Jensen123456",
        "København2026",
        "Mette1975!!!",
    ):
        assert password_problems(guessable), guessable


def test_unrelated_words_and_the_demo_and_test_passwords_still_do() -> None:
    for fine in ("lantern-otter-meadow", "correct-horse-battery", "tulip moat gravel 9"):
        assert password_problems(fine) == [], fine
