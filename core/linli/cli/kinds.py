"""``linli kinds``: the levels of the trees are configuration, not code.

Another city renames a level (单元 → 门洞) or adds one without touching the code; levels
nobody uses simply stay empty."""

from __future__ import annotations

import click

from linli.domain.communities import ensure_node_kinds
from linli.domain.hierarchy.models import NodeKind

TREES = ("place", "party", "property", "partner")


@click.group("kinds")
def kinds() -> None:
    """List, rename and add the levels (node kinds) of the trees."""


@kinds.command("list")
@click.pass_obj
def kinds_list(instance: object) -> None:
    """Every level of every tree, top down."""
    from linli.cli import Instance

    assert isinstance(instance, Instance)

    async def task() -> list[NodeKind]:
        await ensure_node_kinds()
        return await NodeKind.all().order_by("tree", "rank")

    for kind in instance.run(task):
        click.echo(f"{kind.tree}\t{kind.key}\t{kind.name}\t{kind.name_en}")


@kinds.command("rename")
@click.argument("key")
@click.argument("name")
@click.option("--name-en", default=None, help="The English name.")
@click.pass_obj
def kinds_rename(instance: object, key: str, name: str, name_en: str | None) -> None:
    """Give the level KEY a new Chinese NAME (and English name)."""
    from linli.cli import Instance

    assert isinstance(instance, Instance)

    async def task() -> bool:
        await ensure_node_kinds()
        updates = {"name": name} | ({"name_en": name_en} if name_en is not None else {})
        return await NodeKind.filter(key=key).update(**updates) > 0

    if not instance.run(task):
        raise click.ClickException(f"no level is called {key} (see `linli kinds list`)")
    click.echo(f"{key} is now called {name}")


@kinds.command("add")
@click.argument("tree", type=click.Choice(TREES))
@click.argument("key")
@click.argument("name")
@click.option("--name-en", default="", help="The English name.")
@click.pass_obj
def kinds_add(instance: object, tree: str, key: str, name: str, name_en: str) -> None:
    """Add a level KEY called NAME to TREE (placed after the tree's existing levels)."""
    from linli.cli import Instance

    assert isinstance(instance, Instance)

    async def task() -> bool:
        await ensure_node_kinds()
        if await NodeKind.exists(key=key):
            return False
        last = await NodeKind.filter(tree=tree).order_by("-rank").first()
        rank = (last.rank + 1) if last else 0
        await NodeKind.create(key=key, tree=tree, name=name, name_en=name_en, rank=rank)
        return True

    if not instance.run(task):
        raise click.ClickException(f"a level called {key} exists already")
    click.echo(f"added {key} ({name}) to the {tree} tree")
