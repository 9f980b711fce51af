"""A frozen copy of a plugin written against linli plugin API 1.0 (the sample plugin as
it was before 2.0). Never update it: it proves that linli refuses such a plugin at
start-up with a message saying what to change, and keeps serving the rest.

Originally: a small but complete plugin used by the core's tests: a notice board of notes.

It exercises every kind of hook: a model with its migration, a page and a form, a nav
item, a dashboard widget, a domain event with a handler, demo data and a CLI command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import msgspec

from linli import EventHandler, Manifest, NavItem, Permission, Role, Widget, hookimpl
from linli.cli import Instance, pass_instance
from linli.events import Event
from linli.i18n import N_
from linli.models import Community
from linli.permissions.services import Actor
from linli.plugins import Consequence

HERE = Path(__file__).parent


class SampleSettings(msgspec.Struct):
    max_length: int = 200


manifest = Manifest(
    name="oldnotes",
    title={"zh_CN": "留言板", "en": "Notice board"},
    description={"zh_CN": "测试用插件", "en": "A plugin for the core's tests"},
    version="1.0",
    linli_api=">=1,<2",
    settings=SampleSettings,
)


class NoteAdded(msgspec.Struct):
    note_id: int
    text: str


#: How many more times the acknowledging handler should fail (tests set it).
FAILURES_TO_INJECT = {"count": 0}


async def acknowledge(event: Event) -> None:
    from linli_oldnotes.models import Note

    await Note.filter(id=event.payload.note_id).update(acknowledged=1)
    if FAILURES_TO_INJECT["count"] > 0:
        FAILURES_TO_INJECT["count"] -= 1
        raise RuntimeError("injected failure")


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "oldnotes": {"models": ["linli_oldnotes.models"], "migrations": "linli_oldnotes.migrations"}
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_oldnotes.routes import NotesController

    return [NotesController]


@hookimpl
def linli_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def linli_static_dirs() -> list[Path]:
    return [HERE / "static"]


@hookimpl
def linli_locale_dirs() -> list[Path]:
    return [HERE / "locale"]


@hookimpl
def linli_nav_items(community: Community) -> list[NavItem]:
    return [NavItem(N_("Notes"), "oldnotes/", order=10)]


@hookimpl
def linli_dashboard_widgets(community: Community, actor: Actor) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_oldnotes.models import Note

        return {"count": await Note.filter(community=community).count()}

    async def load_for(community: Community) -> dict[str, Any] | None:
        if actor.account is None:
            return None
        return {"who": actor.account.username}

    return [
        Widget(N_("Notes"), "oldnotes/widget.html", load),
        Widget(N_("Your notes"), "oldnotes/viewer_widget.html", load_for),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [Permission("oldnotes.post", N_("Post a note"))]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [Role("oldnotes_writer", N_("Note writer"), ("oldnotes.post",))]


@hookimpl
def linli_object_permission(actor: Any, permission: str, obj: Any) -> bool | None:
    """Notes marked private are seen only by accounts allowed to post notes."""
    from linli_oldnotes.models import Note

    if not isinstance(obj, Note) or permission != "oldnotes.read":
        return None
    if obj.text.startswith("[private]"):
        return any("oldnotes.post" in held.permissions for held in actor.grants)
    return True


@hookimpl
def linli_event_types() -> dict[str, type[msgspec.Struct]]:
    return {"oldnotes.note_added": NoteAdded}


@hookimpl
def linli_event_handlers() -> list[EventHandler]:
    return [EventHandler("oldnotes.note_added", "acknowledge", acknowledge)]


@hookimpl
def linli_demo_data() -> Any:
    async def seed(community: Community) -> list[str]:
        from linli_oldnotes.models import Note

        await Note.create(community=community, text="欢迎来到留言板")
        return ["sample: one note on the board"]

    return seed


@click.command("sample-count")
@click.argument("slug")
@pass_instance
def sample_count(instance: Instance, slug: str) -> None:
    """Print how many notes a community's board holds."""
    from linli_oldnotes.models import Note

    async def count() -> int:
        return await Note.filter(community__slug=slug).count()

    click.echo(f"{instance.run(count)} notes")


@hookimpl
def linli_cli_commands() -> list[click.Command]:
    return [sample_count]


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    async def notes(community: Community) -> int:
        from linli_oldnotes.models import Note

        return await Note.filter(community=community).count()

    async def nothing(community: Community) -> int:
        return 0

    return [
        Consequence(N_("%(count)s notes would no longer be shown"), notes),
        Consequence(N_("%(count)s nothing"), nothing),
    ]
