"""Escalation of matters owned by a node: "small matters at the building group, hard
matters at the estate branch, big matters at the community committee".

A matter is any plugin model with a ``node`` foreign key (a mediation case, a request, a
council topic). Escalating moves it to the parent of its node, so those who hold roles at
the new node (or above) may now handle it, and those only below no longer may. Each move
is recorded with who, when and why.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from linli.domain.audit.services import record
from linli.domain.hierarchy.models import Node
from linli.domain.permissions.services import Actor
from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal


class EscalationError(Refusal):
    """The matter cannot go higher, or the actor may not escalate it. A plugin that
    words the refusal for its own matters tells the cases apart by subclass."""


class ReasonMissing(EscalationError):
    message = N_("Say why the matter goes up a level.")


class EscalationNotAllowed(EscalationError):
    message = N_("You may not escalate matters here.")
    status = 403


class AlreadyAtTop(EscalationError):
    message = N_("The matter is already at the top level.")
    status = 409


class Escalation(Model):
    """One move of a matter up the tree."""

    id = fields.IntField(primary_key=True)
    matter_type = fields.CharField(max_length=64, db_index=True)
    matter_id = fields.CharField(max_length=64, db_index=True)
    from_node: fields.ForeignKeyRelation[Node] = fields.ForeignKeyField(
        "core.Node", related_name="escalations_from", on_delete=fields.CASCADE
    )
    to_node: fields.ForeignKeyRelation[Node] = fields.ForeignKeyField(
        "core.Node", related_name="escalations_to", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="escalations", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.TextField()
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_escalation"
        ordering = ("at", "id")
        indexes = (
            ("actor_id",),
            ("from_node_id",),
            ("to_node_id",),
        )


def _matter_type(matter: Model) -> str:
    return f"{matter._meta.app}.{type(matter).__name__}"


async def escalate(
    matter: Any, actor: Actor, reason: str, *, subject: str = "", link: str = ""
) -> Node:
    """Move ``matter`` to the node above its own; returns the new node.

    The actor needs ``matters.escalate`` at the matter's current node. Those who handle
    matters at the receiving level (the nearest holders of ``matters.escalate`` there)
    are told, about ``subject`` (by default the matter's ``title``) linking to ``link``.

    .. versionchanged:: 2.1 the receiving level is told; ``subject`` and ``link``."""
    reason = reason.strip()
    if not reason:
        raise ReasonMissing()
    async with in_transaction():
        current = await Node.get(id=matter.node_id)
        if not actor.can("matters.escalate", current):
            raise EscalationNotAllowed()
        if current.parent_id is None:
            raise AlreadyAtTop()
        above = await Node.get(id=current.parent_id)
        matter.node_id = above.id
        await matter.save(update_fields=["node_id"])
        await Escalation.create(
            matter_type=_matter_type(matter),
            matter_id=str(matter.pk),
            from_node=current,
            to_node=above,
            actor=actor.account,
            reason=reason,
        )
        await record(
            "matter.escalate",
            actor=actor,
            community_id=above.community_id,
            obj=matter,
            before={"node": current.id},
            after={"node": above.id, "reason": reason},
        )
        from linli.domain.notifications.services import MATTER_ESCALATED, RoleAt, notify

        await notify(
            RoleAt(above, permission="matters.escalate", nearest=True),
            MATTER_ESCALATED,
            subject=subject or str(getattr(matter, "title", "") or f"#{matter.pk}"),
            link=link,
            values={"level": above.name, "reason": reason[:200]},
            skip=actor.account,
        )
    return above


async def history(matter: Model) -> list[Escalation]:
    return await Escalation.filter(
        matter_type=_matter_type(matter), matter_id=str(matter.pk)
    ).select_related("from_node", "to_node", "actor")
