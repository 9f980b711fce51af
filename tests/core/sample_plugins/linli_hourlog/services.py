from __future__ import annotations

from tortoise.transactions import in_transaction

from linli.kit import N_, Community, Person, Refusal, ServiceVerified, emit
from linli_hourlog.events import HoursLogged
from linli_hourlog.models import Hours


class TooManyHours(Refusal):
    message = N_("Nobody gives more than %(most)s hours in one go.")
    field = "hours"


async def log_hours(community: Community, person: Person, hours: float, task: str) -> Hours:
    """Log ``hours`` for ``person``: the volunteers' own event, and the shared
    ``service.verified`` any rewarding plugin consumes."""
    if hours > 12:
        raise TooManyHours(most=12)
    if not task.strip():
        raise Refusal(N_("Say what the task was."), field="task")
    async with in_transaction():
        row = await Hours.create(community=community, person=person, hours=hours, task=task)
        await emit(
            "hourlog.hours_logged",
            HoursLogged(hours_id=row.id, person=person.id, hours=hours),
            community=community,
        )
        await emit(
            "service.verified",
            ServiceVerified(
                person=person.id,
                source="hourlog",
                reference=f"hours:{row.id}",
                category="elder-care",
                hours=hours,
            ),
            community=community,
        )
    return row
