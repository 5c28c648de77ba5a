"""Password hashing at the cost production runs at (telemon.security, telemon.config).

The test suite hashes at argon2's cheapest (tests/conftest.py sets
TELEMON_PASSWORD_HASH_TIME_COST and _MEMORY_KIB): these tests take them away again."""

from __future__ import annotations

import logging

import pytest

from telemon.config import password_hash_cost
from telemon.security import hash_password, verify_password

PRODUCTION = "$argon2id$v=19$m=65536,t=3,p=4$"


@pytest.fixture
def production_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEMON_PASSWORD_HASH_TIME_COST", raising=False)
    monkeypatch.delenv("TELEMON_PASSWORD_HASH_MEMORY_KIB", raising=False)


def test_production_hashes_with_argon2id_3_passes_over_64_mib_in_4_lanes(production_cost) -> None:
    assert password_hash_cost() == (3, 65536, 4)
    hashed = hash_password("correct-horse-battery")
    assert hashed.startswith(PRODUCTION)
    assert verify_password(hashed, "correct-horse-battery")
    assert not verify_password(hashed, "correct-horse-batterY")
    assert not verify_password(None, "correct-horse-battery")  # an unknown user


def test_the_cost_is_configuration_and_any_hash_verifies_at_any_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEMON_PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("TELEMON_PASSWORD_HASH_MEMORY_KIB", "32")
    cheap = hash_password("correct-horse-battery")
    assert cheap.startswith("$argon2id$v=19$m=32,t=1,p=4$")
    monkeypatch.delenv("TELEMON_PASSWORD_HASH_TIME_COST")
    monkeypatch.delenv("TELEMON_PASSWORD_HASH_MEMORY_KIB")
    # A hash carries its parameters: one made cheaply still verifies under production's cost,
    # and one made under production's cost verifies in the cheap test setting.
    assert verify_password(cheap, "correct-horse-battery")
    costly = hash_password("correct-horse-battery")
    monkeypatch.setenv("TELEMON_PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("TELEMON_PASSWORD_HASH_MEMORY_KIB", "32")
    assert verify_password(costly, "correct-horse-battery")


def test_a_cost_below_productions_is_logged(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setenv("TELEMON_PASSWORD_HASH_TIME_COST", "2")  # a cost not used before here
    monkeypatch.setenv("TELEMON_PASSWORD_HASH_MEMORY_KIB", "64")
    with caplog.at_level(logging.WARNING, logger="telemon.security"):
        assert hash_password("correct-horse-battery").startswith("$argon2id$v=19$m=64,t=2,p=4$")
    assert "below production's cost" in caplog.text
