"""Telling people things, without flooding them.

:func:`notify` writes notifications in the caller's transaction (nothing is told about
a rolled-back change): to a person, an account, or whoever holds a role or permission
at a node (:class:`RoleAt`). Each is in the recipient's inbox at once. How it leaves the
site follows the recipient's preference for its kind — ``instant`` (after their quiet
hours, unless urgent), ``digest`` (one message for the day), or ``off`` (welfare and
safety kinds cannot be switched off) — and goes through every channel that reaches them:
the paper list for residents without a phone (core), email and SMS (channel plugins).

:class:`Notifier` does the sending, outside any request: it turns due notifications and
the daily digests into :class:`Dispatch` rows, unique per channel and message (made once
however many workers run), and sends them with retries and back-off.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from linli.domain.hierarchy.models import COMMUNITY_KIND, Node
from linli.domain.identity.models import Account, Membership, Person
from linli.domain.notifications.models import Dispatch, Notification, NotificationPreference
from linli.domain.permissions.models import Grant
from linli.domain.permissions.services import HeldGrant
from linli.kernel.i18n import N_
from linli.kernel.jobs import Job, JobCall
from linli.kernel.models import Community
from linli.kernel.notifications import (
    MODES,
    Channel,
    Message,
    NotificationKind,
    Recipient,
    Urgency,
)
from linli.kernel.refusals import Refusal
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import current_zone

log = logging.getLogger(__name__)

QUIET_FROM, QUIET_TO = "22:00", "07:00"
DIGEST_CRON = "30 7 * * *"  # the digest of a day goes out the next morning at 07:30
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
SENDING_LEASE = timedelta(minutes=5)


#: The kinds the core itself sends.
MATTER_ESCALATED = NotificationKind(
    "core.matter_escalated",
    title={"zh_CN": "事项上报到您这一级", "en": "A matter escalated to your level"},
    text={
        "zh_CN": "「%(subject)s」已上报到%(level)s,请处理。理由:%(reason)s",
        "en": "“%(subject)s” was escalated to %(level)s for you to handle. Reason: %(reason)s",
    },
    urgency="normal",
    plugin="core",
)
CORE_KINDS = {MATTER_ESCALATED.name: MATTER_ESCALATED}


@dataclass(frozen=True)
class RoleAt:
    """Whoever holds ``role`` (a role's key) or ``permission`` at ``node`` — by a grant
    at the node or above it. ``nearest``: only those granted closest to the node (the
    grid worker of the building rather than the whole committee)."""

    node: Node
    role: str | None = None
    permission: str | None = None
    nearest: bool = False

    def __post_init__(self) -> None:
        if (self.role is None) == (self.permission is None):
            raise ValueError("RoleAt needs a role or a permission (one of them)")


Target = Person | Account | RoleAt


def _now() -> datetime:
    return datetime.now(UTC)


def _clock(value: str) -> time:
    if len(value) != 5 or value[2] != ":" or not (value[:2] + value[3:]).isdigit():
        raise ValueError(f"{value!r} is not HH:MM")
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def after_quiet_hours(now: datetime, zone: ZoneInfo, quiet_from: str, quiet_to: str) -> datetime:
    """``now``, or the end of the quiet hours (local time) when ``now`` is inside them."""
    start, end = _clock(quiet_from), _clock(quiet_to)
    if start == end:
        return now
    local = now.astimezone(zone)
    moment = local.time()
    quiet = (moment >= start or moment < end) if start > end else (start <= moment < end)
    if not quiet:
        return now
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(UTC)


async def _holders(target: RoleAt, now: datetime) -> list[Account]:
    node = target.node
    grants = (
        await Grant.filter(node__community_id=node.community_id, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("role", "node__kind", "node__covers", "account")
    )
    found: list[tuple[int, Account]] = []
    for row in grants:
        held = HeldGrant(
            grant_id=row.id,
            node_id=row.node_id,
            node_path=row.node.path,
            community_id=row.node.community_id,
            role_key=row.role.key,
            permissions=frozenset(row.role.permissions),
            covers_path=row.node.covers.path if row.node.covers_id else None,
            whole_community=row.node.kind.key == COMMUNITY_KIND,
        )
        wanted = (
            held.role_key == target.role
            if target.role is not None
            else target.permission in held.permissions
        )
        if wanted and held.reaches(node) and row.account.is_active:
            found.append((row.node.depth, row.account))
    if target.nearest and found:
        deepest = max(depth for depth, _ in found)
        found = [(depth, account) for depth, account in found if depth == deepest]
    return [account for _, account in found]


async def _recipients(
    targets: Iterable[Target], now: datetime
) -> list[tuple[int | None, int | None, int | None]]:
    """(account id, person id, community id) of each distinct recipient."""
    people: list[Person] = []
    accounts: list[Account] = []
    for target in targets:
        if isinstance(target, Person):
            people.append(target)
        elif isinstance(target, Account):
            accounts.append(target)
        elif isinstance(target, RoleAt):
            accounts.extend(await _holders(target, now))
        else:
            raise TypeError(f"notify() cannot tell {target!r}")
    found: dict[tuple[str, int], tuple[int | None, int | None, int | None]] = {}
    if people:
        account_of = {
            person_id: account_id
            for account_id, person_id in await Account.filter(
                person_id__in=[p.id for p in people], is_active=True
            ).values_list("id", "person_id")
        }
        for person in people:
            account_id = account_of.get(person.id)
            key = ("a", account_id) if account_id is not None else ("p", person.id)
            found[key] = (account_id, person.id, person.community_id)
    for account in accounts:
        community_id = None
        if account.person_id is not None and "_person" in account.__dict__ and account.person:
            community_id = account.person.community_id
        found.setdefault(("a", account.id), (account.id, account.person_id, community_id))
    return list(found.values())


async def notify(
    to: Target | Iterable[Target],
    kind: NotificationKind,
    *,
    subject: str = "",
    link: str = "",
    values: dict[str, Any] | None = None,
    community: Community | int | None = None,
    urgency: Urgency | None = None,
    skip: Account | None = None,
    now: datetime | None = None,
) -> int:
    """Tell ``to`` (a person, an account, a :class:`RoleAt`, or several) the ``kind``
    of thing, about ``subject`` (a short text, shown as written), linking to ``link``
    (a path on the site). ``values`` fill the kind's other placeholders. Call it inside
    the transaction of the change it reports. ``skip``: leave out this account (the
    one who did it). Returns how many notifications were written.

    .. versionadded:: 2.1
    """
    moment = now or _now()
    targets: list[Target] = [to] if isinstance(to, Person | Account | RoleAt) else list(to)
    recipients = await _recipients(targets, moment)
    if skip is not None:
        recipients = [r for r in recipients if r[0] != skip.id]
    if not recipients:
        return 0
    fallback = community.id if isinstance(community, Community) else community
    if fallback is None:
        for target in targets:
            if isinstance(target, RoleAt):
                fallback = target.node.community_id
    zone = current_zone()
    account_ids = [r[0] for r in recipients if r[0] is not None]
    modes: dict[int, str] = {}
    quiet: dict[int, tuple[str, str]] = {}
    if account_ids:
        for row in await NotificationPreference.filter(
            account_id__in=account_ids, kind__in=(kind.name, "")
        ):
            if row.kind:
                modes[row.account_id] = row.mode
            else:
                quiet[row.account_id] = (row.quiet_from, row.quiet_to)
    level = urgency or kind.urgency
    rows = []
    for account_id, person_id, community_id in recipients:
        community_id = community_id or fallback
        if community_id is None:
            raise ValueError("notify(): say which community (community=...)")
        mode = modes.get(account_id, kind.default_mode) if account_id else kind.default_mode
        if mode == "off" and not kind.switchable:
            mode = "instant"
        if mode == "off":
            continue
        quiet_from, quiet_to = quiet.get(account_id or 0, (QUIET_FROM, QUIET_TO))
        push_at = (
            moment if level == "urgent" else after_quiet_hours(moment, zone, quiet_from, quiet_to)
        )
        rows.append(
            Notification(
                community_id=community_id,
                account_id=account_id,
                person_id=person_id,
                kind=kind.name,
                subject=subject[:200],
                values={k: str(v) for k, v in (values or {}).items()},
                link=link[:300],
                urgency=level,
                push="digest" if mode == "digest" and level != "urgent" else "instant",
                push_at=push_at,
                day=moment.astimezone(zone).date(),
                created_at=moment,
            )
        )
    if rows:
        await Notification.bulk_create(rows)
    return len(rows)


# --------------------------------------------------------------------------- preferences


@dataclass(frozen=True)
class Preferences:
    modes: dict[str, str]
    quiet_from: str
    quiet_to: str


async def preferences_of(account: Account) -> Preferences:
    modes: dict[str, str] = {}
    quiet_from, quiet_to = QUIET_FROM, QUIET_TO
    for row in await NotificationPreference.filter(account_id=account.id):
        if row.kind:
            modes[row.kind] = row.mode
        else:
            quiet_from, quiet_to = row.quiet_from, row.quiet_to
    return Preferences(modes, quiet_from, quiet_to)


class PreferenceError(Refusal):
    """A preference that cannot be set."""


async def save_preferences(
    account: Account,
    kinds: dict[str, NotificationKind],
    modes: dict[str, str],
    quiet_from: str,
    quiet_to: str,
) -> None:
    """Store how ``account`` wants each kind told and their quiet hours. A welfare or
    safety kind cannot be switched off; the whole change is refused then."""
    for name, mode in modes.items():
        kind = kinds.get(name)
        if kind is None or mode not in MODES:
            raise PreferenceError(N_("Choose one of the offered settings."), field=name)
        if mode == "off" and not kind.switchable:
            raise PreferenceError(
                N_("Welfare and safety messages cannot be switched off."), field=name
            )
    for value, field in ((quiet_from, "quiet_from"), (quiet_to, "quiet_to")):
        try:
            _clock(value)
        except ValueError as exc:
            raise PreferenceError(N_("Give a time as HH:MM."), field=field) from exc
    async with in_transaction():
        await NotificationPreference.filter(account_id=account.id).delete()
        await NotificationPreference.bulk_create(
            [
                NotificationPreference(
                    account_id=account.id, kind="", quiet_from=quiet_from, quiet_to=quiet_to
                ),
                *(
                    NotificationPreference(account_id=account.id, kind=name, mode=mode)
                    for name, mode in modes.items()
                    if mode != kinds[name].default_mode
                ),
            ]
        )


# --------------------------------------------------------------------------------- inbox


def inbox_of(account: Account) -> Any:
    return Notification.filter(account_id=account.id)


def with_unread(query: Any, account_id: int) -> Any:
    """``query`` of accounts with ``linli_unread``, the account's unread notifications,
    counted by a subquery in the same statement: the bell costs no query of its own."""
    from tortoise.expressions import Subquery
    from tortoise.functions import Count

    count = (
        Notification.filter(account_id=account_id, read_at__isnull=True)
        .annotate(n=Count("id"))
        .values("n")
    )
    return query.annotate(linli_unread=Subquery(count))


async def unread_count(account_id: int) -> int:
    """The bell's number: one indexed count."""
    return await Notification.filter(account_id=account_id, read_at__isnull=True).count()


async def mark_read(account: Account, notification_id: int | None = None) -> int:
    """Mark one notification of ``account`` read (or all of them); another account's
    notification is never touched. Returns how many changed."""
    query = Notification.filter(account_id=account.id, read_at__isnull=True)
    if notification_id is not None:
        query = query.filter(id=notification_id)
    return await query.update(read_at=_now())


# ------------------------------------------------------------------------------ channels


async def _reaches_paper(recipient: Recipient) -> bool:
    """The paper list reaches residents in the register without an account or phone."""
    return recipient.person_id is not None and recipient.account_id is None and not recipient.phone


async def _send_paper(message: Message) -> None:
    """A paper message needs no sending: the daily list shows it to the grid worker."""


PAPER = Channel(
    "paper",
    {"zh_CN": "纸质转告单", "en": "Paper list"},
    reaches=_reaches_paper,
    send=_send_paper,
)


class Notifier:
    """Turns due notifications and digests into messages and sends them through the
    channels: the paper list (core) and each loaded channel plugin's."""

    def __init__(
        self,
        registry: PluginRegistry | None,
        *,
        language: str = "zh_CN",
        zone: ZoneInfo | None = None,
    ) -> None:
        self.kinds = dict(CORE_KINDS)
        if registry is not None:
            self.kinds.update(registry.notification_kinds())
        self.channels: dict[str, Channel] = {PAPER.name: PAPER}
        if registry is not None:
            for _, channel in registry.notification_channels():
                self.channels.setdefault(channel.name, channel)
        self.language = language
        self._zone = zone

    @property
    def zone(self) -> ZoneInfo:
        return self._zone or current_zone()

    def digest_job(self) -> Job:
        """The core's job that sends each recipient one message for a day's digest."""

        async def run(call: JobCall) -> None:
            await self.make_digests(call.community.id, call.slot.date(), call.now)

        return Job("core.notifications_digest", run, cron=DIGEST_CRON, plugin="core")

    async def pump(self, now: datetime | None = None) -> int:
        """Push due instant notifications, then send due messages."""
        moment = now or _now()
        await self.push_due(moment)
        return await self.send_due(moment)

    async def _recipient(self, row: Notification | Dispatch) -> Recipient:
        person = row.person if row.person_id is not None else None
        account = row.account if row.account_id is not None else None
        phone = (person.phone if person else "") or (account.phone if account else "") or ""
        name = (person.name if person else "") or (account.username if account else "")
        return Recipient(row.person_id, row.account_id, name, phone, row.community_id)

    async def _home(self, person_id: int | None) -> int | None:
        if person_id is None:
            return None
        membership = (
            await Membership.filter(person_id=person_id, ended_on__isnull=True)
            .select_related("household")
            .first()
        )
        return membership.household.node_id if membership is not None else None

    async def _dispatch(
        self, rows: list[Notification], key: str, day: date, digest: date | None, now: datetime
    ) -> int:
        first = rows[0]
        recipient = await self._recipient(first)
        made = 0
        for channel in self.channels.values():
            try:
                reaches = await channel.reaches(recipient)
            except Exception:
                log.exception("channel %s failed to say whether it reaches someone", channel.name)
                continue
            if not reaches:
                continue
            node_id = await self._home(first.person_id) if channel is PAPER else None
            with contextlib.suppress(IntegrityError):
                await Dispatch.create(
                    community_id=first.community_id,
                    channel=channel.name,
                    key=key,
                    account_id=first.account_id,
                    person_id=first.person_id,
                    node_id=node_id,
                    notifications=[row.id for row in rows],
                    digest=digest,
                    day=day,
                    next_attempt_at=now,
                )
                made += 1
        return made

    async def push_due(self, now: datetime) -> int:
        due = (
            await Notification.filter(push="instant", pushed_at__isnull=True, push_at__lte=now)
            .select_related("person", "account")
            .order_by("push_at", "id")
            .limit(200)
        )
        made = 0
        for row in due:
            async with in_transaction():
                claimed = await Notification.filter(id=row.id, pushed_at__isnull=True).update(
                    pushed_at=now
                )
                if claimed:
                    day = now.astimezone(self.zone).date()
                    made += await self._dispatch([row], f"n{row.id}", day, None, now)
        return made

    async def make_digests(self, community_id: int, today: date, now: datetime) -> int:
        """One message per recipient and day for the digest notifications of the days
        before ``today`` not yet sent."""
        rows = (
            await Notification.filter(
                community_id=community_id, push="digest", pushed_at__isnull=True, day__lt=today
            )
            .select_related("person", "account")
            .order_by("id")
        )
        groups: dict[tuple[int | None, int | None, date], list[Notification]] = defaultdict(list)
        for row in rows:
            groups[(row.account_id, row.person_id, row.day)].append(row)
        made = 0
        for (account_id, person_id, day), members in groups.items():
            who = f"a{account_id}" if account_id is not None else f"p{person_id}"
            async with in_transaction():
                claimed = await Notification.filter(
                    id__in=[m.id for m in members], pushed_at__isnull=True
                ).update(pushed_at=now)
                if claimed:
                    made += await self._dispatch(members, f"d{who}:{day}", today, day, now)
        return made

    def message_of(
        self, dispatch: Dispatch, rows: list[Notification], recipient: Recipient
    ) -> Message:
        lines, links = [], []
        for row in rows:
            kind = self.kinds.get(row.kind)
            lines.append(
                kind.render(self.language, row.subject, row.values) if kind else row.subject
            )
            links.append(row.link)
        if dispatch.digest is not None:
            subject = (
                f"邻里 {dispatch.digest:%m月%d日} 消息汇总"
                if self.language == "zh_CN"
                else f"Linli: your messages of {dispatch.digest:%d %b}"
            )
        else:
            kind = self.kinds.get(rows[0].kind) if rows else None
            subject = kind.title_in(self.language) if kind else ""
        return Message(
            dispatch.id, recipient, self.language, subject, lines, links, dispatch.digest
        )

    async def send_due(self, now: datetime) -> int:
        due = (
            await Dispatch.filter(state__in=("pending", "sending"), next_attempt_at__lte=now)
            .select_related("person", "account")
            .order_by("next_attempt_at", "id")
            .limit(200)
        )
        sent = 0
        for dispatch in due:
            channel = self.channels.get(dispatch.channel)
            if channel is None:
                continue  # its plugin is not loaded in this process
            claim = {"id": dispatch.id, "state": dispatch.state, "attempts": dispatch.attempts}
            claimed = await Dispatch.filter(**claim).update(
                state="sending", attempts=dispatch.attempts + 1, next_attempt_at=now + SENDING_LEASE
            )
            if not claimed:
                continue
            attempts = dispatch.attempts + 1
            rows = list(await Notification.filter(id__in=dispatch.notifications).order_by("id"))
            message = self.message_of(dispatch, rows, await self._recipient(dispatch))
            try:
                await channel.send(message)
            except Exception:
                error = traceback.format_exc()
                log.error(
                    "channel %s failed to send message %s:\n%s", channel.name, dispatch.id, error
                )
                await Dispatch.filter(id=dispatch.id, state="sending", attempts=attempts).update(
                    state="failed" if attempts >= MAX_ATTEMPTS else "pending",
                    last_error=error,
                    next_attempt_at=now + FIRST_RETRY * 2 ** (attempts - 1),
                )
                continue
            await Dispatch.filter(id=dispatch.id, state="sending", attempts=attempts).update(
                state="done", sent_at=now, last_error=""
            )
            sent += 1
        return sent


async def failed_dispatches(limit: int = 100) -> list[Dispatch]:
    return (
        await Dispatch.filter(last_error__not="").exclude(state="done").order_by("-id").limit(limit)
    )
