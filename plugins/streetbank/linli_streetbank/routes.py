"""The street bank's pages: thin controllers that call :mod:`linli_streetbank.services`.

Every route declares what it needs with ``requires("streetbank.…")``. Residents
(``streetbank.use``) see only their own account and vouchers; a partner's operators
(``streetbank.verify`` granted at the partner's node) see only that partner's vouchers;
community workers hold ``streetbank.record``, ``.redeem_for``, ``.manage``, ``.figures``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import segno
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup
from tortoise.expressions import Q

from linli.hierarchy.models import Node
from linli.i18n import N_
from linli.identity.models import Account as CoreAccount
from linli.identity.models import Person
from linli.models import Community
from linli.web.auth import community_node, current_actor, logged_in, requires
from linli.web.charts import bar_chart
from linli.web.errors import refusal, refused
from linli.web.site import site_of, translate
from linli_streetbank import services
from linli_streetbank.models import (
    PERSON,
    USED,
    CatalogueItem,
    Entry,
    LedgerAccount,
    Partner,
    ServiceCategory,
    Voucher,
)

Req = Request[Any, Any, Any]
PER_PAGE = 30
OWN_PERMISSIONS = (
    "streetbank.use",
    "streetbank.record",
    "streetbank.redeem_for",
    "streetbank.manage",
    "streetbank.figures",
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


def zone(request: Req) -> Any:
    return site_of(request).settings.zone


def today(request: Req) -> date:
    return services.now_utc().astimezone(zone(request)).date()


def base(community: Community) -> str:
    return f"/c/{community.slug}/streetbank"


async def page_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    """What every street bank page shows in its sub-navigation."""
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
        "item_categories": services.ITEM_CATEGORIES,
        "account_kinds": services.ACCOUNT_KIND_LABELS,
        "zone": zone(request),
        **extra,
    }


async def own_person(request: Req) -> Person | None:
    actor = await current_actor(request)
    if actor.account is None or actor.account.person_id is None:
        return None
    return await Person.get_or_none(
        id=actor.account.person_id, community_id=request.state.community.id
    )


def qr_svg(text: str) -> Markup:
    # segno writes the SVG itself; the text is our own URL, so the markup is safe.
    return Markup(segno.make(text, error="m").svg_inline(scale=4, border=2))


def parse_date(request: Req, raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter the date as YYYY-MM-DD.")) from None


def parse_int(request: Req, raw: str, default: int | None = None) -> int | None:
    if not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter a whole number.")) from None


async def find_person(request: Req, community: Community, who: str) -> Person:
    """A resident by register number (``#12``), phone or exact name."""
    who = who.strip()
    if who.startswith("#") and who[1:].isdigit():
        found = await Person.filter(community_id=community.id, id=int(who[1:])).limit(2)
    else:
        found = await Person.filter(Q(name=who) | Q(phone=who), community_id=community.id).limit(2)
    if not who or not found:
        raise refused(request, N_("No resident matches this name or phone."))
    if len(found) > 1:
        raise refused(
            request,
            N_("Several residents match; enter the phone or the register number (#id)."),
        )
    return found[0]


# ----------------------------------------------------------------------------- forms


class KeyForm(msgspec.Struct):
    request_key: str = ""


class VerifyForm(msgspec.Struct):
    code: str = ""


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


class ItemForm(msgspec.Struct):
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


class SettingsForm(msgspec.Struct):
    expiry_enabled: str = ""
    voucher_days: str = ""


class ExpiryForm(msgspec.Struct):
    year: str = ""


# ---------------------------------------------------------------------------- resident


class ResidentController(Controller):
    path = "/"
    guards = [requires("streetbank.use")]  # noqa: RUF012

    @get("/me", name="streetbank:home")
    async def home(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        person = await own_person(request)
        account = postings = None
        if person is not None:
            account = await LedgerAccount.get_or_none(key=f"c{community.id}:person:{person.id}")
            if account is not None:
                postings = await services.history(account, page=page, per_page=PER_PAGE)
        context = await page_context(
            request, community, person=person, account=account, postings=postings or [],
            page=max(page, 1), per_page=PER_PAGE,
        )  # fmt: skip
        return Template("streetbank/home.html", context=context)

    @get("/catalogue", name="streetbank:catalogue")
    async def catalogue(
        self,
        request: Req,
        community: NamedDependency[Community],
        category: FromQuery[str] = "",
        partner: FromQuery[str] = "",
        q: FromQuery[str] = "",
    ) -> Template:
        day = today(request)
        items = await services.catalogue(
            community,
            category=category if category in services.ITEM_CATEGORIES else "",
            partner_id=int(partner) if partner.isdigit() else None,
            query=q,
            today=day,
        )
        person = await own_person(request)
        usage: dict[int, int] = {}
        balance = 0
        if person is not None:
            month = services.month_of(services.now_utc(), zone(request))
            usage = await services.usage_this_month(person, [i.id for i in items], month)
            balance = await services.balance_of(person)
        partners = await Partner.filter(community_id=community.id, active=True).values_list(
            "id", "name"
        )
        context = await page_context(
            request, community, items=items, usage=usage, balance=balance,
            partners=partners, chosen={"category": category, "partner": partner, "q": q},
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
        item = (
            await CatalogueItem.filter(id=item_id, community_id=community.id)
            .select_related("partner")
            .first()
        )
        if item is None:
            raise NotFoundException()
        person = await own_person(request)
        balance = await services.balance_of(person) if person is not None else 0
        context = await page_context(
            request, community, item=item, person=person, balance=balance,
            available=services.item_available(item, today(request)) and item.partner.active,
            request_key=services.new_request_key(),
        )  # fmt: skip
        return Template("streetbank/item.html", context=context)

    @post("/catalogue/{item_id:int}/redeem", name="streetbank:redeem")
    async def redeem(
        self,
        request: Req,
        community: NamedDependency[Community],
        item_id: FromPath[int],
        data: URLEncodedBody[KeyForm],
    ) -> Redirect:
        item = await CatalogueItem.get_or_none(id=item_id, community_id=community.id)
        if item is None:
            raise NotFoundException()
        person = await own_person(request)
        if person is None:
            raise refused(request, N_("Your account is not linked to a resident record."))
        if not data.request_key:
            raise refused(request, N_("The form has expired; please try again."))
        key = f"c{community.id}:redeem:{person.id}:{data.request_key[:64]}"
        try:
            done = await services.redeem(
                community, person=person, item=item, actor=await current_actor(request),
                key=key, zone=zone(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        again = "?again=1" if done.duplicate else ""
        return Redirect(f"{base(community)}/vouchers/{done.value.id}{again}", status_code=303)

    @get("/vouchers", name="streetbank:vouchers")
    async def vouchers(self, request: Req, community: NamedDependency[Community]) -> Template:
        person = await own_person(request)
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
        person = await own_person(request)
        voucher = None
        if person is not None:
            voucher = (
                await Voucher.filter(id=voucher_id, person_id=person.id, community_id=community.id)
                .select_related("item", "partner", "person")
                .first()
            )
        if voucher is None:  # another resident's voucher does not exist for you
            raise NotFoundException()
        return Template(
            "streetbank/voucher.html",
            context=await voucher_context(request, community, voucher, again=bool(again)),
        )

    @post("/vouchers/{voucher_id:int}/cancel", name="streetbank:cancel")
    async def cancel(
        self, request: Req, community: NamedDependency[Community], voucher_id: FromPath[int]
    ) -> Redirect:
        person = await own_person(request)
        voucher = None
        if person is not None:
            voucher = await Voucher.get_or_none(
                id=voucher_id, person_id=person.id, community_id=community.id
            )
        if voucher is None:
            raise NotFoundException()
        try:
            await services.cancel_voucher(voucher, actor=await current_actor(request))
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/vouchers/{voucher.id}", status_code=303)


async def voucher_context(
    request: Req, community: Community, voucher: Voucher, **extra: Any
) -> dict[str, Any]:
    scan = (
        f"{str(request.base_url).rstrip('/')}{base(community)}/operator/{voucher.partner_id}"
        f"?code={voucher.code}"
    )
    return await page_context(request, community, voucher=voucher, qr=qr_svg(scan), **extra)


# ---------------------------------------------------------------------------- operator


class OperatorController(Controller):
    path = "/operator"

    @get(
        "/",
        name="streetbank:operator",
        guards=[requires("streetbank.verify", node=operated_node)],
    )
    async def start(self, request: Req, community: NamedDependency[Community]) -> Template:
        actor = await current_actor(request)
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
        return Template(
            "streetbank/operator.html",
            context=await operator_context(request, community, code=code),
        )

    @post(
        "/{partner_id:int}/verify",
        name="streetbank:verify",
        guards=[requires("streetbank.verify", node=partner_node)],
    )
    async def verify(
        self,
        request: Req,
        community: NamedDependency[Community],
        partner_id: FromPath[int],
        data: URLEncodedBody[VerifyForm],
    ) -> Template:
        partner: Partner = request.state.streetbank_partner
        try:
            voucher = await services.verify_voucher(
                partner, data.code, actor=await current_actor(request)
            )
        except services.StreetbankError as exc:
            context = await operator_context(
                request, community, code=data.code, error=translate(request, exc.message)
            )
            return Template("streetbank/operator.html", context=context, status_code=exc.status)
        context = await operator_context(request, community, verified=voucher)
        return Template("streetbank/operator.html", context=context)


async def operator_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    partner: Partner = request.state.streetbank_partner
    start = (
        services.now_utc()
        .astimezone(zone(request))
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
        month_points=sum(v.points for v in used), **extra,
    )  # fmt: skip


# ------------------------------------------------------------------------------ worker


class WorkerController(Controller):
    path = "/worker"

    @get("/record", name="streetbank:record_form", guards=[requires("streetbank.record")])
    async def record_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("streetbank/record.html", context=await record_context(request, community))

    @post("/record", name="streetbank:record", guards=[requires("streetbank.record")])
    async def record(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[ServiceForm]
    ) -> Template:
        person = await find_person(request, community, data.person)
        category = await ServiceCategory.get_or_none(
            community_id=community.id, id=parse_int(request, data.category, 0)
        )
        if category is None:
            raise refused(request, N_("Choose a service category."))
        served_on = parse_date(request, data.served_on) or today(request)
        if not data.request_key:
            raise refused(request, N_("The form has expired; please try again."))
        try:
            done = await services.record_service(
                community, person=person, category=category, quantity=data.quantity,
                served_on=served_on, note=data.note,
                key=f"c{community.id}:service:{data.request_key[:64]}",
                actor=await current_actor(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        context = await record_context(
            request, community, done=done.value, duplicate=done.duplicate, person=person
        )
        return Template("streetbank/record.html", context=context)

    @get(
        "/redeem-for", name="streetbank:redeem_for_form", guards=[requires("streetbank.redeem_for")]
    )
    async def redeem_for_form(
        self, request: Req, community: NamedDependency[Community]
    ) -> Template:
        items = await services.catalogue(community, today=today(request))
        context = await page_context(
            request, community, items=items, request_key=services.new_request_key()
        )
        return Template("streetbank/redeem_for.html", context=context)

    @post("/redeem-for", name="streetbank:redeem_for", guards=[requires("streetbank.redeem_for")])
    async def redeem_for(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[OnBehalfForm],
    ) -> Redirect:
        person = await find_person(request, community, data.person)
        item = await CatalogueItem.get_or_none(
            id=parse_int(request, data.item, 0), community_id=community.id
        )
        if item is None:
            raise refused(request, N_("Choose an item."))
        if not data.request_key:
            raise refused(request, N_("The form has expired; please try again."))
        try:
            done = await services.redeem(
                community, person=person, item=item, actor=await current_actor(request),
                key=f"c{community.id}:redeem-for:{data.request_key[:64]}", zone=zone(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        again = "?again=1" if done.duplicate else ""
        return Redirect(
            f"{base(community)}/worker/vouchers/{done.value.id}{again}", status_code=303
        )

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
        bank = await LedgerAccount.filter(community_id=community.id).exclude(kind=PERSON)
        context = await page_context(
            request, community, rows=rows, bank_accounts=bank, q=q, page=page,
            per_page=PER_PAGE, request_key=services.new_request_key(),
        )  # fmt: skip
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
        )  # fmt: skip
        return Template("streetbank/account.html", context=context)

    @post("/adjust", name="streetbank:adjust", guards=[requires("streetbank.manage")])
    async def adjust(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[AdjustForm]
    ) -> Redirect:
        person = await find_person(request, community, data.person)
        amount = parse_int(request, data.amount, 0) or 0
        try:
            await services.adjust(
                community, person=person, amount=amount, reason=data.reason,
                key=f"c{community.id}:adjust:{data.request_key[:64] or 'none'}",
                actor=await current_actor(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        account = await services.person_account(person)
        return Redirect(f"{base(community)}/worker/accounts/{account.id}", status_code=303)

    @get("/ledger", name="streetbank:ledger", guards=[requires("streetbank.manage")])
    async def ledger(
        self,
        request: Req,
        community: NamedDependency[Community],
        kind: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        query = Entry.filter(community_id=community.id)
        if kind in services.ENTRY_KIND_LABELS:
            query = query.filter(kind=kind)
        if q.strip():
            query = query.filter(
                Q(memo__icontains=q.strip())
                | Q(on_behalf_of__name=q.strip())
                | Q(postings__account__person__name=q.strip())
            ).distinct()
        page = max(page, 1)
        entries = (
            await query.select_related("actor", "reversed_by")
            .prefetch_related("postings__account__person", "postings__account__partner")
            .order_by("-created_at", "-id")
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        context = await page_context(
            request, community, entries=entries, kind=kind, q=q, page=page, per_page=PER_PAGE,
            reversible=services.REVERSIBLE,
        )  # fmt: skip
        return Template("streetbank/ledger.html", context=context)

    @post(
        "/ledger/{entry_id:int}/reverse",
        name="streetbank:reverse",
        guards=[requires("streetbank.manage")],
    )
    async def reverse(
        self,
        request: Req,
        community: NamedDependency[Community],
        entry_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        entry = await Entry.get_or_none(id=entry_id, community_id=community.id)
        if entry is None:
            raise NotFoundException()
        try:
            await services.reverse_entry(
                entry, actor=await current_actor(request), reason=data.reason
            )
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/worker/ledger", status_code=303)

    @get("/catalogue", name="streetbank:manage_catalogue", guards=[requires("streetbank.manage")])
    async def manage_catalogue(
        self, request: Req, community: NamedDependency[Community], edit: FromQuery[int] = 0
    ) -> Template:
        items = (
            await CatalogueItem.filter(community_id=community.id)
            .select_related("partner")
            .order_by("partner__name", "price", "id")
        )
        editing = next((item for item in items if item.id == edit), None)
        partners = await Partner.filter(community_id=community.id).values_list("id", "name")
        context = await page_context(
            request, community, items=items, partners=partners, editing=editing
        )
        return Template("streetbank/manage_catalogue.html", context=context)

    @post("/catalogue", name="streetbank:save_item", guards=[requires("streetbank.manage")])
    async def save_item(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[ItemForm],
        edit: FromQuery[int] = 0,
    ) -> Redirect:
        existing = None
        if edit:
            existing = await CatalogueItem.get_or_none(id=edit, community_id=community.id)
            if existing is None:
                raise NotFoundException()
        try:
            await services.save_item(
                community, item=existing, partner_id=parse_int(request, data.partner, 0) or 0,
                title=data.title, title_en=data.title_en, description=data.description,
                image=data.image, category=data.category, price=data.price, stock=data.stock,
                monthly_limit=data.monthly_limit,
                available_from=parse_date(request, data.available_from),
                available_until=parse_date(request, data.available_until),
                active=bool(data.active), actor=await current_actor(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/worker/catalogue", status_code=303)

    @get("/partners", name="streetbank:partners", guards=[requires("streetbank.manage")])
    async def partners(self, request: Req, community: NamedDependency[Community]) -> Template:
        partners = await Partner.filter(community_id=community.id).order_by("name", "id")
        operators = {p.id: await services.operators_of(p) for p in partners}
        context = await page_context(
            request, community, partners=partners, operators=operators,
            partner_kinds=services.PARTNER_KINDS,
        )  # fmt: skip
        return Template("streetbank/partners.html", context=context)

    @post("/partners", name="streetbank:add_partner", guards=[requires("streetbank.manage")])
    async def add_partner(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[PartnerForm]
    ) -> Redirect:
        try:
            await services.create_partner(
                community, name=data.name, name_en=data.name_en, kind=data.kind,
                address=data.address, phone=data.phone, description=data.description,
                actor=await current_actor(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/worker/partners", status_code=303)

    @post(
        "/partners/{partner_id:int}/operators",
        name="streetbank:add_operator",
        guards=[requires("streetbank.manage")],
    )
    async def add_operator(
        self,
        request: Req,
        community: NamedDependency[Community],
        partner_id: FromPath[int],
        data: URLEncodedBody[OperatorForm],
    ) -> Redirect:
        partner = await Partner.get_or_none(id=partner_id, community_id=community.id)
        if partner is None:
            raise NotFoundException()
        account = await CoreAccount.get_or_none(username=data.username.strip(), is_active=True)
        if account is None:
            raise refused(request, N_("No account has this user name."))
        try:
            await services.add_operator(partner, account, actor=await current_actor(request))
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/worker/partners", status_code=303)

    @get("/settings", name="streetbank:settings", guards=[requires("streetbank.manage")])
    async def settings(self, request: Req, community: NamedDependency[Community]) -> Template:
        categories = await ServiceCategory.filter(community_id=community.id)
        context = await page_context(
            request, community, settings=await services.settings_of(community),
            categories=categories, units=services.UNITS,
            last_year=today(request).year - 1,
        )  # fmt: skip
        return Template("streetbank/settings.html", context=context)

    @post("/settings", name="streetbank:save_settings", guards=[requires("streetbank.manage")])
    async def save_settings(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[SettingsForm],
    ) -> Redirect:
        days = parse_int(request, data.voucher_days, 14) or 0
        if not 1 <= days <= 365:
            raise refused(request, N_("A voucher stays valid between 1 and 365 days."))
        settings = await services.settings_of(community)
        settings.expiry_enabled = bool(data.expiry_enabled)
        settings.voucher_days = days
        await settings.save(update_fields=["expiry_enabled", "voucher_days", "updated_at"])
        return Redirect(f"{base(community)}/worker/settings", status_code=303)

    @post("/categories", name="streetbank:save_category", guards=[requires("streetbank.manage")])
    async def save_category(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[CategoryForm],
    ) -> Redirect:
        try:
            await services.save_category(
                community, key=data.key, name=data.name, name_en=data.name_en, unit=data.unit,
                rate=data.rate, active=bool(data.active), actor=await current_actor(request),
            )  # fmt: skip
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/worker/settings", status_code=303)

    @post("/expire", name="streetbank:expire", guards=[requires("streetbank.manage")])
    async def expire(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[ExpiryForm]
    ) -> Template:
        year = parse_int(request, data.year, 0) or 0
        try:
            done = await services.expire_points(
                community, year, actor=await current_actor(request), zone=zone(request)
            )
        except services.StreetbankError as exc:
            raise refusal(request, exc) from exc
        context = await page_context(
            request, community, settings=await services.settings_of(community),
            categories=await ServiceCategory.filter(community_id=community.id),
            units=services.UNITS, last_year=year,
            expired_points=sum(done.value.values()), expired_accounts=len(done.value),
        )  # fmt: skip
        return Template("streetbank/settings.html", context=context)


async def record_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    categories = await ServiceCategory.filter(community_id=community.id, active=True)
    return await page_context(
        request, community, categories=categories, units=services.UNITS,
        request_key=services.new_request_key(), today=today(request).isoformat(), **extra,
    )  # fmt: skip


# ----------------------------------------------------------------------------- figures


class FiguresController(Controller):
    path = "/figures"

    @get("/", name="streetbank:figures", guards=[requires("streetbank.figures")])
    async def figures(
        self, request: Req, community: NamedDependency[Community], year: FromQuery[int] = 0
    ) -> Template:
        year = year or today(request).year
        data = await services.figures(community, year, zone=zone(request))
        chart = bar_chart(
            [
                (translate(request, N_("Issued")), data.issued_by_month),
                (translate(request, N_("Redeemed")), data.redeemed_by_month),
            ],
            [str(m) for m in range(1, 13)],
        )
        context = await page_context(request, community, data=data, chart=chart, year=year)
        return Template("streetbank/figures.html", context=context)


#: Where the street bank's link in the navigation leads each kind of visitor, in order:
#: (the permission, anywhere in the community, and the page it opens).
START_PAGES = [
    ("streetbank.use", "me"),
    ("streetbank.record", "worker/record"),
    ("streetbank.manage", "worker/accounts"),
    ("streetbank.verify", "operator/"),
    ("streetbank.figures", "figures/"),
]


@get("/", name="streetbank:start", guards=[logged_in])
async def start(request: Req, community: NamedDependency[Community]) -> Redirect:
    """The navigation's entry: a resident's own page, a worker's or an operator's."""
    actor = await current_actor(request)
    for permission, page in START_PAGES:
        if any(
            permission in held.permissions and held.community_id == community.id
            for held in actor.grants
        ):
            return Redirect(f"/c/{community.slug}/streetbank/{page}", status_code=303)
    raise PermissionDeniedException()


ROUTES = [start, ResidentController, OperatorController, WorkerController, FiguresController]
