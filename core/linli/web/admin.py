"""The community's admin pages, under ``/c/{community_slug}/admin/``."""

from __future__ import annotations

from typing import Any

ADMIN_ROUTES: list[Any] = []
