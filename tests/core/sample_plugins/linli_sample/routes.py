from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.transactions import in_transaction

from linli import emit
from linli.kernel.models import Community
from linli.web.auth import PUBLIC, requires
from linli.web.errors import VisibleError, refused
from linli_sample.models import Note


class NoteForm(msgspec.Struct):
    text: str


MAX_NOTE = 200


class NotesController(Controller):
    path = "/"

    @get("/", name="sample:index", opt=PUBLIC)
    async def index(self, community: NamedDependency[Community]) -> Template:
        notes = await Note.filter(community=community).limit(50)
        return Template("sample/index.html", context={"notes": notes})

    @post("/", name="sample:add", guards=[requires("sample.post")])
    async def add(
        self,
        request: Request[Any, Any, Any],
        community: NamedDependency[Community],
        data: URLEncodedBody[NoteForm],
    ) -> Redirect:
        text = data.text.strip()
        if not text:
            raise VisibleError(status_code=400, detail="A note needs some text.")
        if len(text) > MAX_NOTE:
            raise refused(
                request,
                "This note is %(share)d%% of the longest allowed; shorten it.",
                share=len(text) * 100 // MAX_NOTE,
            )
        async with in_transaction():
            note = await Note.create(community=community, text=text)
            await emit(
                "sample.note_added", {"note_id": note.id, "text": note.text}, community=community
            )
        return Redirect(f"/c/{community.slug}/sample/", status_code=303)
