"""Refusals: the errors a rule raises when it will not do what was asked.

A service raises a :class:`Refusal` (or a subclass that names the rule) before it changes
anything. ``message`` is an English message id for the person who asked, ``values`` fill
its ``%(name)s`` placeholders, ``status`` is the HTTP status a page answers with, and
``field`` names the form field the refusal is about (the page shows it there). Routes
turn it into the visitor's language with :func:`linli.web.errors.refusal`; the service
itself knows nothing about HTTP.

    class OutOfStock(Refusal):
        message = N_("This item is out of stock.")
        status = 409

    raise OrdersClosed(cutoff="09:30")
"""

from __future__ import annotations

from typing import Any

from linli.kernel.i18n import N_


class Refusal(ValueError):
    """A rule refused the request; nothing was changed."""

    message: str = N_("This could not be done.")
    status: int = 400
    field: str = ""

    def __init__(
        self,
        message: str | None = None,
        status: int | None = None,
        *,
        field: str | None = None,
        **values: Any,
    ):
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        if field is not None:
            self.field = field
        self.values = values
        super().__init__(self.message % values if values else self.message)
