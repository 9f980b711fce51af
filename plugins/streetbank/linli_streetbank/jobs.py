"""The street bank's scheduled jobs: vouchers past their time lapse by themselves (the
points go back), and residents are told three days before a voucher expires."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from linli.kit import JobCall, Person, job, notify


@job("streetbank.expire_vouchers", cron="5 * * * *", catch_up=False)
async def expire_vouchers(call: JobCall) -> None:
    """Every hour: lapse the community's vouchers whose time has passed."""
    from linli_streetbank import services

    await services.expire_vouchers(call.community.id, now=call.now)


@job("streetbank.voucher_reminders", cron="0 9 * * *", catch_up=False)
async def remind_expiring_vouchers(call: JobCall) -> None:
    """Every morning at 09:00: tell each resident whose voucher expires in three days
    (on that local day). Once per slot, so once per voucher."""
    from linli_streetbank.models import ISSUED, CatalogueItem, Voucher

    day = call.slot.date() + timedelta(days=3)
    start = datetime.combine(day, time(0), tzinfo=call.zone)
    vouchers = await Voucher.filter(
        community_id=call.community.id,
        status=ISSUED,
        expires_at__gte=start,
        expires_at__lt=start + timedelta(days=1),
    )
    if not vouchers:
        return
    from linli_streetbank.notifications import VOUCHER_EXPIRING

    people = {p.id: p for p in await Person.filter(id__in=[v.person_id for v in vouchers])}
    items = {i.id: i for i in await CatalogueItem.filter(id__in=[v.item_id for v in vouchers])}
    for voucher in vouchers:
        await notify(
            people[voucher.person_id],
            VOUCHER_EXPIRING,
            subject=items[voucher.item_id].title,
            values={"code": voucher.code, "day": day.isoformat()},
            link=f"/c/{call.community.slug}/streetbank/me",
            community=call.community,
        )
