"""Reading what a form posted, field by field: each reader refuses a malformed value
with a :class:`~linli.kernel.refusals.Refusal` about the field, so the page shows the form again
with the message beside it (see :mod:`linli.web.feedback`)."""

from __future__ import annotations

from datetime import date

from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal


def parse_date(
    raw: str, field: str, default: date | None = None, *, required: bool = False
) -> date | None:
    """``YYYY-MM-DD`` as a date; an empty field gives ``default`` (a refusal when
    ``required`` and there is no default)."""
    raw = raw.strip()
    if not raw:
        if default is None and required:
            raise Refusal(N_("Enter the date as YYYY-MM-DD."), field=field)
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Refusal(N_("Enter the date as YYYY-MM-DD."), field=field) from None


def parse_int(
    raw: str,
    field: str,
    default: int | None = None,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int | None:
    """A whole number (``default`` when empty), refused outside ``low``..``high``."""
    raw = raw.strip()
    if not raw:
        return default
    if len(raw) > 12 or not raw.lstrip("-").isdecimal():
        raise Refusal(N_("Enter a whole number."), field=field)
    value = int(raw)
    _within(value, field, low, high)
    return value


def parse_float(
    raw: str,
    field: str,
    default: float | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    """A number with an optional decimal part (``default`` when empty)."""
    raw = raw.strip().replace(",", ".")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise Refusal(N_("Enter a number."), field=field) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Refusal(N_("Enter a number."), field=field)
    _within(value, field, low, high)
    return value


def _within(value: float, field: str, low: float | None, high: float | None) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise Refusal(
                N_("Enter a number from %(low)s to %(high)s."), field=field, low=low, high=high
            )
        if low is not None:
            raise Refusal(N_("Enter a number of at least %(low)s."), field=field, low=low)
        raise Refusal(N_("Enter a number of at most %(high)s."), field=field, high=high)


def as_list(value: str | list[str] | None) -> list[str]:
    """A field that may come once or several times (checkboxes) as a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]
