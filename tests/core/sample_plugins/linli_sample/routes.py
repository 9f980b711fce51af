from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.transactions import in_transaction

from linli import emit
from linli.models import Community
from linli.web.auth import PUBLIC, requires
from linli.web.errors import VisibleError
from linli_sample.models import Note


class NoteForm(msgspec.Struct):
    text: str


class NotesController(Controller):
    path = "/"

    @get("/", name="sample:index", opt=PUBLIC)
    async def index(self, community: NamedDependency[Community]) -> Template:
        notes = await Note.filter(community=community).limit(50)
        return Template("sample/index.html", context={"notes": notes})

    @post("/", name="sample:add", guards=[requires("sample.post")])
    async def add(
        self, community: NamedDependency[Community], data: URLEncodedBody[NoteForm]
    ) -> Redirect:
        text = data.text.strip()
        if not text:
            raise VisibleError(status_code=400, detail="A note needs some text.")
        async with in_transaction():
            note = await Note.create(community=community, text=text[:200])
            await emit(
                "sample.note_added", {"note_id": note.id, "text": note.text}, community=community
            )
        return Redirect(f"/c/{community.slug}/sample/", status_code=303)
