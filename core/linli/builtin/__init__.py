"""The core's own features, built as plugins: on the same rails as any plugin, always on.

Each folder here is a plugin package laid out as the conventions say
(:mod:`linli.kernel.conventions`): a ``manifest`` and its extension hooks in
``__init__.py``, its pages in ``routes.py`` (``ROUTES``), its templates under
``templates/<name>/``. The registry loads them before any installed plugin
(:data:`linli.kernel.registry.BUILTINS`); no community can switch them off, and no
installed plugin may take their names. Their words are the core's (its catalogue).

``account``
    logging in and out, changing one's password — pages at the site's root
    (``/login``, ``/account/…``), not under a community
``register``
    the resident register of a community (``/c/<community>/register/``)
``admin``
    the administration of a community: its trees, roles, grants, audit trail,
    plugins and accounts (``/c/<community>/admin/``)
``inbox``
    a person's notifications, what to be told and how, and the daily paper list for
    residents without a phone (``/c/<community>/inbox/``)
"""
