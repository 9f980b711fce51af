"""What a page tells the visitor about their last action: the form again with the
refusal beside its field and their input kept, a confirmation step before an action that
cannot be taken back, and a one-time message after a write ("兑换成功").

A route that handles a form names the page its form is on, and lets the service's
:class:`~linli.kernel.refusals.Refusal` propagate: the application answers it (see
:func:`refusal_response`) by rendering that page again, with the refusal and the input::

    @post("/items/{item_id:int}/redeem", opt=form_page("streetbank/item.html", item_page))
    async def redeem(self, request: Req, item_id: int, data: Form) -> Redirect:
        await services.redeem(...)             # may raise a Refusal: nothing was changed
        flash(request, N_("Redeemed."))
        return Redirect(...)

``item_page`` is the coroutine that builds the page's context for its GET; it is
called with whichever of ``request``, ``community``, the path parameters and ``form``
(the submitted fields) it names. A refusal on a route that names no form page shows the
error page with the refusal's message and status; an htmx request gets the message as a
fragment for the page's ``#linli-alerts`` region.

The template shows ``form_error`` with the macros of ``core:forms.html`` and refills
its fields from ``form``. An irreversible action posts twice: the first post (without
``confirmed``) answers :func:`confirmation`, a page that says what will happen and
posts the same fields again with ``confirmed=yes``. Both work without JavaScript.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.response import Template
from litestar.types import Receive, Scope, Send

from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal
from linli.web.errors import refused_page
from linli.web.site import translate

#: Where the messages wait in the session until the next page shows them.
FLASH_KEY = "linli_flash"
#: The value a confirmation page posts in its ``confirmed`` field.
CONFIRMED = "yes"
#: The route option naming the page a refused form is shown again on.
FORM_OPT = "linli_form_page"

AnyRequest = Request[Any, Any, Any]


@dataclasses.dataclass(frozen=True)
class FormError:
    """A refusal in the visitor's language, the form field it is about (if any), and the
    heading of the error summary above the form ("There is a problem"), also translated
    here so that ``core:forms.html`` works imported without the page's context."""

    message: str
    field: str = ""
    title: str = ""


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
    return FormError(
        translate(request, exc.message, **exc.values),
        exc.field,
        translate(request, N_("There is a problem")),
    )


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


@dataclasses.dataclass(frozen=True)
class FormPage:
    """The page a route's form is on: its template, and the coroutine that builds the
    context the page's GET renders it with."""

    template: str
    context: Callable[..., Awaitable[Mapping[str, Any]]]


def form_page(
    template: str, context: Callable[..., Awaitable[Mapping[str, Any]]], **opt: Any
) -> dict[str, Any]:
    """The route option (``opt=``) that shows a refused form again on ``template``; any
    other options go alongside: ``opt=form_page("x.html", x_context, **PUBLIC)``."""
    return {FORM_OPT: FormPage(template, context), **opt}


async def submitted(request: AnyRequest) -> dict[str, Any]:
    """The submitted form's fields (a list where a field came several times), without
    files: what the form is filled in with again."""
    try:
        form = await request.form()
    except Exception:
        return {}
    values: dict[str, Any] = {}
    for name in form:
        kept = [v for v in form.getall(name) if not isinstance(v, UploadFile)]
        if kept:
            values[name] = kept if len(kept) > 1 else kept[0]
    values.pop("_csrf_token", None)
    return values


async def _page_context(request: AnyRequest, page: FormPage, form: dict[str, Any]) -> Any:
    offered = {
        "request": request,
        "community": request.state.get("community"),
        "form": form,
        **request.path_params,
    }
    wanted = inspect.signature(page.context).parameters
    return await page.context(**{name: offered[name] for name in wanted if name in offered})


class _FormAgain(Response[Any]):
    """The refused form's page, rendered once its context is built (an exception
    handler is synchronous; the context needs the database)."""

    def __init__(self, page: FormPage, exc: Refusal) -> None:
        super().__init__(content=None, status_code=exc.status)
        self.page = page
        self.exc = exc

    def to_asgi_response(self, app: Any, request: AnyRequest, **kwargs: Any) -> Any:
        page, exc = self.page, self.exc

        async def respond(scope: Scope, receive: Receive, send: Send) -> None:
            form = await submitted(request)
            context = await _page_context(request, page, form)
            answer = form_again(request, page.template, context, exc, form)
            await answer.to_asgi_response(None, request, **kwargs)(scope, receive, send)

        return respond


def refusal_response(request: AnyRequest, exc: Refusal) -> Response[Any]:
    """The application's answer to a :class:`Refusal` a route let through: the form's
    page again when the route names one (:func:`form_page`), a fragment for htmx, else
    the error page with the refusal's message."""
    handler = request.scope.get("route_handler")
    page = handler.opt.get(FORM_OPT) if handler is not None else None
    if request.headers.get("hx-request") == "true":
        return Template(
            template_name="core:refusal.html",
            context={"form_error": form_error(request, exc)},
            status_code=200,  # htmx swaps only successful answers
            headers={"HX-Retarget": "#linli-alerts", "HX-Reswap": "innerHTML"},
        )
    if isinstance(page, FormPage):
        return _FormAgain(page, exc)
    return refused_page(request, exc)
