"""Uploaded files: photos of dishes, needs and ideas, attachments of cases.

Files live in the database (``core_upload``), not on a disk next to one worker: an upload
is written in the same transaction as the row that refers to it (a failed request leaves
neither behind), every worker and every machine serves it, and the database backup holds
it. Community-sized photos, resized on the way in, keep this cheap.

Plugins call :func:`save_image` or :func:`save_file` with the bytes of a form's file and
serve the result only through their own permission-checked route with
:func:`file_response`. The type of a file is read from its content, never trusted from
its name or the browser: a text file renamed ``.jpg`` is refused, and so is a PNG named
``.pdf``. Images are re-encoded, which drops their metadata (a phone photo's EXIF may hold
where it was taken) and anything hidden after the picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from litestar import Response
from PIL import Image, ImageOps, UnidentifiedImageError
from tortoise import fields
from tortoise.models import Model

from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal

if TYPE_CHECKING:
    from linli.domain.identity.models import Account
    from linli.kernel.models import Community

MB = 1024 * 1024
#: Defaults: a phone photo fits; a scanned document fits.
MAX_IMAGE_BYTES = 5 * MB
MAX_FILE_BYTES = 10 * MB
#: The longest side of a stored image: sharp on a phone and on a printed sheet.
MAX_SIDE = 1600
#: Refuse pictures that would take too much memory to open (decompression bombs),
#: read from the header before anything is decoded: 24 MP is a good phone's photo; a
#: 40 MP PNG of a few hundred KB costs ~230 MB and a second of CPU to decode.
MAX_PIXELS = 24_000_000
#: Uploads one account may store in :data:`UPLOAD_WINDOW` (counted from ``core_upload``,
#: so every worker sees the same count).
UPLOADS_PER_WINDOW = 30
UPLOAD_WINDOW = timedelta(minutes=10)

#: Image formats accepted, as Pillow names them: the type served and the file name
#: endings that may carry them, the usual one first.
IMAGE_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "JPEG": ("image/jpeg", (".jpg", ".jpeg", ".jfif")),
    "PNG": ("image/png", (".png",)),
    "WEBP": ("image/webp", (".webp",)),
    "GIF": ("image/gif", (".gif",)),
}
PDF = "application/pdf"
#: Names of the types in messages to people.
KIND_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    PDF: "PDF",
}
EXTENSIONS = dict(IMAGE_FORMATS.values()) | {PDF: (".pdf",)}


class UploadRefused(Refusal):
    """A file that is not accepted: a :class:`~linli.kernel.refusals.Refusal` whose message the
    core catalogue translates (status 400, or 413 for size)."""


class Upload(Model):
    """A stored file with the type read from its content."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="uploads", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=8)  # "image" or "file"
    content_type = fields.CharField(max_length=64)
    filename = fields.CharField(max_length=255)
    size = fields.IntField()
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    sha256 = fields.CharField(max_length=64)
    data = fields.BinaryField()
    created_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="uploads", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_upload"
        indexes = (
            ("community_id",),
            ("created_by_id",),
        )

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise UploadRefused(N_("The file is empty. Please choose the file again."))
    if len(data) > max_bytes:
        raise UploadRefused(
            N_("The file is too large: at most %(limit)s MB."),
            status=413,
            limit=_megabytes(max_bytes),
        )


async def _check_rate(by: Account | None) -> None:
    """At most :data:`UPLOADS_PER_WINDOW` stored uploads per account in
    :data:`UPLOAD_WINDOW`; checked before any decoding."""
    if by is None:
        return
    since = datetime.now(UTC) - UPLOAD_WINDOW
    recent = await Upload.filter(created_by_id=by.id, created_at__gte=since).count()
    if recent >= UPLOADS_PER_WINDOW:
        raise UploadRefused(
            N_("You have uploaded many files in a short time. Please wait a few minutes."),
            status=429,
        )


def _megabytes(size: int) -> str:
    return f"{size / MB:g}"


def _extension(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def _check_extension(filename: str, content_type: str) -> None:
    extension = _extension(filename)
    if extension and extension not in EXTENSIONS[content_type]:
        raise UploadRefused(
            N_(
                "The file name ends in %(extension)s, but the file is a %(kind)s. "
                "Please choose the file again."
            ),
            extension=extension,
            kind=KIND_NAMES[content_type],
        )


def sniff(data: bytes) -> str:
    """The type of a file from its first bytes, or ``""`` when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


class _Picture:
    """An image read, checked and re-encoded."""

    def __init__(self, data: bytes, content_type: str, width: int, height: int) -> None:
        self.data = data
        self.content_type = content_type
        self.width = width
        self.height = height


def _not_a_picture() -> UploadRefused:
    return UploadRefused(
        N_("This file is not a picture we can read. Please choose a JPEG, PNG, WebP or GIF photo.")
    )


def _reencode(data: bytes, filename: str, max_side: int) -> _Picture:
    """Open the picture, check it is what its name says, turn it upright, shrink it to
    ``max_side`` and write it again without its metadata. CPU work: run in a thread."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                # the size comes from the header: refuse before any pixel is decoded
                if probe.width * probe.height > MAX_PIXELS:
                    raise UploadRefused(
                        N_("The picture has too many pixels. Please choose a smaller picture."),
                        status=413,
                    )
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise _not_a_picture()
            _check_extension(filename, IMAGE_FORMATS[image.format][0])
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UploadRefused(
            N_("The picture has too many pixels. Please choose a smaller picture."), status=413
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, UploadRefused):
            raise
        raise _not_a_picture() from exc
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if image.mode == "P" and max(image.width, image.height) <= max_side:
        # a drawing of few colours that needs no shrinking keeps its palette: a third
        # of the bytes of the same picture in full colour (and nothing of its metadata
        # but which colour is see-through)
        image.info = {k: v for k, v in image.info.items() if k == "transparency"}
        image.save(out, format="PNG", optimize=True)
        return _Picture(out.getvalue(), "image/png", image.width, image.height)
    image.thumbnail((max_side, max_side))
    transparent = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if transparent:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    return _Picture(out.getvalue(), content_type, image.width, image.height)


def _stored_name(filename: str, content_type: str) -> str:
    """The original name's stem with the ending of what is stored (a PNG photo saved
    as JPEG is called ``.jpg``)."""
    stem = PurePath(filename).stem[:200] or "file"
    return stem + EXTENSIONS[content_type][0]


async def _store(
    community: Community | int,
    *,
    kind: str,
    data: bytes,
    content_type: str,
    filename: str,
    by: Account | None,
    width: int | None = None,
    height: int | None = None,
) -> Upload:
    community_id = community if isinstance(community, int) else community.id
    return await Upload.create(
        community_id=community_id,
        kind=kind,
        content_type=content_type,
        filename=filename,
        size=len(data),
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_by_id=by.id if by is not None else None,
    )


async def save_image(
    community: Community | int,
    data: bytes,
    *,
    filename: str,
    by: Account | None = None,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_side: int = MAX_SIDE,
) -> Upload:
    """Check, shrink and store a picture; raise :class:`UploadRefused` for anything else.

    Call it inside the transaction that writes the row referring to the upload."""
    _check_size(data, max_bytes)
    await _check_rate(by)
    picture = await asyncio.to_thread(_reencode, data, filename, max_side)
    return await _store(
        community,
        kind="image",
        data=picture.data,
        content_type=picture.content_type,
        filename=_stored_name(filename, picture.content_type),
        by=by,
        width=picture.width,
        height=picture.height,
    )


async def save_file(
    community: Community | int,
    data: bytes,
    *,
    filename: str,
    by: Account | None = None,
    allowed: tuple[str, ...] = (PDF, "image/jpeg", "image/png"),
    max_bytes: int = MAX_FILE_BYTES,
) -> Upload:
    """Check and store a document of one of the ``allowed`` types (PDF and images).

    Pictures among them are re-encoded like :func:`save_image`'s, at a larger size so that
    a photographed letter stays readable."""
    _check_size(data, max_bytes)
    await _check_rate(by)
    content_type = sniff(data)
    if content_type not in allowed:
        raise UploadRefused(
            N_("This kind of file is not accepted here. Please choose one of: %(kinds)s."),
            kinds=", ".join(KIND_NAMES[t] for t in allowed),
        )
    if content_type != PDF:
        picture = await asyncio.to_thread(_reencode, data, filename, 2 * MAX_SIDE)
        return await _store(
            community,
            kind="image",
            data=picture.data,
            content_type=picture.content_type,
            filename=_stored_name(filename, picture.content_type),
            by=by,
            width=picture.width,
            height=picture.height,
        )
    _check_extension(filename, content_type)
    return await _store(
        community,
        kind="file",
        data=data,
        content_type=content_type,
        filename=_stored_name(filename, content_type),
        by=by,
    )


def file_response(upload: Upload, *, download: bool = False) -> Response[bytes]:
    """The stored bytes for a browser. Pictures show inline; other files download, so a
    PDF never runs in the site's origin. Private caching only: the route that serves an
    upload has checked who may see it."""
    disposition = "attachment" if download or not upload.is_image else "inline"
    return Response(
        content=upload.data,
        media_type=upload.content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(upload.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=86400",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
        },
    )
