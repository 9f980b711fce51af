"""Uploads: the type comes from the content, pictures are shrunk and stripped, refusals
say why, and an upload rolls back with the transaction it was written in."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tortoise.transactions import in_transaction

from linli.domain.uploads import (
    MB,
    Upload,
    UploadRefused,
    file_response,
    save_file,
    save_image,
)
from linli.kernel.i18n import Catalogues
from linli.kernel.models import Community

pytestmark = pytest.mark.linli_plugins()

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def picture(
    format: str = "JPEG", size: tuple[int, int] = (40, 30), mode: str = "RGB", **save: object
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "orange").save(out, format=format, **save)
    return out.getvalue()


def with_location(data: bytes) -> bytes:
    """A JPEG carrying EXIF metadata (as a phone's photo carries where it was taken)."""
    image = Image.open(io.BytesIO(data))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: turned 90° on the camera
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def test_a_photo_is_stored_shrunk_upright_and_without_metadata(
    linli_community: Community,
):
    original = with_location(picture(size=(3200, 1600)))
    assert b"PhoneMaker" in original
    upload = await save_image(linli_community, original, filename="IMG_0001.JPG")
    stored = await Upload.get(id=upload.id)
    assert stored.content_type == "image/jpeg" and stored.kind == "image"
    assert stored.filename == "IMG_0001.jpg"
    # turned upright by its orientation tag, then shrunk to 1600 px on the longest side
    assert (stored.width, stored.height) == (800, 1600)
    assert b"PhoneMaker" not in stored.data
    assert stored.size == len(stored.data)
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.size == (800, 1600)
        assert not image.getexif()


async def test_a_transparent_png_stays_a_png(linli_community: Community):
    upload = await save_image(
        linli_community, picture("PNG", mode="RGBA"), filename="mural sketch.png"
    )
    assert upload.content_type == "image/png"
    assert upload.filename == "mural sketch.png"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"MZ\x90\x00 not a picture at all", "photo.jpg", "not a picture"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "x.svg", "not a picture"),
        (PDF_BYTES, "scan.jpg", "not a picture"),
        (picture("JPEG"), "photo.png", "ends in .png"),
        (picture("PNG"), "photo.gif", "ends in .gif"),
        (b"", "photo.jpg", "empty"),
    ],
)
async def test_what_is_not_the_picture_it_claims_is_refused(
    linli_community: Community, data: bytes, filename: str, message: str
):
    with pytest.raises(UploadRefused) as refused:
        await save_image(linli_community, data, filename=filename)
    assert message in str(refused.value)
    assert refused.value.status == 400
    assert await Upload.all().count() == 0


async def test_a_file_over_the_limit_is_refused_before_it_is_read(linli_community: Community):
    with pytest.raises(UploadRefused) as refused:
        await save_image(
            linli_community, b"\xff\xd8\xff" + bytes(MB), filename="big.jpg", max_bytes=MB
        )
    assert refused.value.status == 413
    assert refused.value.values == {"limit": "1"}
    assert await Upload.all().count() == 0


async def test_a_picture_with_too_many_pixels_is_refused(linli_community: Community):
    bomb = picture("PNG", size=(10_000, 10_000), mode="1")
    assert len(bomb) < MB
    with pytest.raises(UploadRefused) as refused:
        await save_image(linli_community, bomb, filename="bomb.png")
    assert refused.value.status == 413


async def test_documents_pdf_and_pictures_only_of_the_allowed_kinds(linli_community: Community):
    pdf = await save_file(linli_community, PDF_BYTES, filename="协议.pdf")
    assert (pdf.kind, pdf.content_type, pdf.data) == ("file", "application/pdf", PDF_BYTES)
    photo = await save_file(linli_community, picture("PNG"), filename="leak.png")
    assert photo.kind == "image"
    with pytest.raises(UploadRefused) as refused:
        await save_file(linli_community, b"PK\x03\x04 a zip", filename="notes.docx")
    assert refused.value.values == {"kinds": "PDF, JPEG, PNG"}
    with pytest.raises(UploadRefused):
        await save_file(linli_community, PDF_BYTES, filename="report.png")
    with pytest.raises(UploadRefused):
        await save_file(linli_community, PDF_BYTES, filename="a.pdf", allowed=("image/jpeg",))
    assert await Upload.all().count() == 2


async def test_an_upload_rolls_back_with_its_transaction(linli_community: Community):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await save_image(linli_community, picture(), filename="a.jpg")
            raise RuntimeError("the row that refers to it failed")
    assert await Upload.all().count() == 0


async def test_served_files_are_typed_and_documents_download(linli_community: Community):
    photo = await save_image(linli_community, picture(), filename="饭菜.jpg")
    response = file_response(photo)
    assert response.media_type == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "%E9%A5%AD" in response.headers["Content-Disposition"]  # the name, encoded
    pdf = await save_file(linli_community, PDF_BYTES, filename="a.pdf")
    assert file_response(pdf).headers["Content-Disposition"].startswith("attachment;")


def test_every_refusal_is_translated():
    catalogues = Catalogues([])
    messages = [
        "The file is too large: at most %(limit)s MB.",
        "This file is not a picture we can read. Please choose a JPEG, PNG, WebP or GIF photo.",
        "This kind of file is not accepted here. Please choose one of: %(kinds)s.",
    ]
    for message in messages:
        assert catalogues.translate("zh_CN", message) != message


async def test_a_decompression_bomb_is_refused_from_its_header_before_decoding(linli_community):
    """A 39-megapixel PNG of one colour is ~100 KB on the wire and ~230 MB decoded."""
    import time

    from linli.domain.uploads import MAX_PIXELS

    out = io.BytesIO()
    Image.new("1", (7_000, 5_600)).save(out, format="PNG", optimize=True)
    data = out.getvalue()
    assert len(data) < 200_000 and MAX_PIXELS < 7_000 * 5_600
    started = time.perf_counter()
    with pytest.raises(UploadRefused) as refused:
        await save_image(linli_community, data, filename="bomb.png")
    assert refused.value.status == 413
    assert time.perf_counter() - started < 0.5
    assert await Upload.all().count() == 0


async def test_one_account_may_upload_only_so_many_files_in_ten_minutes(linli_community):
    from linli.domain.uploads import UPLOADS_PER_WINDOW
    from linli.testing import make_account

    account = await make_account("uploader", linli_community)
    other = await make_account("other", linli_community)
    for _ in range(UPLOADS_PER_WINDOW):
        await save_image(linli_community, picture(), filename="a.jpg", by=account)
    with pytest.raises(UploadRefused) as refused:
        await save_image(linli_community, picture(), filename="a.jpg", by=account)
    assert refused.value.status == 429
    with pytest.raises(UploadRefused):
        await save_file(linli_community, PDF_BYTES, filename="a.pdf", by=account)
    await save_image(linli_community, picture(), filename="a.jpg", by=other)
    assert await Upload.filter(created_by=account).count() == UPLOADS_PER_WINDOW
