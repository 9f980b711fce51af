"""The paper channel: a printable daily list, building by building, of what to tell
residents who have neither an account nor a phone ("tell 贺树林 in 3-201 that …"), for
the grid worker who walks there. It is the core's, not a plugin's: it reads the register
(households, their places) and the grants of the people who may see them, and it is the
one channel that reaches everyone in the register whatever is installed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from linli.domain.hierarchy.models import Node
from linli.domain.notifications.models import Dispatch, Notification
from linli.domain.permissions.services import Actor
from linli.kernel.models import Community
from linli.kernel.notifications import NotificationKind

#: Who may see a paper list: those who may see the people on it.
PAPER_PERMISSION = "identity.person.view"


@dataclass
class PaperEntry:
    person_id: int
    name: str
    address: str
    lines: list[str]


@dataclass
class PaperGroup:
    building: str
    entries: list[PaperEntry] = field(default_factory=list)


async def paper_list(
    community: Community,
    day: date,
    actor: Actor,
    language: str,
    kinds: dict[str, NotificationKind],
) -> list[PaperGroup]:
    """The messages of ``day`` to carry on paper, grouped by building, limited to the
    homes where ``actor`` may see people. Three queries whatever the size."""
    query = Dispatch.filter(community_id=community.id, channel="paper", day=day)
    rows = await (
        actor.visible(PAPER_PERMISSION, query).select_related("person", "node").order_by("id")
    )
    if not rows:
        return []
    ids = {n for row in rows for n in row.notifications}
    notes = {n.id: n for n in await Notification.filter(id__in=ids)}
    ancestors = {a for row in rows if row.node_id for a in row.node.ancestor_ids()}
    places = {n.id: n for n in await Node.filter(id__in=ancestors).select_related("kind")}
    groups: dict[str, PaperGroup] = {}
    for row in rows:
        chain = [places[a] for a in row.node.ancestor_ids() if a in places] if row.node_id else []
        building = next((n for n in chain if n.kind.key == "building"), None)
        label = building.name_in(language) if building else ""
        address = " ".join(n.name_in(language) for n in chain if n.depth >= 1)
        lines = []
        for note_id in row.notifications:
            note = notes.get(note_id)
            if note is None:
                continue
            kind = kinds.get(note.kind)
            lines.append(kind.render(language, note.subject, note.values) if kind else note.subject)
        group = groups.setdefault(label, PaperGroup(label))
        group.entries.append(
            PaperEntry(row.person_id or 0, row.person.name if row.person else "", address, lines)
        )
    for group in groups.values():
        group.entries.sort(key=lambda entry: (entry.address, entry.name))
    return [groups[label] for label in sorted(groups)]
