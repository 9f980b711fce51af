"""The one list of hooks a linli plugin can implement.

Every hook is synchronous and returns data (pluggy does not await coroutines). Where the
work needs the database, the hook returns an async callable that linli awaits, as
:func:`linli_demo_data` and :class:`~linli.kernel.plugins.Widget` do. Hooks are called with
keyword arguments; an implementation may take fewer arguments than the spec.

Data hooks (models, routes, templates, permissions, event handlers) fail loudly: a plugin
that raises there is reported as failed at start-up. UI hooks (navigation, widgets) are
isolated: an error is logged and the item left out, and the page still renders.

Since plugin API 2.0 the core answers the hooks marked "optional" below from the plugin
package's layout (:mod:`linli.kernel.conventions`) when the plugin does not implement them; an
implementation still wins. What changed in each plugin API version, and the hooks that
were removed (``linli_object_permission`` in 2.0), is in ``docs/plugins/changes.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from linli.kernel.plugins import hookspec

if TYPE_CHECKING:
    import click
    import msgspec

    from linli.domain.identity.models import Person
    from linli.domain.permissions.services import Actor
    from linli.kernel.jobs import Job
    from linli.kernel.models import Community
    from linli.kernel.notifications import Channel, NotificationKind
    from linli.kernel.plugins import (
        Consequence,
        DemoSeeder,
        EventHandler,
        HomeItem,
        NavItem,
        Permission,
        PersonSection,
        Role,
        Section,
        Widget,
    )


@hookspec
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    """Tortoise ORM apps the plugin contributes.

    Return ``{label: {"models": ["linli_x.models"], "migrations": "linli_x.migrations"}}``.
    Use the plugin's name as the label. Foreign keys to core models are strings such as
    ``"core.Community"``. ``linli migrate`` applies the migrations in dependency order.

    .. versionchanged:: 2.0
       Optional: the layout answers it. A package with ``models.py`` gets the app named
       after the plugin, with ``migrations/`` when that folder is a package.
    """


@hookspec
def linli_routes() -> list[Any]:
    """Litestar route handlers or controllers of the plugin.

    They are mounted under ``/c/{community_slug}/<plugin name>/`` and answer 404 in a
    community where the plugin is not enabled. A handler receives the current community
    by declaring ``community: NamedDependency[Community]``, and may ask for ``actor``,
    ``person`` (the visitor's own resident record, or ``None``) and ``today`` the same
    way; use Litestar's explicit markers (``URLEncodedBody[...]``, ``FromPath[...]``)
    throughout. A handler lets a service's ``Refusal`` through: the application answers
    it, with the form's page again when the route names one (``opt=form_page(...)``).

    .. versionchanged:: 2.0
       Optional: the layout answers it with ``ROUTES`` in the plugin's ``routes.py``.
       Handlers may ask for ``actor``, ``person`` and ``today``; refusals are answered by
       the application.
    """


@hookspec
def linli_template_dirs() -> list[Path]:
    """Folders holding the plugin's Jinja templates.

    Keep templates under a sub-folder named after the plugin (``templates/notes/...``)
    so they never shadow another plugin's. A template may ``{% extends "base.html" %}``;
    ``"<plugin>:name.html"`` always reaches the plugin's own copy, bypassing a theme.

    .. versionchanged:: 2.0
       Optional: the layout answers it with the package's ``templates/`` folder.
    """


@hookspec
def linli_static_dirs() -> list[Path]:
    """Folders served under ``/static/``; keep files under a sub-folder named after the
    plugin. Templates link them with ``static_url("notes/notes.css")``.

    .. versionchanged:: 2.0
       Optional: the layout answers it with the package's ``static/`` folder.
    """


@hookspec
def linli_locale_dirs() -> list[Path]:
    """Folders holding ``<language>/LC_MESSAGES/messages.po`` catalogues that translate
    the plugin's message ids (English) into ``zh_CN``.

    .. versionchanged:: 2.0
       Optional: the layout answers it with the package's ``locale/`` folder.
    """


@hookspec
def linli_nav_items(community: Community) -> list[NavItem]:
    """Links the plugin adds to the navigation of a community where it is enabled.

    .. versionchanged:: 2.0
       A plugin with sections (``linli_sections``) gets its link from them, shown to
       whoever may open one of them; implement this hook only for links the sections
       cannot give. A plugin that implements it gets no link from its sections.
    """


@hookspec
def linli_sections() -> list[Section]:
    """The plugin's sections, in the order its tab bar shows them. The core builds the
    plugin's navigation link, start page and tab bar from them (see
    :class:`linli.kit.Section`); a plugin that also implements ``linli_nav_items`` keeps
    its own links.

    .. versionadded:: 2.0
    """


@hookspec
def linli_dashboard_widgets(community: Community, actor: Actor) -> list[Widget]:
    """Blocks the plugin adds to the home page of a community where it is enabled.

    ``actor`` is the visitor (anonymous too): a widget that depends on who is looking (a
    mediator's own cases, the alerts of a worker's area) closes over it; an
    implementation that does not need it leaves the argument out."""


@hookspec
def linli_home_items(community: Community, actor: Actor) -> list[HomeItem]:
    """What the plugin has for the logged-in visitor at the top of the community's home,
    under "For you" (为您): their own figures (a balance, today's meal, open requests)
    and, for staff, their worklists as counts with a link. Called only for a visitor
    who is logged in; return nothing for one the plugin has nothing for (no person, no
    permission). Each item's query yields one value, and the core runs the queries of
    all items together in one SQL statement (see :class:`linli.kit.HomeItem`).

    .. versionadded:: 2.2
    """


@hookspec
def linli_permissions() -> list[Permission]:
    """Permissions the plugin declares, each named ``<plugin>.<action>``."""


@hookspec
def linli_default_roles() -> list[Role]:
    """Roles the plugin offers to a community when it is enabled there."""


@hookspec
def linli_person_sections(person: Person, actor: Actor) -> list[PersonSection]:
    """Sections the plugin adds to a person's page in the register (the street bank
    adds a balance, the canteen the subsidy tier). Isolated like other UI hooks."""


@hookspec
def linli_audit_titles() -> dict[str, str]:
    """Titles of the plugin's audit actions and kinds of record, as message ids:
    ``{"canteen.alert.resolve": N_("Welfare alert resolved"), "canteen.WelfareAlert":
    N_("Welfare alert")}``. The audit trail shows them in the visitor's language instead
    of the keys."""


@hookspec
def linli_disable_consequences(community: Community) -> list[Consequence]:
    """What switching the plugin off in ``community`` would stop (today's deliveries,
    open cases), shown with their counts on the page that asks the worker to confirm.
    Isolated like other UI hooks."""


@hookspec
def linli_event_types() -> dict[str, type[msgspec.Struct]]:
    """Domain events the plugin emits: ``{"<plugin>.<what_happened>": PayloadStruct}``.

    Emitting an event whose name no installed plugin declares is an error, so a typo
    cannot silently lose an event. A plugin declares only its own events: one that
    declares another plugin's, or one the core shares (``service.verified``), is refused
    when it loads.

    .. versionchanged:: 2.0
       Optional: the layout answers it with the payloads in the plugin's ``events.py``
       marked ``@event(name, version=…)``. Another plugin's or the core's event is refused
       instead of stopping the site.
    """


@hookspec
def linli_event_handlers() -> list[EventHandler]:
    """Handlers of domain events, from this plugin or any other.

    A handler runs after the emitting transaction commits, at most once per event (the
    delivery is recorded in the handler's own transaction), and is retried with back-off
    if it raises. It runs only for events of communities where its plugin is enabled.
    A subscription whose version or payload view the emitter's payload does not fit is
    left out at start-up, with the reason in the log and in ``linli plugins check``.

    .. versionchanged:: 2.0
       Optional: the layout answers it with the functions in the plugin's ``events.py``
       marked ``@subscribe(name, version=…, payload=…)``. A handler names the version it
       takes and may read the payload through its own view of it.
    """


@hookspec
def linli_demo_data() -> DemoSeeder:
    """An async callable that fills the demo community with the plugin's sample data.

    It receives the community and may return lines to print to the person starting the
    demo (for example demo accounts). linli calls it once per community.

    .. versionchanged:: 2.0
       Optional: the layout answers it with ``seed`` in the plugin's ``demo.py``.
    """


@hookspec
def linli_cli_commands() -> list[click.Command]:
    """Click commands added to the ``linli`` command line. Name them after the plugin
    (a group ``notes`` with subcommands) to avoid clashes."""


@hookspec
def linli_notification_kinds() -> list[NotificationKind]:
    """The kinds of notification the plugin sends (``<plugin>.<what>``), each with its
    Chinese and English title and text, urgency and category. A plugin declares only
    its own kinds.

    .. versionadded:: 2.1
       Optional: the layout answers it with the ``NotificationKind`` objects at module level
       in the plugin's ``notifications.py``.
    """


@hookspec
def linli_jobs() -> list[Job]:
    """The plugin's scheduled jobs: recurring (``cron``, in the community's time zone)
    and one-off (run when scheduled with ``linli.kit.schedule``). Each runs exactly once
    per slot and community, only where the plugin is enabled.

    .. versionadded:: 2.1
       Optional: the layout answers it with the functions in the plugin's ``jobs.py``
       marked ``@job(name, cron=…)``.
    """


@hookspec
def linli_notification_channels(settings: Any) -> list[Channel]:
    """Channels that carry notifications out of the site (email, SMS …), for a
    channel plugin; ``settings`` is the plugin's own instance settings (its manifest's
    ``settings``, from ``[plugins.<name>]`` in ``linli.toml``). A message goes out
    through every channel that reaches the person.

    .. versionadded:: 2.1
    """
