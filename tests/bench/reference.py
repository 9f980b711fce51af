"""The bare reference page: the same stack as linli with nothing else.

Litestar + Jinja2 + Tortoise ORM, one query of 20 rows of the register (a few columns
of ``core_person``) from linli's own database, rendered through one Jinja template into
a page of the same shape as linli's (header, navigation, a table, footer). No session,
no CSRF, no permissions, no plugins: the ratio of a linli page to this one is what
linli's own work costs.

Served by the benchmark exactly as ``linli serve`` serves linli (uvicorn, same options,
same number of workers)::

    python -m tests.bench.reference --database-url sqlite:///…/demo.sqlite3 --port 8100
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from tortoise import Tortoise, fields
from tortoise.models import Model

DATABASE_VARIABLE = "LINLI_BENCH_REFERENCE_DATABASE"
TEMPLATES = Path(__file__).parent / "templates"
ROWS = 20


class Person(Model):
    """A few columns of linli's register table, read as a plain application would."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    gender = fields.CharField(max_length=8)
    birth_date = fields.DateField(null=True)
    phone = fields.CharField(max_length=32)

    class Meta:
        table = "core_person"
        app = "reference"


@get("/people")
async def people() -> Template:
    rows = await Person.all().order_by("id").limit(ROWS)
    return Template("people.html", context={"people": rows})


def create_app(database_url: str | None = None) -> Litestar:
    """The reference app on ``database_url`` (default: the environment variable the
    benchmark sets for uvicorn's workers)."""
    url = database_url or os.environ[DATABASE_VARIABLE]

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await Tortoise.init(
            db_url=url,
            modules={"reference": [__name__]},
            _enable_global_fallback=True,
        )
        try:
            yield
        finally:
            await Tortoise.close_connections()

    return Litestar(
        route_handlers=[people],
        lifespan=[lifespan],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=None,
        debug=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    os.environ[DATABASE_VARIABLE] = options.database_url

    import uvicorn

    # The options of `linli serve` (core/linli/cli): uvicorn's defaults otherwise, so the
    # access log is on for both.
    uvicorn.run(
        "tests.bench.reference:create_app",
        factory=True,
        host=options.host,
        port=options.port,
        workers=options.workers,
        proxy_headers=False,
        forwarded_allow_ips=None,
    )


if __name__ == "__main__":
    main()
