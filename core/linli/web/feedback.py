"""What a page tells the visitor about their last action: the form again with the
refusal beside its field and their input kept, a confirmation step before an action that
cannot be taken back, and a one-time message after a write ("兑换成功").

A route that handles a form catches the service's :class:`~linli.refusals.Refusal` and
answers with :func:`form_again` rather than an error page::

    try:
        await services.record(...)
    except Refusal as exc:
        return form_again(request, "streetbank/record.html", context, exc, data)
    flash(request, N_("Service recorded."))
    return Redirect(...)

The template shows ``form_error`` with the macros of ``core:forms.html`` and refills
its fields from ``form``. An irreversible action posts twice: the first post (without
``confirmed``) answers :func:`confirmation`, a page that says what will happen and
posts the same fields again with ``confirmed=yes``. Both work without JavaScript.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from litestar import Request
from litestar.response import Template

from linli.refusals import Refusal
from linli.web.site import translate

#: Where the messages wait in the session until the next page shows them.
FLASH_KEY = "linli_flash"
#: The value a confirmation page posts in its ``confirmed`` field.
CONFIRMED = "yes"

AnyRequest = Request[Any, Any, Any]


@dataclasses.dataclass(frozen=True)
class FormError:
    """A refusal in the visitor's language, and the form field it is about (if any)."""

    message: str
    field: str = ""


def form_values(data: Any) -> dict[str, Any]:
    """A submitted form as a dict of its fields, to fill the form in again."""
    if data is None:
        return {}
    if isinstance(data, msgspec.Struct):
        return msgspec.structs.asdict(data)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return dataclasses.asdict(data)
    if isinstance(data, Mapping):
        return dict(data)
    raise TypeError(f"not a form: {type(data).__name__}")


def form_error(request: AnyRequest, exc: Refusal) -> FormError:
    return FormError(translate(request, exc.message, **exc.values), exc.field)


def form_again(
    request: AnyRequest,
    template_name: str,
    context: Mapping[str, Any],
    exc: Refusal,
    data: Any = None,
) -> Template:
    """``template_name`` rendered again with the refusal (``form_error``) and the
    visitor's input (``form``), answering the refusal's status: nothing was changed."""
    return Template(
        template_name=template_name,
        context={**context, "form_error": form_error(request, exc), "form": form_values(data)},
        status_code=exc.status,
    )


def flash(request: AnyRequest, message: str, **values: Any) -> None:
    """Show ``message`` (an English message id) once, on the next page the visitor
    sees: the confirmation of a write that redirects."""
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return
    pending = [*session.get(FLASH_KEY, []), translate(request, message, **values)]
    request.set_session({**session, FLASH_KEY: pending[-3:]})


def take_flashes(request: AnyRequest) -> list[str]:
    """The messages waiting for this visitor, removed from the session."""
    session = request.scope.get("session")
    if not isinstance(session, dict) or FLASH_KEY not in session:
        return []
    messages = list(session.get(FLASH_KEY) or [])
    request.set_session({key: value for key, value in session.items() if key != FLASH_KEY})
    return messages


def confirmation(
    request: AnyRequest,
    *,
    question: str,
    action: str,
    back: str,
    confirm_label: str,
    consequences: Iterable[str] = (),
    fields: Mapping[str, Any] | None = None,
    danger: bool = True,
) -> Template:
    """The page that asks before an irreversible action. Texts are already in the
    visitor's language; ``fields`` are posted again to ``action`` with ``confirmed``."""
    hidden = {
        name: value
        for name, value in (fields or {}).items()
        if name not in ("confirmed", "_csrf_token") and value is not None
    }
    return Template(
        template_name="confirm.html",
        context={
            "question": question,
            "consequences": list(consequences),
            "action": action,
            "back": back,
            "confirm_label": confirm_label,
            "fields": hidden,
            "confirmed": CONFIRMED,
            "danger": danger,
        },
    )


def is_confirmed(value: str | None) -> bool:
    return value == CONFIRMED
