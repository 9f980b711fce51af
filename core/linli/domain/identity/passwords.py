"""Password hashing with argon2.

Real instances use argon2-cffi's recommended parameters (RFC 9106, low-memory profile),
which cost a third of a second per hash on purpose. Test instances (``mode = "test"``)
hash with the same algorithm at its cheapest parameters, so that a test suite that logs
in thousands of times stays fast; :func:`configure` picks the hasher from the settings
when the database is opened.
"""

from __future__ import annotations

import itertools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from linli.kernel.settings import Settings

#: The hasher of every real (production and demo) instance.
PRODUCTION_HASHER = PasswordHasher()
#: The hasher of test instances only: argon2id with one pass over 8 KiB.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

_hasher = PRODUCTION_HASHER

MIN_LENGTH = 8

#: Passwords people choose most, here and elsewhere (after the leaked-password lists
#: published by security researchers), at least eight characters long: refused outright.
COMMON_PASSWORDS = frozenset(
    [
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "11111111",
        "88888888",
        "66666666",
        "00000000",
        "99999999",
        "11223344",
        "12341234",
        "123123123",
        "147258369",
        "159357258",
        "5201314520",
        "52013141",
        "13145200",
        "woaini1314",
        "woaini520",
        "iloveyou",
        "password",
        "password1",
        "passw0rd",
        "qwertyuiop",
        "qwerty123",
        "1qaz2wsx",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "qazwsxedc",
        "zxcvbnm123",
        "asdfghjkl",
        "a1234567",
        "a12345678",
        "abc12345",
        "abcd1234",
        "abcdefgh",
        "admin123",
        "admin888",
        "root1234",
        "qq123456",
        "aa123456",
        "aa112233",
        "a123456789",
        "abc123456",
        "123456abc",
        "123456aa",
        "1234abcd",
        "7758521521",
        "woaiwojia",
        "5201314a",
        "wangyi123",
        "linli123",
        "linli1234",
        "jianghanli",
        "12qwaszx",
        "000000000",
        "111111111",
        "123654789",
    ]
)


def _is_run(text: str) -> bool:
    """One character repeated, or a straight run up or down (12345678, 87654321, abcdefgh)."""
    if len(set(text)) == 1:
        return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def too_simple(password: str, names: tuple[str | None, ...] = ()) -> bool:
    """Whether ``password`` is among the most common ones, a run of one character or of
    consecutive ones, or the account's username or phone number (forwards or back)."""
    folded = password.strip().lower()
    if folded in COMMON_PASSWORDS or _is_run(folded):
        return True
    return any(
        name and len(name) >= 4 and (name.lower() in folded or name.lower()[::-1] in folded)
        for name in names
    )


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


#: A hash of no one's password per hasher, made once: checking a login for an account
#: that does not exist costs one verification, as for one that does.
_DUMMY_HASHES: dict[int, str] = {}


def verify_nobody(password: str) -> None:
    """Spend what :func:`verify_password` spends, for a login that names no account,
    so that timing does not tell which usernames and phone numbers have accounts."""
    dummy = _DUMMY_HASHES.get(id(_hasher))
    if dummy is None:
        dummy = _DUMMY_HASHES[id(_hasher)] = _hasher.hash("linli: no such account")
    verify_password(dummy, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
