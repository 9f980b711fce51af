"""Accounts: creating them, checking passwords, changing and resetting them."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import Q

from linli.domain.identity.models import Account, Person
from linli.domain.identity.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    too_simple,
    verify_nobody,
    verify_password,
)
from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal


class AccountError(Refusal):
    """An account change was refused; ``str()`` is a message id for the visitor."""


def _check_new_password(password: str, *, names: tuple[str | None, ...] = ()) -> None:
    if len(password) < MIN_LENGTH:
        raise AccountError(N_("A password needs at least 8 characters."))
    if too_simple(password, names):
        raise AccountError(
            N_(
                "This password is too easy to guess (a common password, a run like 12345678, "
                "or your username or phone number). Choose another."
            )
        )


async def create_account(
    username: str,
    password: str,
    *,
    phone: str | None = None,
    person: Person | None = None,
    must_change_password: bool = False,
) -> Account:
    _check_new_password(password, names=(username, phone))
    taken = Q(username=username) | Q(phone=phone) if phone else Q(username=username)
    if await Account.filter(taken).exists():
        raise AccountError(N_("This username or phone number is already taken."))
    return await Account.create(
        username=username,
        phone=phone or None,
        person=person,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )


async def find_account(login: str) -> Account | None:
    """The active account whose username or phone number is ``login``."""
    login = login.strip()
    if not login:
        return None
    return await Account.filter(Q(username=login) | Q(phone=login), is_active=True).first()


async def authenticate(login: str, password: str) -> Account | None:
    """The account if ``password`` is right, else ``None``. Upgrades an outdated hash."""
    account = await find_account(login)
    if account is None:
        verify_nobody(password)  # one verification, as for an account that exists
        return None
    if not verify_password(account.password_hash, password):
        return None
    account.last_login_at = datetime.now(UTC)
    fields = ["last_login_at"]
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
        fields.append("password_hash")
    await account.save(update_fields=fields)
    return account


async def change_password(account: Account, current: str, new: str) -> None:
    if not verify_password(account.password_hash, current):
        raise AccountError(N_("The current password is not right."))
    if current == new:
        raise AccountError(N_("Choose a password different from the current one."))
    _check_new_password(new, names=(account.username, account.phone))
    account.password_hash = hash_password(new)
    account.must_change_password = False
    await account.save(update_fields=["password_hash", "must_change_password"])


async def reset_password(account: Account, temporary: str) -> None:
    """An administrator's reset: the holder must choose a new password at next login."""
    _check_new_password(temporary)
    account.password_hash = hash_password(temporary)
    account.must_change_password = True
    await account.save(update_fields=["password_hash", "must_change_password"])


def session_stamp(account: Account) -> str:
    """Changes whenever the password changes, so that old sessions stop working."""
    return account.password_hash[-16:]
