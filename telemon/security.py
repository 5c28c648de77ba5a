"""Password hashing (argon2id) and opaque bearer tokens stored as SHA-256.

Passwords are hashed at production's cost: argon2id, 3 passes over 64 MiB in 4 lanes (RFC
9106's second recommended setting, argon2-cffi's default), about 0.3 s a hash. The cost can
only be lowered through configuration (telemon.config.password_hash_cost), which the test suite
does because it creates users by the hundred. A hash carries its own parameters, so a
password hashed at one cost is verified at any other.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from telemon.config import (
    PASSWORD_HASH_MEMORY_KIB,
    PASSWORD_HASH_TIME_COST,
    password_hash_cost,
)

# The password rule (length, common passwords) is telemon.identity.passwords.


@functools.cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> tuple[PasswordHasher, str]:
    """The hasher at this cost, and a hash it made to verify against when the username is
    unknown, so that both cases take the same time."""
    if time_cost < PASSWORD_HASH_TIME_COST or memory_kib < PASSWORD_HASH_MEMORY_KIB:
        logging.getLogger(__name__).warning(
            "passwords are hashed below production's cost (TELEMON_PASSWORD_HASH_*): "
            "for the tests only"
        )
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    return hasher, hasher.hash("telemon-no-such-user")


def hash_password(password: str) -> str:
    hasher, _ = _hasher(*password_hash_cost())
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher, dummy = _hasher(*password_hash_cost())
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
