"""The ``linli`` command: set up an instance, migrate it, serve it, try the demo, and
manage communities, plugins and events. Plugins add subcommands through the
``linli_cli_commands`` hook."""

from __future__ import annotations

import asyncio
import json
import os
import tomllib
import uuid
from collections.abc import Awaitable, Callable
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

import click

from linli import PLUGIN_API_VERSION, __version__
from linli.domain import db
from linli.domain.communities import CommunityError, PhoneError, create_community, set_phones
from linli.domain.demo import build_demo_register
from linli.domain.enablement import EnablementError, disable, enable, seed_demo_data
from linli.kernel.events import EventBus, failed_events
from linli.kernel.models import Community, PluginState
from linli.kernel.plugins import ENTRY_POINT_GROUP, THEME_ENTRY_POINT_GROUP
from linli.kernel.registry import PluginRegistry, load_theme
from linli.kernel.settings import Settings, SettingsError, default_instance_dir, load_settings
from linli.kernel.settings import write_instance as write_instance_files

T = TypeVar("T")

DEMO_COMMUNITY = ("jianghanli", "江汉里社区", "Jianghanli Community")
#: The demo community's service and duty phone numbers (made up).
DEMO_PHONES = {"service_phone": "027-85763120", "duty_phone": "027-85763110"}
BUILTIN = (
    "init", "migrate", "serve", "demo", "community", "plugins", "events", "createadmin",
    "accounts", "register", "makemigrations", "kinds", "new-plugin", "backup", "restore",
    "seed-demo", "worker", "jobs",
)  # fmt: skip


class Instance:
    """The instance folder a command works on, with its settings and plugins."""

    def __init__(self, folder: Path, **overrides: Any) -> None:
        self.folder = folder
        self.overrides = overrides

    @cached_property
    def settings(self) -> Settings:
        try:
            return load_settings(self.folder, **self.overrides)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc

    @cached_property
    def registry(self) -> PluginRegistry:
        return PluginRegistry.discover(self.settings)

    def run(self, task: Callable[[], Awaitable[T]], *, check_migrated: bool = True) -> T:
        """Run ``task`` with the database open (and, by default, up to date)."""

        async def wrapped() -> T:
            bus = EventBus(self.registry)
            bus.activate()  # events emitted by a command wait in the outbox for the server
            try:
                async with db.database(self.settings, self.registry):
                    if check_migrated:
                        await db.ensure_migrated(self.settings, self.registry)
                    return await task()
            finally:
                bus.deactivate()

        try:
            return asyncio.run(wrapped())
        except (db.NotMigratedError, EnablementError, SettingsError, CommunityError) as exc:
            raise click.ClickException(str(exc)) from exc


pass_instance = click.make_pass_decorator(Instance)


async def _reachable() -> None:
    """Nothing to do: :meth:`Instance.run` has already checked the database."""


class LinliGroup(click.Group):
    """The top-level group; plugin commands are looked up only when needed, after
    ``--instance`` is known, so a broken plugin cannot break ``linli init``."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        # Runs before the group's callback: read --instance from the parsed options.
        folder = ctx.params.get("instance") or default_instance_dir()
        try:
            registry = PluginRegistry.discover(load_settings(folder, mode="demo"))
        except SettingsError:
            return {}
        commands = {}
        for _, command in registry.collect("linli_cli_commands", isolate=True):
            if command.name and command.name not in BUILTIN:
                commands[command.name] = command
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *sorted(self._plugin_commands(ctx))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._plugin_commands(ctx).get(cmd_name)


def versions() -> list[str]:
    """What ``linli --version`` prints: linli and the plugin API it offers, then each
    installed theme and plugin with its distribution's version. Read from the packages'
    metadata, without importing them, so a broken plugin cannot hide the list."""
    lines = [f"linli {__version__} (plugin API {PLUGIN_API_VERSION})"]
    for kind, group in (("theme", THEME_ENTRY_POINT_GROUP), ("plugin", ENTRY_POINT_GROUP)):
        for point in sorted(entry_points(group=group), key=lambda point: point.name):
            dist = point.dist
            shown = f"{dist.name} {dist.version}" if dist is not None else "(no distribution)"
            lines.append(f"{kind} {point.name}: {shown}")
    return lines


def _show_versions(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo("\n".join(versions()))
        ctx.exit()


@click.group(cls=LinliGroup)
@click.option(
    "--instance",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Instance folder holding linli.toml and the secret key "
    "(default: $LINLI_INSTANCE or ./instance).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_versions,
    help="Show the versions of linli, its plugin API and the installed themes and "
    "plugins, and exit.",
)
@click.pass_context
def main(ctx: click.Context, instance: Path | None) -> None:
    """linli (邻里): run an urban residential community."""
    ctx.obj = Instance((instance or default_instance_dir()).resolve())


@main.command()
@click.option("--database-url", default="", help="Database URL (default: SQLite in the folder).")
@pass_instance
def init(instance: Instance, database_url: str) -> None:
    """Create the instance folder with linli.toml and a new secret key (mode 0600)."""
    config, secret = write_instance_files(instance.folder, database_url=database_url)
    click.echo(f"config: {config}")
    click.echo(f"secret: {secret} (keep it private; back it up with the database)")
    click.echo("next: linli migrate, then linli community add SLUG NAME, then linli serve")


@main.command()
@pass_instance
def migrate(instance: Instance) -> None:
    """Apply the pending migrations of the core and every installed plugin."""

    async def task() -> list[str]:
        return await db.migrate(
            instance.settings, instance.registry, report=lambda m: click.echo(f"applying {m}")
        )

    applied = instance.run(task, check_migrated=False)
    click.echo(f"{len(applied)} migration(s) applied" if applied else "already up to date")
    for failed in instance.registry.failed.values():
        click.echo(f"warning: plugin {failed.name} failed to load: {failed.error}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@pass_instance
def serve(instance: Instance, host: str, port: int, workers: int) -> None:
    """Serve the instance over HTTP (refuses an unmigrated database)."""
    import uvicorn

    settings = instance.settings
    try:
        load_theme(settings.theme)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise click.ClickException(
            "several workers need PostgreSQL: SQLite allows one writing process; "
            "set database_url to a postgres:// URL or use --workers 1"
        )

    instance.run(_reachable)
    os.environ["LINLI_INSTANCE"] = str(instance.folder)
    click.echo(f"serving {instance.folder} at http://{host}:{port}/")
    uvicorn.run(
        "linli.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # forwarded headers count only from the configured proxies (none by default)
        proxy_headers=bool(instance.settings.trusted_proxies),
        forwarded_allow_ips=",".join(instance.settings.trusted_proxies) or None,
    )


def demo_folder(folder: Path, database_url: str = "") -> str:
    """Make ``folder`` a complete demo instance and return its database URL: its
    ``linli.toml`` names the database (SQLite in the folder unless ``database_url`` says
    otherwise) and demo mode, so ``linli --instance <folder> …`` works on the demo's
    database like on any instance. A folder made by an earlier linli, whose settings
    did not name the database, gets the lines added."""
    default = f"sqlite://{folder / 'demo.sqlite3'}"
    config, _ = write_instance_files(folder, database_url=database_url or default)
    try:
        written = tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise click.ClickException(f"{config}: not valid TOML ({exc}); fix the file") from exc
    named = written.get("database_url", "")
    if named and database_url and named != database_url:
        raise click.ClickException(
            f"the demo in {folder} uses {named}; choose another --folder for {database_url}"
        )
    missing = []
    if not named:
        named = database_url or default
        missing.append(f"database_url = {json.dumps(named)}")
    if "mode" not in written:
        missing.append('mode = "demo"')
    if missing:
        with config.open("a", encoding="utf-8") as handle:
            handle.write("".join(f"{line}\n" for line in missing))
    return named


async def seed_demo_community(registry: PluginRegistry) -> list[str]:
    """Create (or complete) the demo community: its register, every loaded plugin
    enabled, each plugin's demo data once. Running it again adds nothing. Returns the
    lines to show: the demo accounts and what each plugin seeded."""
    slug, name, name_en = DEMO_COMMUNITY
    community = await Community.get_or_none(slug=slug)
    if community is None:
        community = await create_community(slug, name, registry, name_en=name_en, **DEMO_PHONES)
    elif not (community.service_phone or community.duty_phone):  # seeded by an older linli
        community = await set_phones(community, actor=None, **DEMO_PHONES)
    accounts = await build_demo_register(community, registry)
    for plugin in registry.loaded:
        await enable(community, plugin, registry)
    lines = [f"demo account {account.line()}" for account in accounts]
    return lines + await seed_demo_data(community, registry)


def _warn_failed(registry: PluginRegistry) -> None:
    for failed in registry.failed.values():
        click.echo(f"warning: plugin {failed.name} failed to load: {failed.error}", err=True)


def _show_seeded(registry: PluginRegistry, lines: list[str]) -> None:
    click.echo(f"plugins enabled: {', '.join(registry.loaded) or 'none installed'}")
    for line in lines:
        click.echo(f"  {line}")


@main.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-instance"),
    show_default=True,
    help="Where the demo instance lives; it is reused if it exists.",
)
@click.option(
    "--database-url",
    default="",
    help="Database of a new demo folder, e.g. postgres://linli@127.0.0.1:5432/linli_demo "
    "(created beforehand, empty); default: SQLite in the folder.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Prepare the demo instance and exit.")
def demo(folder: Path, database_url: str, host: str, port: int, no_serve: bool) -> None:
    """Create or reuse a demo instance (SQLite unless --database-url), load every
    plugin's demo data, serve. The folder is a complete instance: other commands work on
    it with --instance."""
    folder = folder.resolve()
    url = demo_folder(folder, database_url)
    instance = Instance(folder, mode="demo", database_url=url)
    settings, registry = instance.settings, instance.registry

    async def prepare() -> list[str]:
        await db.migrate(settings, registry)
        return await seed_demo_community(registry)

    lines = instance.run(prepare, check_migrated=False)
    _warn_failed(registry)
    url = f"http://{host}:{port}/c/{DEMO_COMMUNITY[0]}/"
    click.echo(f"linli demo: {url}")
    _show_seeded(registry, lines)
    if no_serve:
        return
    import uvicorn

    from linli.web.app import create_app

    uvicorn.run(create_app(settings, registry=registry), host=host, port=port)


@main.command("seed-demo")
@click.option(
    "--yes",
    is_flag=True,
    help="Seed a production-mode instance too (its demo accounts share a published password).",
)
@pass_instance
def seed_demo(instance: Instance, yes: bool) -> None:
    """Add the demo community (江汉里) with its register, every installed plugin enabled
    and their demo data to this instance, e.g. to try or benchmark it on PostgreSQL.
    Running it again adds nothing."""
    if instance.settings.mode == "production" and not yes:
        raise click.ClickException(
            "this instance runs in production mode and the demo accounts share a published "
            "password: seed a separate instance, or pass --yes if nobody real uses this one"
        )
    registry = instance.registry

    async def task() -> list[str]:
        return await seed_demo_community(registry)

    lines = instance.run(task)
    _warn_failed(registry)
    _show_seeded(registry, lines)


@main.group()
def community() -> None:
    """Add and list communities."""


PHONE_HELP = "e.g. 027-85612345, 13812345678 or 12345; empty for none"


def _run_phones(instance: Instance, task: Callable[[], Awaitable[T]]) -> T:
    """Run ``task``; a bad phone number is reported in the instance's language, on the
    option that gave it."""

    async def checked() -> T | PhoneError:
        try:
            return await task()
        except PhoneError as exc:
            return exc

    done = instance.run(checked)
    if isinstance(done, PhoneError):
        option = "--" + done.field.replace("_", "-")
        raise click.BadParameter(_say(instance)(done.message), param_hint=option)
    return done


@community.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--name-en", default="", help="The community's name in English.")
@click.option("--service-phone", default="", help=f"社区服务电话, {PHONE_HELP}.")
@click.option("--duty-phone", default="", help=f"值班电话, {PHONE_HELP}.")
@pass_instance
def community_add(
    instance: Instance, slug: str, name: str, name_en: str, service_phone: str, duty_phone: str
) -> None:
    """Add a community; SLUG appears in its addresses (/c/SLUG/)."""

    async def task() -> Community:
        return await create_community(
            slug,
            name,
            instance.registry,
            name_en=name_en,
            service_phone=service_phone,
            duty_phone=duty_phone,
        )

    _run_phones(instance, task)
    click.echo(f"community {slug} added")


@community.command("list")
@pass_instance
def community_list(instance: Instance) -> None:
    """List the communities of this instance, with their phone numbers."""

    async def task() -> list[Community]:
        return await Community.all()

    for row in instance.run(task):
        click.echo(f"{row.slug}\t{row.name}\t{row.name_en}\t{row.service_phone}\t{row.duty_phone}")


@community.command("phones")
@click.argument("slug")
@click.option("--service-phone", default=None, help=f"社区服务电话, {PHONE_HELP}.")
@click.option("--duty-phone", default=None, help=f"值班电话, {PHONE_HELP}.")
@pass_instance
def community_phones(
    instance: Instance, slug: str, service_phone: str | None, duty_phone: str | None
) -> None:
    """Show a community's phone numbers, or change those given (audited); every page
    shows a button that calls them."""

    async def task() -> Community:
        found = await _community(slug)
        if service_phone is None and duty_phone is None:
            return found
        return await set_phones(
            found,
            service_phone=found.service_phone if service_phone is None else service_phone,
            duty_phone=found.duty_phone if duty_phone is None else duty_phone,
            actor=None,
        )

    row = _run_phones(instance, task)
    click.echo(f"service phone\t{row.service_phone or '-'}")
    click.echo(f"duty phone\t{row.duty_phone or '-'}")


@main.group()
def plugins() -> None:
    """List installed plugins and switch them on or off per community."""


@plugins.command("list")
@pass_instance
def plugins_list(instance: Instance) -> None:
    """Each plugin with its version and state: enabled per community, disabled,
    failed (with the reason) or skipped by LINLI_LOAD_PLUGINS / LINLI_BLOCK_PLUGINS."""
    registry = instance.registry

    async def task() -> dict[str, list[str]]:
        rows = await PluginState.filter(enabled=True).prefetch_related("community")
        where: dict[str, list[str]] = {}
        for row in rows:
            where.setdefault(row.plugin, []).append(row.community.slug)
        return where

    enabled_in = instance.run(task)
    for name, plugin in registry.loaded.items():
        slugs = enabled_in.get(name)
        state = f"enabled in {', '.join(sorted(slugs))}" if slugs else "disabled"
        click.echo(f"{name}\t{plugin.manifest.version}\t{state}\t{plugin.manifest.title['en']}")
    for name, failed in registry.failed.items():
        click.echo(f"{name}\t-\tfailed: {failed.error}")
    for name in registry.skipped:
        click.echo(f"{name}\t-\tskipped by settings")


@plugins.command("check")
@click.argument("name")
@pass_instance
def plugins_check(instance: Instance, name: str) -> None:
    """Check plugin NAME before publishing it: manifest, hook names, route permissions,
    template namespace, migrations and zh_CN translations. Exits 1 on any problem."""
    from linli.cli.checks import check_plugin

    report = check_plugin(name, instance.settings)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


def _switch(instance: Instance, name: str, slug: str, *, on: bool) -> None:
    registry = instance.registry

    async def task() -> str:
        found = await Community.get_or_none(slug=slug)
        if found is None:
            raise EnablementError(f"community {slug} does not exist (see `linli community list`)")
        if on:
            switched = await enable(found, name, registry)
            if not switched:
                return f"{name} was already enabled in {slug}"
            return f"enabled in {slug}: {', '.join(switched)}"
        changed = await disable(found, name, registry)
        return f"{name} disabled in {slug}" if changed else f"{name} was not enabled in {slug}"

    click.echo(instance.run(task))


@plugins.command("enable")
@click.argument("name")
@click.option("--community", "slug", required=True, help="The community's slug.")
@pass_instance
def plugins_enable(instance: Instance, name: str, slug: str) -> None:
    """Enable plugin NAME (and the plugins it requires) in a community."""
    _switch(instance, name, slug, on=True)


@plugins.command("disable")
@click.argument("name")
@click.option("--community", "slug", required=True, help="The community's slug.")
@pass_instance
def plugins_disable(instance: Instance, name: str, slug: str) -> None:
    """Disable plugin NAME in a community; its data is kept."""
    _switch(instance, name, slug, on=False)


@main.group()
def events() -> None:
    """Inspect and retry domain events whose handlers failed."""


@events.command("failed")
@pass_instance
def events_failed(instance: Instance) -> None:
    """List events whose handlers failed (given up, or waiting for a retry)."""

    async def task() -> list[Any]:
        return await failed_events()

    rows = instance.run(task)
    if not rows:
        click.echo("no failed events")
    for row in rows:
        first_line = row.last_error.splitlines()[0] if row.last_error else ""
        click.echo(f"{row.id}\t{row.name}\t{row.state}\tattempts={row.attempts}\t{first_line}")


@events.command("retry")
@click.argument("event_ids", nargs=-1)
@pass_instance
def events_retry(instance: Instance, event_ids: tuple[str, ...]) -> None:
    """Retry the given failed events now (all failed events if none are given)."""
    try:
        ids = [uuid.UUID(value) for value in event_ids]
    except ValueError as exc:
        raise click.BadParameter("event ids are UUIDs, as `linli events failed` shows") from exc

    async def task() -> int:
        return await EventBus(instance.registry).retry(ids or None)

    delivered = instance.run(task)
    click.echo(f"{delivered} event(s) delivered")


@main.group()
def register() -> None:
    """Import and export the resident register (居民底册) as xlsx or CSV."""


def _say(instance: Instance) -> Callable[[str], str]:
    """Translate register messages into the instance's default language."""
    language = instance.settings.default_language
    return lambda message: instance.registry.catalogues.translate(language, message)


async def _community(slug: str) -> Community:
    found = await Community.get_or_none(slug=slug)
    if found is None:
        raise CommunityError(f"community {slug} does not exist (see `linli community list`)")
    return found


@register.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--community", "slug", required=True, help="The community's slug.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; change nothing.")
@pass_instance
def register_import(instance: Instance, file: Path, slug: str, dry_run: bool) -> None:
    """Import FILE (.xlsx or .csv, in the template's columns) into a community's register:
    all rows or none. People already there are updated, not duplicated."""
    from linli.domain.identity.register import RegisterFileError, import_register, read_table
    from linli.kernel.i18n import N_

    say = _say(instance)
    try:
        table = read_table(file.read_bytes())
    except RegisterFileError as exc:
        raise click.ClickException(exc.text(say)) from exc
    label = say(N_("Checking")) if dry_run else say(N_("Importing"))
    with click.progressbar(length=2 * len(table.rows), label=label) as bar:

        async def task() -> Any:
            community = await _community(slug)
            return await import_register(
                community, table, dry_run=dry_run, actor=None, progress=bar.update
            )

        report = instance.run(task)
    if not report.ok:
        click.echo("\t".join(say(heading) for heading in (N_("Row"), N_("Column"), N_("Problem"))))
        for problem in report.problems:
            click.echo(f"{problem.row}\t{problem.column or '-'}\t{problem.text(say)}")
        raise click.ClickException(
            f"{report.problem_rows} of {report.rows} rows have problems; nothing was imported"
        )
    counts = [
        say(N_("Created: %(count)d")) % {"count": report.created},
        say(N_("Updated: %(count)d")) % {"count": report.updated},
        say(N_("Unchanged: %(count)d")) % {"count": report.unchanged},
    ]
    click.echo(("dry run, nothing changed: " if dry_run else "") + "  ".join(counts))


@register.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--community", "slug", required=True, help="The community's slug.")
@click.option(
    "--full-ids",
    is_flag=True,
    help="Write full ID-card numbers (recorded in the audit trail); masked otherwise.",
)
@pass_instance
def register_export(instance: Instance, file: Path, slug: str, full_ids: bool) -> None:
    """Write a community's register to FILE (.xlsx, or .csv by its name) in the
    template's columns: it can be imported again, with masked or full ID-card numbers.
    Cells are written so that no spreadsheet runs them as formulas."""
    from linli.domain.identity.register import csv_of, export_rows, record_export, workbook_of

    async def task() -> list[list[str]]:
        community = await _community(slug)
        rows = await export_rows(community.id, full_ids=full_ids)
        await record_export(community.id, actor=None, people=len(rows), full_ids=full_ids)
        return rows

    rows = instance.run(task)
    file.write_bytes(csv_of(rows) if file.suffix.lower() == ".csv" else workbook_of(rows))
    click.echo(f"{len(rows)} people written to {file}")


@register.command("template")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def register_template(file: Path) -> None:
    """Write the empty register template (xlsx, Chinese headers) to FILE."""
    from linli.domain.identity.register import template_workbook
    from linli.kernel.i18n import Catalogues

    catalogues = Catalogues([])
    file.write_bytes(template_workbook(lambda message: catalogues.translate("zh_CN", message)))
    click.echo(f"template written to {file}")


@main.command("new-plugin")
@click.argument("name")
@click.option(
    "--path",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder in which the plugin's folder NAME is created.",
)
def new_plugin(name: str, path: Path) -> None:
    """Write a new plugin distribution in PATH/NAME: package, model, migration, page,
    permission, role, translations, demo data and tests."""
    from linli.cli.scaffold import ScaffoldError
    from linli.cli.scaffold import new_plugin as write_plugin

    try:
        target = write_plugin(name, path)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"plugin {name} written to {target}:")
    for file in sorted(p for p in target.rglob("*") if p.is_file()):
        click.echo(f"  {file.relative_to(target)}")
    click.echo("next:")
    click.echo(f"  uv pip install -e {target}   (or pip install -e, with linli[testing])")
    click.echo(f"  cd {target} && pytest")
    click.echo("  linli migrate")
    click.echo(f"  linli plugins enable {name} --community SLUG")


def _add_more_commands() -> None:
    from linli.cli.accounts import accounts, createadmin
    from linli.cli.backup import backup, restore
    from linli.cli.dev import makemigrations
    from linli.cli.jobs import jobs, worker
    from linli.cli.kinds import kinds

    main.add_command(createadmin)
    main.add_command(accounts)
    main.add_command(makemigrations)
    main.add_command(kinds)
    main.add_command(backup)
    main.add_command(restore)
    main.add_command(worker)
    main.add_command(jobs)


_add_more_commands()
