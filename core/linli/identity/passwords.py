"""Password hashing with argon2.

Real instances use argon2-cffi's recommended parameters (RFC 9106, low-memory profile),
which cost a third of a second per hash on purpose. Test instances (``mode = "test"``)
hash with the same algorithm at its cheapest parameters, so that a test suite that logs
in thousands of times stays fast; :func:`configure` picks the hasher from the settings
when the database is opened.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from linli.settings import Settings

#: The hasher of every real (production and demo) instance.
PRODUCTION_HASHER = PasswordHasher()
#: The hasher of test instances only: argon2id with one pass over 8 KiB.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

_hasher = PRODUCTION_HASHER

MIN_LENGTH = 8


def configure(settings: Settings) -> None:
    """Use the test hasher for a test instance, the production one for anything else."""
    global _hasher
    _hasher = TEST_HASHER if settings.mode == "test" else PRODUCTION_HASHER


def current_hasher() -> PasswordHasher:
    return _hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
