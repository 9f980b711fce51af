"""The Open311 GeoReport v2 API of a community's requests, at
``/c/<community>/requests/open311/v2/``. See ``docs/api/open311.md``.

What it keeps private: requests of a private category or marked private are never
listed nor found; no reporter's name, phone, e-mail or register record is ever in an
answer; addresses stop at the building and coordinates are cut to three decimals
(about 100 m); notes written as private never leave linli. Reading is open to
everyone (Open311 reads are public); posting a request needs a key an administrator
issued to the client (403 without it).

Answers are JSON, or XML when the path ends in ``.xml``; errors have the spec's shape,
``[{"code": 403, "description": "…"}]`` or ``<errors><error>…</error></errors>``.

Names, descriptions, addresses and status notes are in Chinese, or in English when the
call asks for it (a ``locale`` parameter, else ``Accept-Language``). Calls are limited
per minute, for posting per client key (or address, without a valid key) and for
reading per address, with counters in the database so that every web worker counts
the same calls; over the limit the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from linli.kit import PUBLIC, Actor, Community
from linli_requests import services
from linli_requests.models import OPEN, Category, Status, Update
from linli_requests.models import Request as Matter

Req = Request[Any, Any, Any]
API = "/open311/v2"
#: Requests listed when no dates are given: the last 90 days, at most 1,000.
WINDOW_DAYS = 90
MAX_REQUESTS = 1000
DEFAULT_PAGE_SIZE = 1000
#: Decimals kept of a coordinate (three: about 100 m).
DECIMALS = 3
#: Calls a minute: posts per client key (or per address for posts without a valid
#: key), and reads per address.
POST_PER_MINUTE = 10
GET_PER_MINUTE = 120
#: The element names of each answer in XML: (root, item).
XML_NAMES = {
    "services": ("services", "service"),
    "definition": ("service_definition", ""),
    "requests": ("service_requests", "request"),
    "posted": ("service_requests", "request"),
    "tokens": ("service_requests", "request"),
    "updates": ("service_request_updates", "request_update"),
    "discovery": ("discovery", ""),
}


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def language_of_call(request: Req, given: str | None = None) -> str:
    """``en`` when the call asks for English — its ``locale`` parameter (``en``,
    ``en_US``, ``en-GB`` …), else the first of its ``Accept-Language`` languages that
    linli speaks — else ``zh_CN``."""
    locale = (given if given is not None else request.query_params.get("locale")) or ""
    if locale.strip():
        return "en" if locale.strip().lower()[:2] == "en" else "zh_CN"
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(request.headers.get("accept-language", "")[:200].split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = tag.strip().lower()[:2]
        if code in ("en", "zh") and weight > 0:
            ranked.append((-weight, i, code))
    return "en" if ranked and min(ranked)[2] == "en" else "zh_CN"


def content_language(language: str) -> dict[str, str]:
    return {"Content-Language": "en" if language == "en" else "zh-CN"}


def address_of(request: Req) -> str:
    return request.client.host if request.client else "unknown"


async def limited(community: Community, bucket: str, limit: int) -> int:
    """0 when the call is within the bucket's limit, else the seconds to wait."""
    return await services.admit(f"{community.id}:{bucket}", limit)


def truncate(value: float | None) -> float | None:
    """A coordinate cut (not rounded) to :data:`DECIMALS` decimals."""
    if value is None:
        return None
    factor = 10**DECIMALS
    return math.trunc(value * factor) / factor


def timestamp(value: datetime | None) -> str | None:
    """W3C date and time with its offset, as the spec asks."""
    return value.astimezone(services.DEFAULT_ZONE).isoformat(timespec="seconds") if value else None


def split(ident: str) -> tuple[str, str]:
    """``"12.json"`` → ``("12", "json")``; an unknown format is an error."""
    name, _, fmt = ident.rpartition(".")
    if fmt not in ("json", "xml") or not name:
        raise ApiError(404, "Not found: use .json or .xml")
    return name, fmt


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    child = ET.SubElement(parent, key)
    if isinstance(value, list):
        inner = {"attributes": "attribute", "values": "value", "endpoints": "endpoint",
                 "formats": "format"}.get(key, "item")  # fmt: skip
        for entry in value:
            if isinstance(entry, dict):
                node = ET.SubElement(child, inner)
                for k, v in entry.items():
                    _xml_value(node, k, v)
            else:
                ET.SubElement(child, inner).text = str(entry)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(child, k, v)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        child.text = str(value)


def answer(
    kind: str, data: Any, fmt: str, status: int = 200, language: str = "zh_CN"
) -> Response[bytes]:
    headers = content_language(language)
    if fmt == "xml":
        root_name, item = XML_NAMES[kind]
        root = ET.Element(root_name)
        if isinstance(data, list):
            for entry in data:
                node = ET.SubElement(root, item)
                for key, value in entry.items():
                    _xml_value(node, key, value)
        else:
            for key, value in data.items():
                _xml_value(root, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
        return Response(
            body, status_code=status, media_type="text/xml; charset=utf-8", headers=headers
        )
    return Response(
        msgspec.json.encode(data), status_code=status, media_type="application/json",
        headers=headers,
    )  # fmt: skip


def error(code: int, description: str, fmt: str) -> Response[bytes]:
    if fmt == "xml":
        root = ET.Element("errors")
        node = ET.SubElement(root, "error")
        ET.SubElement(node, "code").text = str(code)
        ET.SubElement(node, "description").text = description
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
        return Response(body, status_code=code, media_type="text/xml; charset=utf-8")
    return Response(
        msgspec.json.encode([{"code": code, "description": description}]),
        status_code=code,
        media_type="application/json",
    )


def public_categories(community: Community) -> Any:
    return Category.filter(community_id=community.id, active=True, private=False)


def public_requests(community: Community) -> Any:
    """The requests the API may show: never a private one, nor one of a private
    category."""
    return Matter.filter(community_id=community.id, private=False, category__private=False)


def service(category: Category, language: str = "zh_CN") -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name_in(language),
        "description": category.description_in(language),
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def definition(category: Category, language: str = "zh_CN") -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute["code"],
                "datatype": attribute["datatype"],
                "required": bool(attribute.get("required")),
                "datatype_description": "",
                "order": attribute.get("order", 0),
                "description": (attribute.get("description_en") if language == "en" else "")
                or attribute["description"],
                "values": [
                    {"key": v["key"], "name": v["name"]} for v in attribute.get("values", [])
                ],
            }
            for attribute in category.attributes
        ],
    }


async def serialise(matters: list[Matter], language: str = "zh_CN") -> list[dict[str, Any]]:
    """The requests as Open311 lists them, with the latest public note of each (one
    query whatever their number); addresses stop at the building. In English the
    status note starts with the status's English name (the note itself is as the
    worker wrote it)."""
    notes: dict[int, str] = {}
    ids = [m.id for m in matters]
    if ids:
        for row in (
            await Update.filter(request_id__in=ids)
            .exclude(public_note="")
            .order_by("at", "id")
            .values("request_id", "public_note")
        ):
            notes[row["request_id"]] = row["public_note"]
    rows = []
    for matter in matters:
        expected = matter.expected_on
        note = notes.get(matter.id, "")
        if language == "en":
            status: Status = matter.status
            note = status.name_in("en") + (f": {note}" if note else "")
        rows.append(
            {
                "service_request_id": str(matter.id),
                "status": "open" if matter.status_type == OPEN else "closed",
                "status_notes": note,
                "service_name": matter.category.name_in(language),
                "service_code": matter.category.code,
                "description": matter.description,
                "agency_responsible": matter.body.name_in(language) if matter.body else "",
                "service_notice": "",
                "requested_datetime": timestamp(matter.created_at),
                "updated_datetime": timestamp(matter.updated_at),
                "expected_datetime": timestamp(
                    services.day_start(expected) + timedelta(hours=18) if expected else None
                ),
                "address": services.where(matter, language),
                "address_id": "",
                "zipcode": "",
                "lat": truncate(matter.latitude),
                "long": truncate(matter.longitude),
                "media_url": "",
            }
        )
    return rows


def parse_time(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{name} is not a W3C date and time") from None
    return value if value.tzinfo else value.replace(tzinfo=services.DEFAULT_ZONE)


def bounded(raw: str | None, name: str, default: int, high: int) -> int:
    if not raw:
        return default
    if not raw.isdecimal() or len(raw) > 6 or not 1 <= int(raw) <= high:
        raise ApiError(400, f"{name} must be a whole number from 1 to {high}")
    return int(raw)


async def enabled(community: Community, request: Req | None = None) -> None:
    """The API answers for the community, and (given the call) the call is within the
    read limit of its address."""
    if not (await services.settings_of(community)).api_enabled:
        raise ApiError(404, "The Open311 API is switched off for this community")
    if request is not None:
        wait = await limited(community, f"get:{address_of(request)}", GET_PER_MINUTE)
        if wait:
            raise Limited(wait)


class Limited(ApiError):
    def __init__(self, wait: int) -> None:
        super().__init__(429, f"Too many calls: try again in {wait} seconds")
        self.wait = wait


def failed(exc: ApiError, fmt: str) -> Response[bytes]:
    response = error(exc.code, exc.description, fmt)
    if isinstance(exc, Limited):
        response.headers["Retry-After"] = str(exc.wait)
    return response


class Open311Controller(Controller):
    path = API

    @get(["/discovery.json", "/discovery.xml"], name="requests:open311_discovery", opt=PUBLIC)
    async def discovery(
        self, request: Req, community: NamedDependency[Community]
    ) -> Response[bytes]:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        wait = await limited(community, f"get:{address_of(request)}", GET_PER_MINUTE)
        if wait:
            return failed(Limited(wait), fmt)
        base = f"{request.base_url}".rstrip("/") + f"/c/{community.slug}/requests{API}"
        data = {
            "changeset": timestamp(datetime.now(UTC)),
            "contact": community.name,
            "key_service": "Ask the community's administrator for a key",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": timestamp(datetime.now(UTC)),
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        return answer("discovery", data, fmt)

    @get(["/services.json", "/services.xml"], name="requests:open311_services", opt=PUBLIC)
    async def services_(
        self, request: Req, community: NamedDependency[Community]
    ) -> Response[bytes]:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        language = language_of_call(request)
        try:
            await enabled(community, request)
        except ApiError as exc:
            return failed(exc, fmt)
        categories = await public_categories(community)
        return answer(
            "services", [service(c, language) for c in categories], fmt, language=language
        )

    @get("/services/{ident:str}", name="requests:open311_definition", opt=PUBLIC)
    async def definition(
        self, request: Req, community: NamedDependency[Community], ident: FromPath[str]
    ) -> Response[bytes]:
        fmt = "xml" if ident.endswith(".xml") else "json"
        language = language_of_call(request)
        try:
            await enabled(community, request)
            code, fmt = split(ident)
            category = await public_categories(community).filter(code=code).first()
            if category is None:
                raise ApiError(404, f"No service with the code {code}")
        except ApiError as exc:
            return failed(exc, fmt)
        return answer("definition", definition(category, language), fmt, language=language)

    @get(["/requests.json", "/requests.xml"], name="requests:open311_requests", opt=PUBLIC)
    async def requests(
        self, request: Req, community: NamedDependency[Community]
    ) -> Response[bytes]:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        params = request.query_params
        language = language_of_call(request)
        try:
            await enabled(community, request)
            query = public_requests(community)
            ids = params.get("service_request_id")
            if ids:
                wanted = [p for p in ids.split(",") if p.strip()]
                if not all(p.strip().isdecimal() and len(p.strip()) <= 9 for p in wanted):
                    raise ApiError(400, "service_request_id is a comma-separated list of numbers")
                query = query.filter(id__in=[int(p) for p in wanted[:MAX_REQUESTS]])
            else:
                codes = [c for c in (params.get("service_code") or "").split(",") if c.strip()]
                if codes:
                    query = query.filter(category__code__in=[c.strip()[:32] for c in codes[:50]])
                status = params.get("status")
                if status:
                    wanted_status = {s.strip() for s in status.split(",")}
                    if not wanted_status <= {"open", "closed"}:
                        raise ApiError(400, "status is open or closed")
                    if wanted_status == {"open"}:
                        query = query.filter(status_type=OPEN)
                    elif wanted_status == {"closed"}:
                        query = query.exclude(status_type=OPEN)
                end = parse_time(params.get("end_date"), "end_date") or datetime.now(UTC)
                start = parse_time(params.get("start_date"), "start_date") or (
                    end - timedelta(days=WINDOW_DAYS)
                )
                if start > end:
                    raise ApiError(400, "start_date is after end_date")
                query = query.filter(created_at__gte=start, created_at__lte=end)
            page_size = bounded(
                params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, MAX_REQUESTS
            )
            page = bounded(params.get("page"), "page", 1, 100000)
        except ApiError as exc:
            return failed(exc, fmt)
        matters = list(
            await query.select_related("category", "body", "status")
            .order_by("-created_at", "-id")
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return answer("requests", await serialise(matters, language), fmt, language=language)

    @get("/requests/{ident:str}", name="requests:open311_request", opt=PUBLIC)
    async def one(
        self, request: Req, community: NamedDependency[Community], ident: FromPath[str]
    ) -> Response[bytes]:
        fmt = "xml" if ident.endswith(".xml") else "json"
        language = language_of_call(request)
        try:
            await enabled(community, request)
            number, fmt = split(ident)
            matter = None
            if number.isdecimal() and len(number) <= 9:
                matter = (
                    await public_requests(community)
                    .filter(id=int(number))
                    .select_related("category", "body", "status")
                    .first()
                )
            if matter is None:
                raise ApiError(404, f"No request with the id {number}")
        except ApiError as exc:
            return failed(exc, fmt)
        return answer("requests", await serialise([matter], language), fmt, language=language)

    @get("/tokens/{ident:str}", name="requests:open311_token", opt=PUBLIC)
    async def token(
        self, request: Req, community: NamedDependency[Community], ident: FromPath[str]
    ) -> Response[bytes]:
        fmt = "xml" if ident.endswith(".xml") else "json"
        try:
            await enabled(community, request)
            token, fmt = split(ident)
            matter = (
                await Matter.get_or_none(community_id=community.id, token=token[:36])
                if len(token) <= 36
                else None
            )
            if matter is None:
                raise ApiError(404, "No request with this token")
        except ApiError as exc:
            return failed(exc, fmt)
        data = [{"service_request_id": str(matter.id), "token": matter.token}]
        return answer("tokens", data, fmt)

    @get(
        ["/servicerequestupdates.json", "/servicerequestupdates.xml"],
        name="requests:open311_updates", opt=PUBLIC,
    )  # fmt: skip
    async def updates(self, request: Req, community: NamedDependency[Community]) -> Response[bytes]:
        """The updates extension (as FixMyStreet serves it): the public notes and
        status changes of public requests, newest last."""
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        params = request.query_params
        try:
            await enabled(community, request)
            end = parse_time(params.get("end_date"), "end_date") or datetime.now(UTC)
            start = parse_time(params.get("start_date"), "start_date") or (
                end - timedelta(days=WINDOW_DAYS)
            )
            page_size = bounded(
                params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, MAX_REQUESTS
            )
        except ApiError as exc:
            return failed(exc, fmt)
        rows = await Update.filter(
            request__community_id=community.id, request__private=False,
            request__category__private=False, at__gte=start, at__lte=end,
        ).exclude(kind="metoo").order_by("at", "id").limit(page_size).values(
            "id", "request_id", "status_type", "public_note", "at"
        )  # fmt: skip
        data = [
            {
                "update_id": str(row["id"]),
                "service_request_id": str(row["request_id"]),
                "status": "open" if row["status_type"] == OPEN else "closed",
                "updated_datetime": timestamp(row["at"]),
                "description": row["public_note"],
                "media_url": "",
            }
            for row in rows
        ]
        return answer("updates", data, fmt)

    @post(
        ["/requests.json", "/requests.xml"], name="requests:open311_post",
        # A client authenticates with its key, never with a browser's session: the
        # handler ignores the visitor's login, so a forged cross-site form cannot act
        # as anyone, and the CSRF check (meant for cookie sessions) does not apply.
        opt={**PUBLIC, "exclude_from_csrf": True}, status_code=201,
    )  # fmt: skip
    async def post(self, request: Req, community: NamedDependency[Community]) -> Response[bytes]:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        try:
            await enabled(community)
            form = await request.form()
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            client = await services.client_for(community, fields.get("api_key", ""))
            # a client counts its posts on its key; a call without a valid key on its
            # address, so that guessing keys is as slow as posting
            bucket = f"post:key:{client.id}" if client else f"post:addr:{address_of(request)}"
            wait = await limited(community, bucket, POST_PER_MINUTE)
            if wait:
                raise Limited(wait)
            if client is None:
                raise ApiError(403, "api_key is missing or not valid")
            code = fields.get("service_code", "").strip()[:32]
            category = (
                await public_categories(community).filter(code=code).first() if code else None
            )
            if category is None:
                raise ApiError(400, "service_code is missing or not a service of this community")
            lat, long = fields.get("lat"), fields.get("long")
            address = fields.get("address_string", "").strip()
            latitude = longitude = None
            if lat or long:
                try:
                    latitude, longitude = float(lat or ""), float(long or "")
                except ValueError:
                    raise ApiError(400, "lat and long must be numbers") from None
                if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    raise ApiError(400, "lat and long are out of range")
            elif not address:
                raise ApiError(400, "A location is required: lat and long, or address_string")
            answers: dict[str, str | list[str]] = {}
            for attribute in category.attributes:
                key = f"attribute[{attribute['code']}]"
                values = [v for v in form.getall(key, []) if isinstance(v, str)]
                if attribute["datatype"] == "multivaluelist":
                    answers[attribute["code"]] = values
                else:
                    answers[attribute["code"]] = values[0] if values else ""
            contact = {
                k: fields.get(k, "").strip()[:100]
                for k in ("email", "first_name", "last_name", "phone", "device_id", "account_id")
                if fields.get(k, "").strip()
            }
            try:
                matter = await services.report(
                    community,
                    services.Report(
                        category=category, description=fields.get("description", ""),
                        channel="api", latitude=latitude, longitude=longitude,
                        address=address[:200], attributes=answers, contact=contact,
                        api_client=client,
                    ),
                    actor=Actor(account=None),
                )  # fmt: skip
            except services.RequestsError as refused:
                field = refused.field or "request"
                raise ApiError(400, f"{field}: {refused}") from None
        except ApiError as exc:
            return failed(exc, fmt)
        data = [
            {
                "service_request_id": str(matter.id),
                "token": matter.token,
                "service_notice": "",
                "account_id": None,
            }
        ]
        return answer("posted", data, fmt, status=201)
