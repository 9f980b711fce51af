"""The edge: what a request may carry before any handler or query sees it.

Two layers, both in one place for every route of the core and of every plugin:

- :func:`bounded_input` (the app's first guard, before any other guard or handler
  queries anything) refuses NUL and other control
  bytes and absurd lengths in the path, the query string and form fields, and numbers of
  more digits than any identifier, phone or voucher has. A crawler gets a 400 with a
  message; nothing reaches the database.
- :data:`OUT_OF_RANGE_HANDLERS` turn what a database says about a value it cannot hold
  (a lookup longer than its column, an integer past its column's range, a byte string
  PostgreSQL refuses) into the same 400. Handlers bound what they parse; this is the net
  under them, so that a value they missed is a refusal, never a 500.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

import msgspec
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Parameter
from tortoise.exceptions import OperationalError
from tortoise.exceptions import ValidationError as OrmValidationError

from linli.kernel.i18n import N_
from linli.web.errors import http_error, refused, server_error

log = logging.getLogger("linli.web")

#: The largest id a row can have and the largest count, amount or price a column holds
#: (32-bit integers in every database). Form structs bound their integers with these.
MAX_INT = 2**31 - 1
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)]
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_INT)]
#: A year in a query string (``?year=2025``) of a page whose default is this year: a
#: value outside the calendar a page can draw is a 400, not a crash in ``date()``.
#: Declare it ``year: Year = None`` (``None``: this year).
Year = Annotated[int | None, Parameter(ge=1900, le=9998)]

#: A query-string value: search words, filters, page numbers.
MAX_QUERY_VALUE = 1_000
#: A form field: the longest text a form takes is a few thousand characters.
MAX_FORM_VALUE = 20_000
#: An all-digit value: an ID number has 18 digits, a phone number 15; nothing has 40.
MAX_DIGITS = 40

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"[+-]?\d+")

INVALID_MESSAGE = N_(
    "A value in this request is too long, out of range or contains characters that are "
    "not allowed. Please check what you entered."
)


def _bad(value: str, limit: int) -> bool:
    if len(value) > limit or _CONTROL.search(value):
        return True
    return len(value) > MAX_DIGITS and _NUMBER.fullmatch(value) is not None


def parse_int(text: str, *, low: int = 0, high: int = MAX_INT) -> int | None:
    """``text`` as an integer within ``low``..``high``, or ``None``: for handlers that read
    numbers from strings (``?page=``, ``person=``)."""
    text = text.strip()
    if not text or len(text) > MAX_DIGITS or _NUMBER.fullmatch(text) is None:
        return None
    number = int(text)
    return number if low <= number <= high else None


async def bounded_input(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Refuse a request whose path, query string or form carries a value no field takes."""
    if isinstance(connection, Request):
        await check_request_input(connection)


async def check_request_input(request: Request[Any, Any, Any]) -> None:
    """The checks of :func:`bounded_input`."""
    if _bad(request.url.path, MAX_FORM_VALUE):
        raise refused(request, INVALID_MESSAGE)
    for key, value in request.query_params.multi_items():
        if _bad(key, MAX_QUERY_VALUE) or _bad(value, MAX_QUERY_VALUE):
            raise refused(request, INVALID_MESSAGE)
    if request.method in ("GET", "HEAD") or not request.content_type[0].startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return
    form = await request.form()
    for key, value in form.multi_items():
        if _bad(key, MAX_QUERY_VALUE):
            raise refused(request, INVALID_MESSAGE)
        if isinstance(value, UploadFile):
            if _bad(value.filename or "", MAX_QUERY_VALUE):
                raise refused(request, INVALID_MESSAGE)
        elif _bad(value, MAX_FORM_VALUE):
            raise refused(request, INVALID_MESSAGE)


def out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A value the database cannot hold: 400 with a message (logged, so that the handler
    that let it through gets a bound)."""
    log.warning(
        "value out of range on %s %s: %s", request.method, request.url.path, exc, exc_info=exc
    )
    return http_error(request, refused(request, INVALID_MESSAGE))


def _postgres_data_error(exc: BaseException) -> bool:
    cause = exc.__cause__
    return (
        cause is not None
        and type(cause).__module__.startswith("asyncpg")
        and any(klass.__name__ == "DataError" for klass in type(cause).__mro__)
    )


def operational_error(request: Request[Any, Any, Any], exc: OperationalError) -> Response[Any]:
    """PostgreSQL's refusal of a value (class 22, "data exception": a NUL byte, a number
    out of range) is bad input; any other operational error is ours."""
    if _postgres_data_error(exc):
        return out_of_range(request, exc)
    return server_error(request, exc)


def _handlers() -> dict[type[Exception], Any]:
    handlers: dict[type[Exception], Any] = {
        OrmValidationError: out_of_range,
        OverflowError: out_of_range,
        OperationalError: operational_error,
    }
    try:  # asyncpg's own check of an argument (an int past int4) before it is sent
        from asyncpg.exceptions._base import DataError as ArgumentError
    except ImportError:  # pragma: no cover - SQLite-only installs
        return handlers
    handlers[ArgumentError] = out_of_range
    return handlers


OUT_OF_RANGE_HANDLERS = _handlers()
