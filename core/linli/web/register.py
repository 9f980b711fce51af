"""Pages of the resident register (居民底册), under ``/c/{community_slug}/register/``."""

from __future__ import annotations

from typing import Any

REGISTER_ROUTES: list[Any] = []
