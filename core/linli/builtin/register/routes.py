"""Pages of the resident register (居民底册), under ``/c/{community_slug}/register/``:
the people list, a person's page, importing (upload, dry run, confirm), exporting and
the template. The rules live in :mod:`linli.domain.identity.register` and
:mod:`linli.domain.identity.people`; these handlers only translate between HTTP and them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from litestar.stores.base import Store

from linli.domain.hierarchy.models import Node
from linli.domain.identity.behalf import home_node
from linli.domain.identity.models import Person
from linli.domain.identity.people import (
    KNOWN_TAGS,
    PeopleError,
    PeopleFilter,
    add_tag,
    buildings_of,
    household_by_code,
    move_person,
    page_of_people,
    person_details,
    remove_tag,
    reveal_id_number,
    search_people,
    visible_people,
)
from linli.domain.identity.register import (
    XLSX_MEDIA_TYPE,
    ImportReport,
    RegisterFileError,
    csv_of,
    export_rows,
    import_register,
    read_table,
    record_export,
    template_workbook,
    workbook_of,
)
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.web.auth import Connection, NodeResolver, community_node, current_actor, requires
from linli.web.blocks import RenderedBlock, render_blocks
from linli.web.errors import refused
from linli.web.site import site_of, today_of, translate

AnyRequest = Request[Any, Any, Any]

VIEW = "identity.person.view"
SENSITIVE = "identity.person.view_sensitive"
EDIT = "identity.person.edit"
IMPORT = "identity.register.import"
#: An uploaded file waits this long for the clerk to confirm the import.
UPLOAD_SECONDS = 3600
#: The dry-run page lists at most this many problems (the command line lists all).
SHOWN_PROBLEMS = 500


# -- where permissions are checked -----------------------------------------------------


def anywhere_in_community(permission: str) -> NodeResolver:
    """A node resolver for list pages: a node of this community where the visitor holds
    ``permission`` (so a grid worker granted at one building passes), else the
    community's own node. The list then shows only what :func:`visible_people` allows."""

    async def resolve(connection: Connection) -> Node:
        actor = await current_actor(connection)
        community = connection.state.community
        for held in actor.grants:
            if permission in held.permissions and held.community_id == community.id:
                return Node(id=held.node_id, path=held.node_path, community_id=community.id)
        return await community_node(connection)

    return resolve


async def person_node(connection: Connection) -> Node:
    """Where the person of the URL lives: permissions on them are checked there. A
    person of another community, or none, is 404 before any permission is looked at."""
    cached = connection.state.get("person_node")
    if cached is not None:
        return cached
    try:
        person_id = int(connection.path_params["person_id"])
    except (KeyError, TypeError, ValueError):
        raise NotFoundException() from None
    community = connection.state.community
    person = await Person.get_or_none(id=person_id, community_id=community.id)
    if person is None:
        raise NotFoundException()
    node = await home_node(person)
    connection.state.person = person
    connection.state.person_node = node
    return node


can_view_list = requires(VIEW, node=anywhere_in_community(VIEW))
can_view_person = requires(VIEW, node=person_node)
can_edit_person = requires(EDIT, node=person_node)
can_import = requires(IMPORT)
can_see_id_number = requires(SENSITIVE, node=person_node)
can_export_id_numbers = requires(SENSITIVE)


# -- helpers ---------------------------------------------------------------------------


def _say(request: AnyRequest, message: str, params: dict[str, Any] | None = None) -> str:
    """``message`` in the visitor's language, with ``params`` filled in."""
    return translate(request, message, **(params or {}))


def _download(content: bytes, filename: str, media_type: str = XLSX_MEDIA_TYPE) -> Response[bytes]:
    suffix = filename.rsplit(".", 1)[-1]
    disposition = f"attachment; filename=\"register.{suffix}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def _uploads(request: AnyRequest) -> Store:
    """Uploads waiting for confirmation, in the shared store every worker reads (the one
    sessions live in), so the confirm may reach another worker than the upload did."""
    return request.app.stores.get("sessions").with_namespace("register-uploads")


async def _upload_key(request: AnyRequest, token: str) -> str:
    """Uploads are kept per account: nobody can confirm another clerk's file."""
    actor = await current_actor(request)
    assert actor.account is not None  # the guard let only logged-in visitors in
    return f"{actor.account.id}:{token}"


async def _filter_of(community: Community, q: str, building: str, tag: str) -> PeopleFilter:
    node = None
    if building.isdecimal():
        node = await Node.get_or_none(id=int(building), community_id=community.id)
    return PeopleFilter(text=q.strip(), building=node, tag=tag if tag in KNOWN_TAGS else "")


# -- the people list -------------------------------------------------------------------


@get("/", name="register_people", guards=[can_view_list])
async def people_list(
    request: AnyRequest,
    community: NamedDependency[Community],
    q: FromQuery[str] = "",
    building: FromQuery[str] = "",
    tag: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """People of the community the visitor may see, searched and paginated: a fixed
    number of queries per page, however many people there are."""
    actor = await current_actor(request)
    buildings = await buildings_of(community.id)
    chosen = next((b for b in buildings if str(b.id) == building), None)
    wanted = PeopleFilter(text=q.strip(), building=chosen, tag=tag if tag in KNOWN_TAGS else "")
    root = await community_node(request)
    people = search_people(visible_people(actor, VIEW, community.id, root), wanted)
    found = await page_of_people(people, page, today=today_of(request))
    query = {"q": wanted.text, "building": building if chosen else "", "tag": wanted.tag}
    query = {key: value for key, value in query.items() if value}
    return Template(
        "register/people.html",
        context={
            "community": community,
            "found": found,
            "wanted": wanted,
            "buildings": buildings,
            "tags": KNOWN_TAGS,
            "query": urlencode(query),
            "can_import": actor.can(IMPORT, root),
            "can_export_ids": actor.can(IMPORT, root) and actor.can(SENSITIVE, root),
        },
    )


# -- a person's page -------------------------------------------------------------------


async def _sections(request: AnyRequest, person: Person) -> list[RenderedBlock]:
    """Sections plugins add through ``linli_person_sections``."""
    collected = site_of(request).registry.collect(
        "linli_person_sections",
        only=request.state.enabled_plugins,
        isolate=True,
        person=person,
        actor=await current_actor(request),
    )
    return await render_blocks(request, collected, "person", person)


async def _person_page(
    request: AnyRequest,
    community: Community,
    *,
    error: str = "",
    status: int = 200,
    id_number: str = "",
) -> Template:
    """The person page; ``id_number`` is the full number when the visitor asked to see it
    (the page then must not be kept by the browser)."""
    actor = await current_actor(request)
    person: Person = request.state.person
    node: Node = request.state.person_node
    details = await person_details(person, today=today_of(request))
    return Template(
        "register/person.html",
        context={
            "community": community,
            "details": details,
            "person": person,
            "id_number": id_number,
            "can_show_id": actor.can(SENSITIVE, node),
            "can_edit": actor.can(EDIT, node),
            "sections": await _sections(request, person),
            "tags": [tag for tag in KNOWN_TAGS if tag not in details.tags],
            "zone": site_of(request).settings.zone,
            "actions": ACTIONS,
            "error": error,
        },
        status_code=status,
        headers={"Cache-Control": "no-store"} if id_number else None,
    )


#: What the audit actions about a person mean, for their history.
ACTIONS = {
    "identity.person.imported": N_("Added by a register import"),
    "identity.person.reimported": N_("Changed by a register import"),
    "identity.person.tag_added": N_("Tag added"),
    "identity.person.tag_removed": N_("Tag removed"),
    "identity.person.moved": N_("Moved to another household"),
    "identity.person.id_number_shown": N_("Full ID-card number shown"),
}


@get("/people/{person_id:int}", name="register_person", guards=[can_view_person])
async def person_page(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """A person: household and its members, tags, roles, history, plugin sections. The
    ID-card number is masked; a visitor who may see it in full asks to (below)."""
    return await _person_page(request, community)


@post(
    "/people/{person_id:int}/id-number",
    name="register_show_id_number",
    guards=[can_view_person, can_see_id_number],
)
async def show_id_number(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """The person page with the full ID-card number, for a visitor holding
    ``identity.person.view_sensitive`` where the person lives: an explicit request,
    recorded in the audit trail (who saw whose number)."""
    actor = await current_actor(request)
    number = await reveal_id_number(request.state.person, actor=actor)
    return await _person_page(request, community, id_number=number)


class TagForm(msgspec.Struct):
    tag: str = ""


class MoveForm(msgspec.Struct):
    household: str = ""
    relation: str = ""


def _back_to_person(request: AnyRequest, community: Community) -> Redirect:
    person: Person = request.state.person
    return Redirect(
        f"/c/{community.slug}/register/people/{person.id}", status_code=HTTP_303_SEE_OTHER
    )


@post("/people/{person_id:int}/tags", name="register_tag_add", guards=[can_edit_person])
async def tag_add(
    request: AnyRequest, community: NamedDependency[Community], data: URLEncodedBody[TagForm]
) -> Response[Any]:
    try:
        await add_tag(request.state.person, data.tag, actor=await current_actor(request))
    except PeopleError as exc:
        return await _person_page(
            request, community, error=_say(request, exc.message, exc.params), status=400
        )
    return _back_to_person(request, community)


@post("/people/{person_id:int}/tags/remove", name="register_tag_remove", guards=[can_edit_person])
async def tag_remove(
    request: AnyRequest, community: NamedDependency[Community], data: URLEncodedBody[TagForm]
) -> Redirect:
    await remove_tag(request.state.person, data.tag, actor=await current_actor(request))
    return _back_to_person(request, community)


@post("/people/{person_id:int}/move", name="register_move", guards=[can_edit_person])
async def move(
    request: AnyRequest, community: NamedDependency[Community], data: URLEncodedBody[MoveForm]
) -> Response[Any]:
    """Move the person to another household; the old membership is ended, not erased."""
    household = await household_by_code(community.id, data.household)
    try:
        if household is None:
            raise PeopleError(N_("There is no household %(code)s."), code=data.household.strip())
        await move_person(
            request.state.person,
            household,
            actor=await current_actor(request),
            relation=data.relation,
            on=today_of(request),
        )
    except PeopleError as exc:
        return await _person_page(
            request, community, error=_say(request, exc.message, exc.params), status=400
        )
    return _back_to_person(request, community)


# -- importing -------------------------------------------------------------------------


@dataclass
class UploadForm:
    file: UploadFile | None = None


class ConfirmForm(msgspec.Struct):
    token: str = ""
    filename: str = ""


def _import_page(error: str = "", status: int = 200) -> Template:
    return Template("register/import.html", context={"error": error}, status_code=status)


def _report_page(
    request: AnyRequest,
    report: ImportReport,
    *,
    token: str = "",
    filename: str = "",
    status: int = 200,
) -> Template:
    problems = [
        {"row": p.row, "column": p.column, "text": _say(request, p.message, p.params)}
        for p in report.problems[:SHOWN_PROBLEMS]
    ]
    return Template(
        "register/report.html",
        context={
            "report": report,
            "problems": problems,
            "hidden_problems": max(0, len(report.problems) - SHOWN_PROBLEMS),
            "token": token,
            "filename": filename,
        },
        status_code=status,
    )


@get("/import", name="register_import", guards=[can_import])
async def import_page() -> Template:
    return _import_page()


@post("/import", name="register_import_upload", guards=[can_import])
async def import_upload(
    request: AnyRequest,
    community: NamedDependency[Community],
    data: MultipartBody[UploadForm],
) -> Template:
    """Read the upload and dry-run it: every problem by row and column, or what the
    import would do. The file waits in the shared store for the clerk to confirm."""
    if data.file is None or not data.file.filename:
        return _import_page(_say(request, N_("Choose a file to upload.")), status=400)
    content = await data.file.read()
    filename = data.file.filename
    try:
        table = read_table(content)
        report = await import_register(
            community, table, dry_run=True, actor=None, today=today_of(request)
        )
    except RegisterFileError as exc:
        return _import_page(_say(request, exc.message, exc.params), status=400)
    token = ""
    if report.ok:
        token = secrets.token_urlsafe(16)
        await _uploads(request).set(
            await _upload_key(request, token), content, expires_in=UPLOAD_SECONDS
        )
    return _report_page(request, report, token=token, filename=filename)


@post("/import/confirm", name="register_import_confirm", guards=[can_import])
async def import_confirm(
    request: AnyRequest,
    community: NamedDependency[Community],
    data: URLEncodedBody[ConfirmForm],
) -> Template:
    """Import the checked file for real, all rows or none. It is checked again inside
    the import's transaction, in case the register changed since the dry run."""
    store = _uploads(request)
    key = await _upload_key(request, data.token) if data.token else ""
    content = await store.get(key) if key else None
    if content is None:
        return _import_page(
            _say(
                request,
                N_("This upload has expired or was already imported. Upload the file again."),
            ),
            status=400,
        )
    try:
        report = await import_register(
            community,
            read_table(content),
            dry_run=False,
            actor=await current_actor(request),
            today=today_of(request),
        )
    except RegisterFileError as exc:
        return _import_page(_say(request, exc.message, exc.params), status=400)
    if report.applied:
        await store.delete(key)
    return _report_page(
        request, report, filename=data.filename, status=200 if report.applied else 400
    )


# -- exporting and the template --------------------------------------------------------


class ExportForm(msgspec.Struct):
    q: str = ""
    building: str = ""
    tag: str = ""
    kind: str = "xlsx"


EXPORT_KINDS = {"xlsx": XLSX_MEDIA_TYPE, "csv": "text/csv; charset=utf-8"}


async def _export(
    request: AnyRequest, community: Community, wanted: ExportForm, *, full_ids: bool
) -> Response[bytes]:
    """The people matching the list's search as xlsx or CSV, recorded in the audit trail."""
    if wanted.kind not in EXPORT_KINDS:
        raise refused(request, N_("Export as xlsx or csv."))
    actor = await current_actor(request)
    root = await community_node(request)
    chosen = await _filter_of(community, wanted.q, wanted.building, wanted.tag)
    people = await search_people(visible_people(actor, VIEW, community.id, root), chosen)
    rows = await export_rows(community.id, people, full_ids=full_ids)
    search = {"q": wanted.q, "building": wanted.building, "tag": wanted.tag}
    await record_export(
        community.id,
        actor=actor,
        people=len(rows),
        full_ids=full_ids,
        chosen={key: value for key, value in search.items() if value},
    )
    title = _say(request, N_("resident register"))
    filename = f"{community.name}-{title}-{today_of(request)}.{wanted.kind}"
    content = csv_of(rows) if wanted.kind == "csv" else workbook_of(rows)
    return _download(content, filename, EXPORT_KINDS[wanted.kind])


@get("/export", name="register_export", guards=[can_import])
async def export(
    request: AnyRequest,
    community: NamedDependency[Community],
    q: FromQuery[str] = "",
    building: FromQuery[str] = "",
    tag: FromQuery[str] = "",
    kind: FromQuery[str] = "xlsx",
) -> Response[bytes]:
    """The register (or the people matching the list's search) as xlsx or CSV, in the
    template's columns so that it can be imported again, with masked ID-card numbers (a
    masked export still imports back unchanged). Recorded in the audit trail."""
    return await _export(request, community, ExportForm(q, building, tag, kind), full_ids=False)


@post("/export", name="register_export_full", guards=[can_import, can_export_id_numbers])
async def export_full(
    request: AnyRequest, community: NamedDependency[Community], data: URLEncodedBody[ExportForm]
) -> Response[bytes]:
    """The same export with full ID-card numbers: an explicit request (a form with its
    CSRF token) by a holder of ``identity.person.view_sensitive``, recorded in the audit
    trail with the number of people and the search."""
    return await _export(request, community, data, full_ids=True)


@get("/template", name="register_template", guards=[can_import])
async def template(request: AnyRequest) -> Response[bytes]:
    """The empty register with its headers and a sheet explaining how to fill it in."""
    content = template_workbook(lambda message: _say(request, message))
    title = _say(request, N_("resident register template"))
    return _download(content, f"{title}.xlsx")


ROUTES: list[Any] = [
    people_list,
    person_page,
    show_id_number,
    tag_add,
    tag_remove,
    move,
    import_page,
    import_upload,
    import_confirm,
    export,
    export_full,
    template,
]
