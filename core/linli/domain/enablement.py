"""Which plugins a community has switched on.

*Installed* means a plugin's code is present and its tables migrated; *enabled* means a
community switched it on (a row here). Enabling never migrates and disabling never
deletes data: enabling again brings everything back.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from linli.domain.permissions.services import ensure_roles
from linli.kernel.models import Community, PluginState
from linli.kernel.refusals import Refusal
from linli.kernel.registry import PluginRegistry


class EnablementError(Refusal):
    """A plugin cannot be enabled or disabled; the message says why."""


async def enabled_plugins(community: Community, registry: PluginRegistry) -> list[str]:
    """The loaded plugins enabled in ``community``, in load order."""
    names = set(
        await PluginState.filter(community=community, enabled=True).values_list("plugin", flat=True)
    )
    return [name for name in registry.loaded if name in names]


async def enable(community: Community, name: str, registry: PluginRegistry) -> list[str]:
    """Enable ``name`` and whatever it requires in ``community``, offering their default
    roles there (idempotently); returns the plugins this call switched on."""
    if name not in registry.loaded:
        reason = registry.failed.get(name)
        if reason is not None:
            raise EnablementError(f"plugin {name} failed to load: {reason.error}")
        raise EnablementError(f"plugin {name} is not installed (see `linli plugins list`)")
    needed = registry.requirements_of(name)
    switched: list[str] = []
    async with in_transaction():
        for plugin in needed:
            state, _ = await PluginState.get_or_create(community=community, plugin=plugin)
            if not state.enabled:
                state.enabled = True
                await state.save(update_fields=["enabled", "changed_at"])
                switched.append(plugin)
        roles = [(p, role) for p, role in registry.default_roles() if p in needed]
        await ensure_roles(community, roles, registry.catalogues)
    return switched


async def disable(community: Community, name: str, registry: PluginRegistry) -> bool:
    """Disable ``name`` in ``community``; refuses while an enabled plugin needs it.
    Returns whether anything changed."""
    enabled = set(await enabled_plugins(community, registry))
    needing = [other for other in registry.dependents_of(name) if other in enabled]
    if needing:
        raise EnablementError(
            f"plugin {name} is needed by {', '.join(needing)}; disable those first"
        )
    changed = await PluginState.filter(community=community, plugin=name, enabled=True).update(
        enabled=False, changed_at=datetime.now(UTC)
    )
    return changed > 0


async def seed_demo_data(community: Community, registry: PluginRegistry) -> list[str]:
    """Run the demo-data hook of every enabled plugin not yet seeded in ``community``;
    returns the lines the plugins want shown to the person starting the demo."""
    lines: list[str] = []
    enabled = await enabled_plugins(community, registry)
    for plugin, seeder in registry.call("linli_demo_data", only=enabled):
        state = await PluginState.get(community=community, plugin=plugin)
        if state.seeded_at is not None:
            continue
        async with in_transaction():
            shown = await seeder(community)
            state.seeded_at = datetime.now(UTC)
            await state.save(update_fields=["seeded_at"])
        lines.extend(shown or [])
    return lines
