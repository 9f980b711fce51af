"""The mediation studios' job: each morning, the mediators of cases whose follow-up
visit (回访) falls due today are told."""

from __future__ import annotations

from linli.kit import Account, JobCall, job, notify


@job("mediation.follow_ups_due", cron="0 8 * * *", catch_up=False)
async def follow_ups_due(call: JobCall) -> None:
    from linli_mediation.models import Case
    from linli_mediation.notifications import FOLLOW_UP_DUE

    today = call.slot.date()
    cases = await Case.filter(community_id=call.community.id, follow_up_due=today)
    for case in cases:
        mediators = await Account.filter(
            mediation_assignments__case_id=case.id, mediation_assignments__effective=True
        )
        await notify(
            list(mediators), FOLLOW_UP_DUE, subject=str(case.id), community=call.community,
            link=f"/c/{call.community.slug}/mediation/cases/{case.id}",
        )  # fmt: skip
