"""The street bank's pages: thin controllers that call :mod:`linli_streetbank.services`.

Every route declares what it needs with ``requires("streetbank.…")``. Residents
(``streetbank.use``) see only their own account and vouchers; a partner's operators
(``streetbank.verify`` granted at the partner's node) see only that partner's vouchers;
community workers hold ``streetbank.record``, ``.redeem_for``, ``.manage``, ``.figures``.

A form's POST names the page it is on (``form_page``) with the coroutine that builds
that page's context, the one its GET uses; a refusal from the services is answered by
the application with that page again, the message beside its field and the input kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import msgspec
import segno
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Response, Template
from markupsafe import Markup
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    SETTINGS_PERMISSION,
    Actor,
    Community,
    Node,
    Person,
    Refusal,
    Upload,
    UploadRefused,
    Year,
    addresses,
    bar_chart,
    community_node,
    confirmation,
    current_actor,
    file_response,
    flash,
    form_page,
    form_values,
    is_confirmed,
    language_of,
    natural_sorted,
    need_person,
    own_person,
    parse_date,
    parse_int,
    requires,
    save_image,
    settings_path,
    today_of,
    translate,
    zone_of,
)
from linli.kit import Account as CoreAccount
from linli_streetbank import services
from linli_streetbank.models import (
    CANCELLED,
    ISSUED,
    PARTNER,
    PENDING,
    PERSON,
    USED,
    Adjustment,
    CatalogueItem,
    Entry,
    LedgerAccount,
    Partner,
    ServiceCategory,
    Voucher,
)

Req = Request[Any, Any, Any]
#: A submitted form, as a refused form's page receives it (``None`` on a GET).
Form = dict[str, Any] | None
PER_PAGE = 30
#: Catalogue items on one page: a phone's few screens, and a first visit under 30 KB
#: with each item's picture (tests/e2e/test_first_paint_browser.py).
CATALOGUE_PAGE = 12
OWN_PERMISSIONS = (
    "streetbank.use",
    "streetbank.record",
    "streetbank.redeem_for",
    "streetbank.manage",
    "streetbank.figures",
    "streetbank.approve",
)


# ----------------------------------------------------------------------------- helpers


async def partner_node(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
    """Node resolver for operator pages: the partner named in the path, in this
    community's partner tree; 404 for any other."""
    partner_id = connection.path_params.get("partner_id")
    partner = (
        await Partner.filter(id=partner_id, community_id=connection.state.community.id)
        .select_related("node")
        .first()
    )
    if partner is None:
        raise NotFoundException()
    connection.state.streetbank_partner = partner
    return partner.node


async def operated_node(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
    """Node resolver for the operator's start page: the first partner node of this
    community where the visitor may verify (else the community node, which refuses)."""
    actor = await current_actor(connection)
    paths = actor.paths_allowing("streetbank.verify")
    if paths:
        node = (
            await Node.filter(community_id=connection.state.community.id, tree="partner")
            .filter(Q(*[Q(path__startswith=p) for p in paths], join_type="OR"))
            .order_by("path")
            .first()
        )
        if node is not None:
            return node
    return await community_node(connection)


def base(community: Community) -> str:
    return f"/c/{community.slug}/streetbank"


async def page_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    """What every street bank page shows: its links, labels and the community's clock."""
    actor = await current_actor(request)
    node = await community_node(request)
    allowed = {name.split(".")[1] for name in OWN_PERMISSIONS if actor.can(name, node)}
    if actor.paths_allowing("streetbank.verify"):
        allowed.add("verify")
    return {
        "base": base(community),
        "allowed": allowed,
        "status_labels": services.VOUCHER_STATUS_LABELS,
        "kind_labels": services.ENTRY_KIND_LABELS,
        "memo_labels": services.SYSTEM_MEMOS,
        "item_categories": services.ITEM_CATEGORIES,
        "account_kinds": services.ACCOUNT_KIND_LABELS,
        "zone": zone_of(request),
        "form_error": None,
        "form": {},
        **extra,
    }


def qr_svg(text: str) -> Markup:
    """The code as an SVG that scales with its box (a ``viewBox``, no fixed size), so a
    phone in elder mode shows it as large as the screen allows."""
    # segno writes the SVG itself; the text is our own URL, so the markup is safe.
    return Markup(segno.make(text, error="m").svg_inline(scale=4, border=2, omitsize=True))


def parse_id(raw: str) -> int:
    """A row id chosen in a select: 0 when missing or not a number (so nothing matches)."""
    raw = raw.strip()
    return int(raw) if raw.isdecimal() and len(raw) < 10 else 0


def masked_phone(phone: str) -> str:
    return phone[-4:] if len(phone) >= 4 else ""


def form_key(form: Form) -> str:
    """The request key of a refused form, kept (nothing moved under it), else a fresh
    one: a form sent twice carries the same key and moves points once."""
    return str((form or {}).get("request_key") or "") or services.new_request_key()


async def person_choices(request: Req, community: Community, form: Form) -> list[dict[str, Any]]:
    """When the resident a worker typed (``person``) matches several, the residents to
    choose from, each with their address (building, entrance and flat) and register
    number, in natural order of address; otherwise none."""
    who = str((form or {}).get("person") or "")
    people = await services.matching_people(community, who) if who else []
    if len(people) < 2:
        return []
    home_of = await services.homes(people)
    where = await addresses(home_of.values(), language_of(request))
    rows = [
        {
            "id": person.id,
            "name": person.name,
            "address": where.get(home_of[person.id].id, "") if person.id in home_of else "",
            "phone": masked_phone(person.phone),
        }
        for person in people
    ]
    return natural_sorted(rows, key=lambda row: f"{row['address']} {row['id']:09d}")


def requires_any(*permissions: str) -> Any:
    """A guard that lets through whoever holds one of ``permissions`` at the community
    (each checked as :func:`~linli.kit.requires` would)."""
    checks = [requires(permission) for permission in permissions]

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: Any) -> None:
        for check in checks[:-1]:
            try:
                await check(connection, handler)
                return
            except PermissionDeniedException:
                continue
        await checks[-1](connection, handler)

    guard.permission = permissions[0]  # type: ignore[attr-defined]  # read by the route audit
    return guard


def redirect(url: str) -> Redirect:
    return Redirect(url, status_code=303)


def expired_form() -> Refusal:
    return Refusal(N_("The form has expired; please try again."))


# ----------------------------------------------------------------------------- forms


class KeyForm(msgspec.Struct):
    request_key: str = ""


class VerifyForm(msgspec.Struct):
    code: str = ""
    confirmed: str = ""


class ConfirmForm(msgspec.Struct):
    confirmed: str = ""


class ServiceForm(msgspec.Struct):
    person: str = ""
    category: str = ""
    quantity: str = ""
    served_on: str = ""
    note: str = ""
    request_key: str = ""


class OnBehalfForm(msgspec.Struct):
    person: str = ""
    item: str = ""
    request_key: str = ""


class AdjustForm(msgspec.Struct):
    person: str = ""
    amount: str = ""
    reason: str = ""
    request_key: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""
    confirmed: str = ""


@dataclass
class ItemForm:
    partner: str = ""
    title: str = ""
    title_en: str = ""
    description: str = ""
    image: str = ""
    category: str = "goods"
    price: str = ""
    stock: str = ""
    monthly_limit: str = ""
    available_from: str = ""
    available_until: str = ""
    active: str = ""
    photo: UploadFile | None = None


class PartnerForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    kind: str = "merchant"
    address: str = ""
    phone: str = ""
    description: str = ""


class OperatorForm(msgspec.Struct):
    username: str = ""


class CategoryForm(msgspec.Struct):
    key: str = ""
    name: str = ""
    name_en: str = ""
    unit: str = "hour"
    rate: str = ""
    active: str = ""


class ExpiryForm(msgspec.Struct):
    year: str = ""
    confirmed: str = ""


# ---------------------------------------------------------------------------- resident


async def catalogue_item(community: Community, item_id: int) -> CatalogueItem:
    """An item of this community's catalogue, with its partner; 404 for any other."""
    item = (
        await CatalogueItem.filter(id=item_id, community_id=community.id)
        .select_related("partner")
        .first()
    )
    if item is None:
        raise NotFoundException()
    return item


async def item_page(request: Req, community: Community, item_id: int) -> dict[str, Any]:
    """The item's page, for the resident; 404 for an item of another community."""
    item = await catalogue_item(community, item_id)
    person = await own_person(request)
    balance = await services.balance_of(person) if person is not None else 0
    return await page_context(
        request, community, item=item, person=person, balance=balance,
        available=services.item_available(item, today_of(request)) and item.partner.active,
        request_key=services.new_request_key(),
    )  # fmt: skip


async def own_voucher(community: Community, person: Person | None, voucher_id: int) -> Voucher:
    """One of the visitor's own vouchers; another resident's does not exist for them."""
    voucher = None
    if person is not None:
        voucher = (
            await Voucher.filter(id=voucher_id, person_id=person.id, community_id=community.id)
            .select_related("item", "partner", "person")
            .first()
        )
    if voucher is None:
        raise NotFoundException()
    return voucher


async def voucher_page(
    request: Req, community: Community, voucher_id: int, *, again: bool = False
) -> dict[str, Any]:
    """A resident's voucher, as it stands now."""
    voucher = await own_voucher(community, await own_person(request), voucher_id)
    return await voucher_context(request, community, voucher, again=again)


async def voucher_context(
    request: Req, community: Community, voucher: Voucher, **extra: Any
) -> dict[str, Any]:
    scan = (
        f"{str(request.base_url).rstrip('/')}{base(community)}/operator/{voucher.partner_id}"
        f"?code={voucher.code}"
    )
    return await page_context(request, community, voucher=voucher, qr=qr_svg(scan), **extra)


class ResidentController(Controller):
    path = "/"
    guards = [requires("streetbank.use")]  # noqa: RUF012

    @get("/me", name="streetbank:home")
    async def home(
        self,
        request: Req,
        community: NamedDependency[Community],
        person: NamedDependency[Person | None],
        page: FromQuery[int] = 1,
    ) -> Template:
        account = postings = None
        if person is not None:
            account = await LedgerAccount.get_or_none(key=f"c{community.id}:person:{person.id}")
            if account is not None:
                postings = await services.history(account, page=page, per_page=PER_PAGE)
        context = await page_context(
            request, community, person=person, account=account, postings=postings or [],
            page=max(page, 1), per_page=PER_PAGE,
            served=await services.services_named(
                [p.entry for p in postings or []], language_of(request)
            ),
        )  # fmt: skip
        return Template("streetbank/home.html", context=context)

    @get("/catalogue", name="streetbank:catalogue")
    async def catalogue(
        self,
        request: Req,
        community: NamedDependency[Community],
        person: NamedDependency[Person | None],
        today: NamedDependency[date],
        category: FromQuery[str] = "",
        partner: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        page = max(page, 1)
        # one more than a page: whether there is a next one, without counting them all
        items = await services.catalogue(
            community,
            category=category if category in services.ITEM_CATEGORIES else "",
            partner_id=int(partner) if partner.isdecimal() else None,
            query=q,
            today=today,
            limit=CATALOGUE_PAGE + 1,
            offset=(page - 1) * CATALOGUE_PAGE,
        )
        has_next, items = len(items) > CATALOGUE_PAGE, items[:CATALOGUE_PAGE]
        usage: dict[int, int] = {}
        balance = 0
        if person is not None:
            month = services.month_of(services.now_utc(), zone_of(request))
            usage = await services.usage_this_month(person, [i.id for i in items], month)
            balance = await services.balance_of(person)
        partners = await partner_choices(
            Partner.filter(community_id=community.id, active=True), language_of(request)
        )
        context = await page_context(
            request, community, items=items, usage=usage, balance=balance,
            partners=partners, chosen={"category": category, "partner": partner, "q": q},
            page=page, has_next=has_next,
            page_link="?" + urlencode({"category": category, "partner": partner, "q": q})
            + "&page=",
        )  # fmt: skip
        partial = request.headers.get("hx-request") == "true" and not request.headers.get(
            "hx-boosted"
        )
        name = "streetbank/_items.html" if partial else "streetbank/catalogue.html"
        return Template(name, context=context)

    @get("/catalogue/{item_id:int}", name="streetbank:item")
    async def item(
        self, request: Req, community: NamedDependency[Community], item_id: FromPath[int]
    ) -> Template:
        return Template(
            "streetbank/item.html", context=await item_page(request, community, item_id)
        )

    @get("/catalogue/photos/{photo_id:int}", name="streetbank:photo")
    async def photo(
        self, community: NamedDependency[Community], photo_id: FromPath[int]
    ) -> Response[bytes]:
        """An item's picture, for whoever may see the catalogue. Addressed by the upload,
        not the item: items that share a picture share one download."""
        shown = await CatalogueItem.filter(community_id=community.id, photo_id=photo_id).exists()
        upload = await Upload.get_or_none(id=photo_id, community_id=community.id) if shown else None
        if upload is None:
            raise NotFoundException()
        return file_response(upload)

    @post(
        "/catalogue/{item_id:int}/redeem",
        name="streetbank:redeem",
        opt=form_page("streetbank/item.html", item_page),
    )
    async def redeem(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        item_id: FromPath[int],
        data: URLEncodedBody[KeyForm],
    ) -> Redirect:
        item = await catalogue_item(community, item_id)
        person = await need_person(request)
        if not data.request_key:
            raise expired_form()
        done = await services.redeem(
            community, person=person, item=item, actor=actor,
            key=f"c{community.id}:redeem:{person.id}:{data.request_key[:64]}",
            zone=zone_of(request),
        )  # fmt: skip
        if done.duplicate:
            return redirect(f"{base(community)}/vouchers/{done.value.id}?again=1")
        flash(request, N_("Redeemed: show this voucher at %(partner)s."),
              partner=item.partner.name_in(language_of(request)))  # fmt: skip
        return redirect(f"{base(community)}/vouchers/{done.value.id}")

    @get("/vouchers", name="streetbank:vouchers")
    async def vouchers(
        self,
        request: Req,
        community: NamedDependency[Community],
        person: NamedDependency[Person | None],
    ) -> Template:
        vouchers = []
        if person is not None:
            vouchers = (
                await Voucher.filter(person_id=person.id, community_id=community.id)
                .select_related("item", "partner")
                .limit(100)
            )
        context = await page_context(request, community, person=person, vouchers=vouchers)
        return Template("streetbank/vouchers.html", context=context)

    @get("/vouchers/{voucher_id:int}", name="streetbank:voucher")
    async def voucher(
        self,
        request: Req,
        community: NamedDependency[Community],
        voucher_id: FromPath[int],
        again: FromQuery[str] = "",
    ) -> Template:
        context = await voucher_page(request, community, voucher_id, again=bool(again))
        return Template("streetbank/voucher.html", context=context)

    @post(
        "/vouchers/{voucher_id:int}/cancel",
        name="streetbank:cancel",
        opt=form_page("streetbank/voucher.html", voucher_page),
    )
    async def cancel(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        person: NamedDependency[Person | None],
        voucher_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Redirect | Template:
        voucher = await own_voucher(community, person, voucher_id)
        page = f"{base(community)}/vouchers/{voucher.id}"
        if voucher.status == CANCELLED:  # sent twice: already done
            flash(request, N_("Already done: this voucher was cancelled and the points went back."))
            return redirect(page)
        if voucher.status == ISSUED and not is_confirmed(data.confirmed):
            title = voucher.item.title_in(language_of(request))
            return confirmation(
                request,
                question=translate(request, N_("Cancel the voucher for %(item)s?"), item=title),
                consequences=[
                    translate(
                        request,
                        N_("The %(points)s points go back to your balance."),
                        points=voucher.points,
                    ),
                    translate(
                        request,
                        N_("The code %(code)s will no longer be accepted."),
                        code=voucher.code,
                    ),
                ],
                action=f"{page}/cancel",
                back=page,
                confirm_label=translate(request, N_("Cancel the voucher")),
            )
        await services.cancel_voucher(voucher, actor=actor)
        flash(request, N_("Voucher cancelled: %(points)s points are back in your balance."),
              points=voucher.points)  # fmt: skip
        return redirect(page)


# ---------------------------------------------------------------------------- operator


async def operator_page(
    request: Req, community: Community, code: str = "", form: Form = None
) -> dict[str, Any]:
    """A partner's page for its operators: the code to verify (``code``, from a scanned
    voucher) and this month's redemptions; with a refused code, the voucher it names
    if it is one of this partner's."""
    partner: Partner = request.state.streetbank_partner
    shown = None
    if form and form.get("code"):
        shown = await services.find_voucher_for_partner(partner, str(form["code"]))
    start = (
        services.now_utc()
        .astimezone(zone_of(request))
        .replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    )
    used = (
        await Voucher.filter(partner_id=partner.id, status=USED, used_at__gte=start)
        .select_related("item")
        .order_by("-used_at")
        .limit(200)
    )
    return await page_context(
        request, community, partner=partner, used=used,
        month_points=sum(v.points for v in used), code=code, shown=shown,
    )  # fmt: skip


class OperatorController(Controller):
    path = "/operator"

    @get(
        "/",
        name="streetbank:operator",
        guards=[requires("streetbank.verify", node=operated_node)],
    )
    async def start(
        self, request: Req, community: NamedDependency[Community], actor: NamedDependency[Actor]
    ) -> Template:
        partners = [
            partner
            for partner in await Partner.filter(community_id=community.id).select_related("node")
            if actor.can("streetbank.verify", partner.node)
        ]
        context = await page_context(request, community, partners=partners)
        return Template("streetbank/operator_start.html", context=context)

    @get(
        "/{partner_id:int}",
        name="streetbank:operator_partner",
        guards=[requires("streetbank.verify", node=partner_node)],
    )
    async def partner(
        self,
        request: Req,
        community: NamedDependency[Community],
        partner_id: FromPath[int],
        code: FromQuery[str] = "",
    ) -> Template:
        context = await operator_page(request, community, code=code)
        return Template("streetbank/operator.html", context=context)

    @post(
        "/{partner_id:int}/verify",
        name="streetbank:verify",
        guards=[requires("streetbank.verify", node=partner_node)],
        opt=form_page("streetbank/operator.html", operator_page),
    )
    async def verify(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        partner_id: FromPath[int],
        data: URLEncodedBody[VerifyForm],
    ) -> Redirect | Template:
        partner: Partner = request.state.streetbank_partner
        page = f"{base(community)}/operator/{partner.id}"
        if not is_confirmed(data.confirmed):
            voucher = await services.check_voucher(partner, data.code, zone=zone_of(request))
            title = voucher.item.title_in(language_of(request))
            return confirmation(
                request,
                question=translate(request, N_("Accept voucher %(code)s?"), code=voucher.code),
                consequences=[
                    translate(
                        request,
                        N_("%(item)s, %(points)s points."),
                        item=title,
                        points=voucher.points,
                    ),
                    translate(request, N_("Once accepted, the voucher cannot be used again.")),
                ],
                action=f"{page}/verify",
                back=page,
                confirm_label=translate(request, N_("Accept the voucher")),
                fields={"code": voucher.code},
                danger=False,
            )
        voucher = await services.verify_voucher(
            partner, data.code, actor=actor, zone=zone_of(request)
        )
        await voucher.fetch_related("item")
        flash(
            request, N_("Voucher %(code)s accepted: %(item)s, %(points)s points."),
            code=voucher.code, item=voucher.item.title_in(language_of(request)),
            points=voucher.points,
        )  # fmt: skip
        return redirect(page)


# ------------------------------------------------------------------------------ worker


async def record_page(request: Req, community: Community, form: Form = None) -> dict[str, Any]:
    """A worker's record of service; a refused one offers the residents to choose from
    when the name typed matches several."""
    categories = await ServiceCategory.filter(community_id=community.id, active=True)
    return await page_context(
        request, community, categories=categories, units=services.UNITS,
        request_key=form_key(form), today=today_of(request).isoformat(),
        choices=await person_choices(request, community, form),
    )  # fmt: skip


async def redeem_for_page(request: Req, community: Community, form: Form = None) -> dict[str, Any]:
    """A worker's redemption for a resident; a refused one offers the residents to
    choose from when the name typed matches several."""
    items = await services.catalogue(community, today=today_of(request))
    return await page_context(
        request, community, items=items, request_key=form_key(form),
        choices=await person_choices(request, community, form),
    )  # fmt: skip


async def adjustment_or_404(community: Community, adjustment_id: int) -> Adjustment:
    adjustment = (
        await Adjustment.filter(id=adjustment_id, community_id=community.id)
        .select_related("person")
        .first()
    )
    if adjustment is None:
        raise NotFoundException()
    return adjustment


async def approvals_page(
    request: Req, community: Community, adjustment_id: int = 0
) -> dict[str, Any]:
    """Corrections waiting for approval; the visitor's own are shown but cannot be
    decided by them. A refused decision is shown beside its correction
    (``adjustment_id``)."""
    actor = await current_actor(request)
    return await page_context(
        request, community, pending=await services.pending_adjustments(community),
        me=actor.account.id if actor.account is not None else 0,
        error_adjustment=adjustment_id,
    )  # fmt: skip


async def adjustments_page(
    request: Req, community: Community, rows: list[Adjustment] | None = None
) -> dict[str, Any]:
    """The manual corrections report of the month asked for (``?month=``): ``rows``, or
    none when that month was refused (not a month)."""
    return await page_context(
        request, community, rows=rows or [], month=request.query_params.get("month", "").strip(),
        state_labels=services.ADJUSTMENT_STATE_LABELS,
    )  # fmt: skip


async def accounts_page(
    request: Req, community: Community, form: Form = None, *, q: str = "", page: int = 1
) -> dict[str, Any]:
    """The residents' accounts (with each resident's address), the bank's own accounts
    (named: a partner by its name) and the correction form."""
    query = LedgerAccount.filter(community_id=community.id, kind=PERSON)
    if q.strip():
        query = query.filter(Q(person__name__icontains=q.strip()) | Q(person__phone=q.strip()))
    page = max(page, 1)
    rows = (
        await query.select_related("person")
        .order_by("-balance", "id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    home_of = await services.homes([row.person for row in rows])
    where = await addresses(home_of.values(), language_of(request))
    bank = (
        await LedgerAccount.filter(community_id=community.id)
        .exclude(kind=PERSON)
        .select_related("partner")
    )
    bank = natural_sorted(bank, key=lambda account: f"{account.kind} {account_sort_name(account)}")
    return await page_context(
        request, community, rows=rows, bank_accounts=bank, q=q, page=page, per_page=PER_PAGE,
        request_key=form_key(form), choices=await person_choices(request, community, form),
        settings=await services.settings_of(community),
        address_of={pid: where.get(node.id, "") for pid, node in home_of.items()},
    )  # fmt: skip


async def partner_choices(partners: QuerySet[Partner], language: str) -> list[tuple[int, str]]:
    """(id, name in ``language``) of ``partners`` for a select, by name: one query."""
    rows = await partners.values_list("id", "name", "name_en")
    return natural_sorted(
        [(pid, (name_en if language == "en" and name_en else name)) for pid, name, name_en in rows],
        key=lambda pair: pair[1],
    )


def account_sort_name(account: LedgerAccount) -> str:
    if account.partner_id is not None and account.partner is not None:
        return account.partner.name
    return account.key


async def ledger_page(
    request: Req, community: Community, entry_id: int = 0, *, kind: str = "", q: str = "",
    page: int = 1,
) -> dict[str, Any]:  # fmt: skip
    """The ledger, newest first, filtered; a refused reversal is shown beside its entry
    (``entry_id``)."""
    query = Entry.filter(community_id=community.id)
    if kind in services.ENTRY_KIND_LABELS:
        query = query.filter(kind=kind)
    if q.strip():
        query = query.filter(
            Q(memo__icontains=q.strip())
            | Q(on_behalf_of__name=q.strip())
            | Q(postings__account__person__name=q.strip())
            | Q(postings__account__partner__name__icontains=q.strip())
        ).distinct()
    page = max(page, 1)
    entries = (
        await query.select_related("actor", "reversed_by")
        .prefetch_related("postings__account__person", "postings__account__partner")
        .order_by("-created_at", "-id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return await page_context(
        request, community, entries=entries, kind=kind, q=q, page=page, per_page=PER_PAGE,
        reversible=services.REVERSIBLE, error_entry=entry_id,
        served=await services.services_named(list(entries), language_of(request)),
    )  # fmt: skip


async def reverse_confirmation(
    request: Req, community: Community, entry: Entry, data: ReasonForm
) -> Template:
    """Ask before reversing an entry: which accounts move back, and by how much."""
    language = language_of(request)
    postings = await entry.postings.all().select_related("account__person", "account__partner")
    lines = [
        translate(
            request,
            N_("%(account)s: %(amount)+d points"),
            account=account_label(request, posting.account, language),
            amount=-int(posting.amount),
        )
        for posting in postings
    ]
    page = f"{base(community)}/worker/ledger"
    return confirmation(
        request,
        question=translate(request, N_("Reverse entry #%(id)s?"), id=entry.id),
        consequences=[*lines, translate(request, N_("Reason: %(reason)s"), reason=data.reason)],
        action=f"{page}/{entry.id}/reverse",
        back=page,
        confirm_label=translate(request, N_("Reverse the entry")),
        fields=form_values(data),
    )


def account_label(request: Req, account: LedgerAccount, language: str) -> str:
    """How a ledger account is named on a page: the resident's or the partner's name,
    else what the bank's own account is for; never its key."""
    if account.kind == PERSON and account.person is not None:
        return account.person.name
    if account.kind == PARTNER and account.partner is not None:
        return account.partner.name_in(language)
    return translate(request, services.ACCOUNT_KIND_LABELS.get(account.kind, account.kind))


async def catalogue_page(request: Req, community: Community) -> dict[str, Any]:
    """The catalogue for its managers, with the form of a new item or, with
    ``?edit=<id>``, of the item being edited."""
    items = (
        await CatalogueItem.filter(community_id=community.id)
        .select_related("partner")
        .order_by("price", "id")
    )
    items = natural_sorted(items, key=lambda item: item.partner.name)
    edit = parse_id(request.query_params.get("edit", ""))
    editing = next((item for item in items if item.id == edit), None) if edit else None
    partners = await partner_choices(
        Partner.filter(community_id=community.id), language_of(request)
    )
    return await page_context(request, community, items=items, partners=partners, editing=editing)


async def partners_page(request: Req, community: Community, partner_id: int = 0) -> dict[str, Any]:
    """The partners with their operators, and the form of a new partner. ``failed``
    names the form a refusal is about: a partner's operator form (``partner_id``), else
    the new partner's."""
    partners = natural_sorted(
        await Partner.filter(community_id=community.id), key=lambda partner: partner.name
    )
    operators = await services.operators_by_partner(partners)
    return await page_context(
        request, community, partners=partners, operators=operators,
        partner_kinds=services.PARTNER_KINDS,
        failed=f"operator-{partner_id}" if partner_id else "partner",
    )  # fmt: skip


async def category_form(request: Req, community: Community) -> dict[str, Any]:
    """The settings page with a refused service category's form filled in again."""
    return await settings_context(request, community, failed="category")


async def expiry_form(request: Req, community: Community) -> dict[str, Any]:
    """The settings page with a refused yearly expiry's form filled in again."""
    return await settings_context(request, community, failed="expire")


class WorkerController(Controller):
    path = "/worker"

    @get("/record", name="streetbank:record_form", guards=[requires("streetbank.record")])
    async def record_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("streetbank/record.html", context=await record_page(request, community))

    @post(
        "/record",
        name="streetbank:record",
        guards=[requires("streetbank.record")],
        opt=form_page("streetbank/record.html", record_page),
    )
    async def record(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        today: NamedDependency[date],
        data: URLEncodedBody[ServiceForm],
    ) -> Redirect:
        person = await services.find_person(community, data.person)
        category = await ServiceCategory.get_or_none(
            community_id=community.id, id=parse_id(data.category)
        )
        if category is None:
            raise Refusal(N_("Choose a service category."), field="category")
        served_on = parse_date(data.served_on, "served_on") or today
        if not data.request_key:
            raise expired_form()
        done = await services.record_service(
            community, person=person, category=category, quantity=data.quantity,
            served_on=served_on, note=data.note,
            key=f"c{community.id}:service:{data.request_key[:64]}",
            actor=actor,
        )  # fmt: skip
        if done.duplicate:
            flash(
                request, N_("Already done: this service was recorded once; points moved only once.")
            )
        else:
            flash(request, N_("Recorded: %(points)s points credited to %(name)s."),
                  points=done.value.points, name=person.name)  # fmt: skip
        return redirect(f"{base(community)}/worker/record")

    @get(
        "/redeem-for", name="streetbank:redeem_for_form", guards=[requires("streetbank.redeem_for")]
    )
    async def redeem_for_form(
        self, request: Req, community: NamedDependency[Community]
    ) -> Template:
        context = await redeem_for_page(request, community)
        return Template("streetbank/redeem_for.html", context=context)

    @post(
        "/redeem-for",
        name="streetbank:redeem_for",
        guards=[requires("streetbank.redeem_for")],
        opt=form_page("streetbank/redeem_for.html", redeem_for_page),
    )
    async def redeem_for(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[OnBehalfForm],
    ) -> Redirect:
        person = await services.find_person(community, data.person)
        item = await CatalogueItem.get_or_none(id=parse_id(data.item), community_id=community.id)
        if item is None:
            raise Refusal(N_("Choose an item."), field="item")
        if not data.request_key:
            raise expired_form()
        done = await services.redeem(
            community, person=person, item=item, actor=actor,
            key=f"c{community.id}:redeem-for:{data.request_key[:64]}", zone=zone_of(request),
            on_behalf=True,
        )  # fmt: skip
        page = f"{base(community)}/worker/vouchers/{done.value.id}"
        if done.duplicate:
            return redirect(f"{page}?again=1")
        flash(request, N_("Redeemed for %(name)s: print the voucher and give it to them."),
              name=person.name)  # fmt: skip
        return redirect(page)

    @get(
        "/vouchers/{voucher_id:int}",
        name="streetbank:print_voucher",
        guards=[requires("streetbank.redeem_for")],
    )
    async def print_voucher(
        self,
        request: Req,
        community: NamedDependency[Community],
        voucher_id: FromPath[int],
        again: FromQuery[str] = "",
    ) -> Template:
        voucher = (
            await Voucher.filter(id=voucher_id, community_id=community.id)
            .select_related("item", "partner", "person")
            .first()
        )
        if voucher is None:
            raise NotFoundException()
        context = await voucher_context(
            request, community, voucher, again=bool(again), printing=True
        )
        return Template("streetbank/voucher.html", context=context)

    @get("/accounts", name="streetbank:accounts", guards=[requires("streetbank.manage")])
    async def accounts(
        self,
        request: Req,
        community: NamedDependency[Community],
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        context = await accounts_page(request, community, q=q, page=page)
        return Template("streetbank/accounts.html", context=context)

    @get(
        "/accounts/{account_id:int}",
        name="streetbank:account",
        guards=[requires("streetbank.manage")],
    )
    async def account(
        self,
        request: Req,
        community: NamedDependency[Community],
        account_id: FromPath[int],
        page: FromQuery[int] = 1,
    ) -> Template:
        account = (
            await LedgerAccount.filter(id=account_id, community_id=community.id)
            .select_related("person", "partner")
            .first()
        )
        if account is None:
            raise NotFoundException()
        postings = await services.history(account, page=page, per_page=PER_PAGE)
        context = await page_context(
            request, community, account=account, postings=postings, page=max(page, 1),
            per_page=PER_PAGE,
            served=await services.services_named(
                [p.entry for p in postings], language_of(request)
            ),
        )  # fmt: skip
        return Template("streetbank/account.html", context=context)

    @post(
        "/adjust",
        name="streetbank:adjust",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/accounts.html", accounts_page),
    )
    async def adjust(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[AdjustForm],
    ) -> Redirect:
        person = await services.find_person(community, data.person)
        amount = parse_int(data.amount, "amount", 0) or 0
        key = f"c{community.id}:adjust:{data.request_key[:64]}" if data.request_key else ""
        done = await services.adjust(
            community, person=person, amount=amount, reason=data.reason, key=key,
            actor=actor, zone=zone_of(request),
        )  # fmt: skip
        if done.duplicate:
            flash(request, N_("Already done: this correction was recorded once."))
        elif done.value.status == PENDING:
            flash(request, N_("The correction of %(amount)+d points for %(name)s is above your "
                              "limit: it waits for a second person's approval."),
                  amount=amount, name=person.name)  # fmt: skip
        else:
            flash(request, N_("Correction recorded: %(amount)+d points for %(name)s."),
                  amount=amount, name=person.name)  # fmt: skip
        account = await services.person_account(person)
        return redirect(f"{base(community)}/worker/accounts/{account.id}")

    @get("/approvals", name="streetbank:approvals", guards=[requires("streetbank.approve")])
    async def approvals(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await approvals_page(request, community)
        return Template("streetbank/approvals.html", context=context)

    @post(
        "/approvals/{adjustment_id:int}/approve",
        name="streetbank:approve",
        guards=[requires("streetbank.approve")],
        opt=form_page("streetbank/approvals.html", approvals_page),
    )
    async def approve(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        adjustment_id: FromPath[int],
    ) -> Redirect:
        adjustment = await adjustment_or_404(community, adjustment_id)
        await services.approve_adjustment(adjustment, actor=actor)
        flash(request, N_("Correction approved: %(amount)+d points for %(name)s."),
              amount=adjustment.amount, name=adjustment.person.name)  # fmt: skip
        return redirect(f"{base(community)}/worker/approvals")

    @post(
        "/approvals/{adjustment_id:int}/reject",
        name="streetbank:reject",
        guards=[requires("streetbank.approve")],
        opt=form_page("streetbank/approvals.html", approvals_page),
    )
    async def reject(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        adjustment_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        adjustment = await adjustment_or_404(community, adjustment_id)
        await services.reject_adjustment(adjustment, actor=actor, reason=data.reason)
        flash(request, N_("Correction rejected: %(amount)+d points for %(name)s."),
              amount=adjustment.amount, name=adjustment.person.name)  # fmt: skip
        return redirect(f"{base(community)}/worker/approvals")

    @get(
        "/adjustments",
        name="streetbank:adjustments",
        guards=[requires_any("streetbank.figures", "streetbank.manage")],
        opt=form_page("streetbank/adjustments.html", adjustments_page),
    )
    async def adjustments(
        self, request: Req, community: NamedDependency[Community], month: FromQuery[str] = ""
    ) -> Template:
        rows = await services.adjustment_report(community, month.strip(), zone=zone_of(request))
        context = await adjustments_page(request, community, rows)
        return Template("streetbank/adjustments.html", context=context)

    @get(
        "/adjustments.csv",
        name="streetbank:adjustments_csv",
        guards=[requires_any("streetbank.figures", "streetbank.manage")],
    )
    async def adjustments_csv(
        self, request: Req, community: NamedDependency[Community], month: FromQuery[str] = ""
    ) -> Response[str]:
        zone = zone_of(request)
        rows = await services.adjustment_report(community, month.strip(), zone=zone)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([translate(request, title) for title in services.ADJUSTMENT_REPORT_COLUMNS])
        for row in services.adjustment_rows(rows, zone):
            row[5] = translate(request, services.ADJUSTMENT_STATE_LABELS[row[5]])
            writer.writerow([services.csv_cell(cell) for cell in row])
        name = f"streetbank-adjustments-{month.strip() or 'all'}.csv"
        return Response(
            "\ufeff" + out.getvalue(),  # the BOM lets spreadsheets read UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/ledger", name="streetbank:ledger", guards=[requires("streetbank.manage")])
    async def ledger(
        self,
        request: Req,
        community: NamedDependency[Community],
        kind: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        context = await ledger_page(request, community, kind=kind, q=q, page=page)
        return Template("streetbank/ledger.html", context=context)

    @post(
        "/ledger/{entry_id:int}/reverse",
        name="streetbank:reverse",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/ledger.html", ledger_page),
    )
    async def reverse(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        entry_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect | Template:
        entry = await Entry.get_or_none(id=entry_id, community_id=community.id)
        if entry is None:
            raise NotFoundException()
        await services.check_reversible(entry, data.reason, actor)
        if not is_confirmed(data.confirmed) and not await Entry.exists(reverses_id=entry.id):
            return await reverse_confirmation(request, community, entry, data)
        done = await services.reverse_entry(entry, actor=actor, reason=data.reason)
        if done.duplicate:
            flash(request, N_("Already done: entry #%(id)s was reversed by entry #%(by)s."),
                  id=entry.id, by=done.value.id)  # fmt: skip
        else:
            flash(request, N_("Entry #%(id)s reversed."), id=entry.id)
        return redirect(f"{base(community)}/worker/ledger")

    @get("/catalogue", name="streetbank:manage_catalogue", guards=[requires("streetbank.manage")])
    async def manage_catalogue(
        self, request: Req, community: NamedDependency[Community]
    ) -> Template:
        context = await catalogue_page(request, community)
        return Template("streetbank/manage_catalogue.html", context=context)

    @post(
        "/catalogue",
        name="streetbank:save_item",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/manage_catalogue.html", catalogue_page),
    )
    async def save_item(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: MultipartBody[ItemForm],
        edit: FromQuery[int] = 0,
    ) -> Redirect:
        editing = None
        if edit:
            editing = await CatalogueItem.get_or_none(id=edit, community_id=community.id)
            if editing is None:
                raise NotFoundException()
        async with in_transaction():
            photo_id = None
            if data.photo is not None and data.photo.filename:
                try:
                    upload = await save_image(
                        community, await data.photo.read(), filename=data.photo.filename,
                        by=actor.account,
                    )  # fmt: skip
                except UploadRefused as exc:
                    exc.field = "photo"
                    raise
                photo_id = upload.id
            item = await services.save_item(
                community, item=editing, partner_id=parse_id(data.partner), title=data.title,
                title_en=data.title_en, description=data.description, image=data.image,
                category=data.category, price=data.price, stock=data.stock,
                monthly_limit=data.monthly_limit,
                available_from=parse_date(data.available_from, "available_from"),
                available_until=parse_date(data.available_until, "available_until"),
                active=bool(data.active), photo_id=photo_id, actor=actor,
            )  # fmt: skip
        flash(request, N_("Saved: %(item)s."), item=item.title)
        return redirect(f"{base(community)}/worker/catalogue")

    @get("/partners", name="streetbank:partners", guards=[requires("streetbank.manage")])
    async def partners(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await partners_page(request, community)
        return Template("streetbank/partners.html", context=context)

    @post(
        "/partners",
        name="streetbank:add_partner",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/partners.html", partners_page),
    )
    async def add_partner(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[PartnerForm],
    ) -> Redirect:
        partner = await services.create_partner(
            community, name=data.name, name_en=data.name_en, kind=data.kind,
            address=data.address, phone=data.phone, description=data.description,
            actor=actor,
        )  # fmt: skip
        flash(request, N_("Partner added: %(name)s."), name=partner.name)
        return redirect(f"{base(community)}/worker/partners")

    @post(
        "/partners/{partner_id:int}/operators",
        name="streetbank:add_operator",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/partners.html", partners_page),
    )
    async def add_operator(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        partner_id: FromPath[int],
        data: URLEncodedBody[OperatorForm],
    ) -> Redirect:
        partner = await Partner.get_or_none(id=partner_id, community_id=community.id)
        if partner is None:
            raise NotFoundException()
        account = await CoreAccount.get_or_none(username=data.username.strip()[:64], is_active=True)
        if account is None:
            raise Refusal(N_("No account has this user name."), 404, field="username")
        await services.add_operator(partner, account, actor=actor)
        flash(request, N_("%(user)s can now verify vouchers of %(partner)s."),
              user=account.username, partner=partner.name_in(language_of(request)))  # fmt: skip
        return redirect(f"{base(community)}/worker/partners")

    @get("/settings", name="streetbank:settings", guards=[requires("streetbank.manage")])
    async def settings(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await settings_context(request, community)
        return Template("streetbank/settings.html", context=context)

    @post(
        "/categories",
        name="streetbank:save_category",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/settings.html", category_form),
    )
    async def save_category(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[CategoryForm],
    ) -> Redirect:
        category = await services.save_category(
            community, key=data.key, name=data.name, name_en=data.name_en, unit=data.unit,
            rate=data.rate, active=bool(data.active), actor=actor,
        )  # fmt: skip
        flash(request, N_("Service category saved: %(name)s."), name=category.name)
        return redirect(f"{base(community)}/worker/settings")

    @post(
        "/expire",
        name="streetbank:expire",
        guards=[requires("streetbank.manage")],
        opt=form_page("streetbank/settings.html", expiry_form),
    )
    async def expire(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        today: NamedDependency[date],
        data: URLEncodedBody[ExpiryForm],
    ) -> Redirect | Template:
        page = f"{base(community)}/worker/settings"
        year = parse_int(data.year, "year", 0) or 0
        if not 2000 <= year <= 9999:
            raise Refusal(N_("Enter a year such as %(year)s."), field="year", year=today.year - 1)
        if not is_confirmed(data.confirmed):
            await services.check_expiry(community, year, zone=zone_of(request))
            due = await services.expiring_points(community.id, year, zone=zone_of(request))
            return confirmation(
                request,
                question=translate(request, N_("Expire the unused points of %(year)s?"), year=year),
                consequences=[
                    translate(
                        request,
                        N_("%(points)s points expire on %(n)s accounts."),
                        points=sum(due.values()),
                        n=len(due),
                    ),
                    translate(request, N_("Expired points do not come back.")),
                ],
                action=f"{base(community)}/worker/expire",
                back=page,
                confirm_label=translate(request, N_("Expire the points")),
                fields={"year": str(year)},
            )
        done = await services.expire_points(community, year, actor=actor, zone=zone_of(request))
        flash(request, N_("%(points)s points expired on %(n)s accounts."),
              points=sum(done.value.values()), n=len(done.value))  # fmt: skip
        return redirect(page)


async def settings_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    actor = await current_actor(request)
    return await page_context(
        request, community, **{
            "settings": await services.settings_of(community),
            "settings_page": settings_path(community, "streetbank"),
            "may_configure": actor.can(SETTINGS_PERMISSION, await community_node(request)),
            "categories": await ServiceCategory.filter(community_id=community.id),
            "units": services.UNITS, "last_year": today_of(request).year - 1, "failed": "",
            **extra,
        },
    )  # fmt: skip


# ----------------------------------------------------------------------------- figures


class FiguresController(Controller):
    path = "/figures"

    @get("/", name="streetbank:figures", guards=[requires("streetbank.figures")])
    async def figures(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        year: Year = None,
    ) -> Template:
        year = year or today.year
        data = await services.figures(community, year, zone=zone_of(request))
        # no future zeros: months that have not come yet are not drawn
        months = today.month if year == today.year else 0 if year > today.year else 12
        chart = bar_chart(
            [
                (translate(request, N_("Issued")), data.issued_by_month[:months]),
                (translate(request, N_("Redeemed")), data.redeemed_by_month[:months]),
            ],
            [str(m) for m in range(1, months + 1)],
        )
        context = await page_context(
            request, community, data=data, chart=chart, year=year, months=months
        )
        return Template("streetbank/figures.html", context=context)


ROUTES = [ResidentController, OperatorController, WorkerController, FiguresController]
