"""A small but complete plugin used by the core's tests: a notice board of notes.

It exercises every kind of hook: a model with its migration, a page and a form, a nav
item, a dashboard widget, a domain event with a handler, demo data and a CLI command.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal

import click
import msgspec

from linli import EventHandler, Manifest, NavItem, Permission, Role, Widget, hookimpl
from linli.cli import Instance, pass_instance
from linli.domain.permissions.services import Actor
from linli.kernel.events import Event
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.plugins import Consequence, HomeItem

HERE = Path(__file__).parent


class SampleSettings(msgspec.Struct):
    max_length: int = 200


class BoardSettings(msgspec.Struct, kw_only=True):
    """What each community chooses for its board: one setting of every kind."""

    per_page: Annotated[
        int,
        msgspec.Meta(
            title=N_("Notes on a page"), description=N_("Older notes go to the next page."),
            ge=5, le=100,
        ),
    ] = 20  # fmt: skip
    share: Annotated[
        float, msgspec.Meta(title=N_("Share of the board for pinned notes"), ge=0, le=1)
    ] = 0.25
    greeting: Annotated[str, msgspec.Meta(title=N_("Greeting"), max_length=40)] = "Welcome"
    moderated: Annotated[bool, msgspec.Meta(title=N_("Notes wait for approval"))] = False
    opens_at: Annotated[time, msgspec.Meta(title=N_("The board opens at"))] = time(8, 0)
    season_ends: Annotated[date, msgspec.Meta(title=N_("The season ends on"))] = date(2026, 12, 31)
    order: Annotated[
        Literal["newest", "oldest"],
        msgspec.Meta(
            title=N_("Order of the notes"),
            extra={"choices": {"newest": N_("Newest first"), "oldest": N_("Oldest first")}},
        ),
    ] = "newest"


manifest = Manifest(
    name="sample",
    title={"zh_CN": "留言板", "en": "Notice board"},
    description={"zh_CN": "测试用插件", "en": "A plugin for the core's tests"},
    version="0.1",
    settings=SampleSettings,
    community_settings=BoardSettings,
)


class NoteAdded(msgspec.Struct):
    note_id: int
    text: str


#: How many more times the acknowledging handler should fail (tests set it).
FAILURES_TO_INJECT = {"count": 0}


async def acknowledge(event: Event) -> None:
    from linli_sample.models import Note

    await Note.filter(id=event.payload.note_id).update(acknowledged=1)
    if FAILURES_TO_INJECT["count"] > 0:
        FAILURES_TO_INJECT["count"] -= 1
        raise RuntimeError("injected failure")


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {"sample": {"models": ["linli_sample.models"], "migrations": "linli_sample.migrations"}}


@hookimpl
def linli_routes() -> list[Any]:
    from linli_sample.routes import NotesController

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
    return [NavItem(N_("Notes"), "sample/", order=10)]


@hookimpl
def linli_dashboard_widgets(community: Community, actor: Actor) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_sample.models import Note

        return {"count": await Note.filter(community=community).count()}

    async def load_for(community: Community) -> dict[str, Any] | None:
        if actor.account is None:
            return None
        return {"who": actor.account.username}

    return [
        Widget(N_("Notes"), "sample/widget.html", load),
        Widget(N_("Your notes"), "sample/viewer_widget.html", load_for),
    ]


@hookimpl
def linli_home_items(community: Community, actor: Actor) -> list[HomeItem]:
    from linli_sample.models import Note

    notes = Note.filter(community_id=community.id)
    return [
        HomeItem(N_("Notes"), "", notes.count(), note=N_("on the board"), order=10),
        HomeItem(
            N_("Newest note"),
            "",
            notes.order_by("-id").values_list("text", flat=True),
            empty=N_("Nobody has left a note yet"),
            order=20,
        ),
        HomeItem(
            N_("Notes to acknowledge"),
            "",
            notes.filter(acknowledged=0).count(),
            urgent=True,
            order=30,
            permission="sample.post",
        ),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [Permission("sample.post", N_("Post a note"))]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [Role("sample_writer", N_("Note writer"), ("sample.post",))]


@hookimpl
def linli_event_types() -> dict[str, type[msgspec.Struct]]:
    return {"sample.note_added": NoteAdded}


@hookimpl
def linli_event_handlers() -> list[EventHandler]:
    return [EventHandler("sample.note_added", "acknowledge", acknowledge)]


@hookimpl
def linli_demo_data() -> Any:
    async def seed(community: Community) -> list[str]:
        from linli_sample.models import Note

        await Note.create(community=community, text="欢迎来到留言板")
        return ["sample: one note on the board"]

    return seed


@click.command("sample-count")
@click.argument("slug")
@pass_instance
def sample_count(instance: Instance, slug: str) -> None:
    """Print how many notes a community's board holds."""
    from linli_sample.models import Note

    async def count() -> int:
        return await Note.filter(community__slug=slug).count()

    click.echo(f"{instance.run(count)} notes")


@hookimpl
def linli_cli_commands() -> list[click.Command]:
    return [sample_count]


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    async def notes(community: Community) -> int:
        from linli_sample.models import Note

        return await Note.filter(community=community).count()

    async def nothing(community: Community) -> int:
        return 0

    return [
        Consequence(N_("%(count)s notes would no longer be shown"), notes),
        Consequence(N_("%(count)s nothing"), nothing),
    ]
