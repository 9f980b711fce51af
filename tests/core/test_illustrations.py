"""The flat illustrations the demo draws (``linli.kit.illustration``): small, the same
bytes every time, and stored by ``save_image`` as the palette PNG they are."""

import io

import pytest
from PIL import Image, PngImagePlugin

from linli.domain.illustrations import SIZE, illustration
from linli.domain.uploads import save_image

BOWL = [
    ("ellipse", (8, 8, 92, 92), "#2f6fb0"),
    ("ellipse", (19, 19, 81, 81), "#f2b233"),
    ("round", (34, 34, 44, 44, 2), "#e2751e"),
    ("chord", (10, 20, 90, 90, 0, 180), "#fbfaf6"),
    ("pie", (20, 20, 80, 80, 0, 90), "#4f9a3c"),
    ("polygon", (50, 10, 60, 30, 40, 30), "#d9412b"),
    ("line", (10, 90, 90, 10, 2), "#36454f"),
    ("rect", (45, 45, 55, 55), "#ffffff"),
]


def test_an_illustration_is_a_small_square_palette_png_with_see_through_corners():
    data = illustration(BOWL, background="#fff3dc")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) < 1_500
    image = Image.open(io.BytesIO(data))
    assert image.mode == "P" and image.size == (SIZE, SIZE)
    rgba = image.convert("RGBA")
    assert rgba.getpixel((0, 0))[3] == 0  # a rounded tile: the corner is transparent
    edge = rgba.getpixel((SIZE // 2, 3))[:3]  # the tile's colour, to the palette's precision
    assert all(abs(a - b) <= 4 for a, b in zip(edge, (0xFF, 0xF3, 0xDC), strict=True))


def test_the_same_shapes_give_the_same_bytes():
    assert illustration(BOWL, background="#fff3dc") == illustration(BOWL, background="#fff3dc")
    assert illustration(BOWL, background="#fff3dc") != illustration(BOWL, background="#dcecf7")


def test_rings_and_arcs_are_outlines_and_shapes_stop_at_the_tile_s_corners():
    scene = [
        ("rect", (0, 60, 100, 100), "#a9d18e"),  # a lawn to the picture's edges
        ("ring", (20, 20, 60, 60, 4), "#36454f"),
        ("arc", (60, 10, 90, 40, 180, 360, 3), "#d9412b"),
    ]
    rgba = Image.open(io.BytesIO(illustration(scene, background="#dcecf7"))).convert("RGBA")
    assert rgba.getpixel((0, SIZE - 1))[3] == 0  # the lawn is cut at the rounded corner
    assert rgba.getpixel((SIZE // 2, SIZE - 2))[1] > 180  # and runs along the edge
    ring = rgba.getpixel((round(SIZE * 0.21), round(SIZE * 0.4)))[:3]  # on the outline
    inside = rgba.getpixel((round(SIZE * 0.4), round(SIZE * 0.4)))[:3]  # the sky shows
    assert max(ring) < 100 and min(inside) > 200
    assert rgba.getpixel((round(SIZE * 0.75), round(SIZE * 0.3)))[:3] != (0xD9, 0x41, 0x2B)


def test_an_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="star"):
        illustration([("star", (1, 2, 3, 4), "#000000")], background="#ffffff")


async def test_save_image_keeps_a_small_palette_picture_as_it_is(linli_community):
    data = illustration(BOWL, background="#fff3dc")
    upload = await save_image(linli_community, data, filename="bowl.png")
    assert upload.content_type == "image/png" and upload.filename == "bowl.png"
    assert (upload.width, upload.height) == (SIZE, SIZE)
    stored = Image.open(io.BytesIO(upload.data))
    assert stored.mode == "P" and upload.size <= len(data) + 100
    assert stored.convert("RGBA").getpixel((0, 0))[3] == 0


async def test_a_palette_picture_larger_than_allowed_is_still_shrunk(linli_community):
    big = illustration(BOWL, background="#fff3dc", size=400)
    upload = await save_image(linli_community, big, filename="bowl.png", max_side=200)
    assert (upload.width, upload.height) == (200, 200)
    assert upload.content_type == "image/png"  # transparent corners: still a PNG


async def test_a_palette_picture_keeps_no_metadata(linli_community):
    image = Image.open(io.BytesIO(illustration(BOWL, background="#fff3dc")))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "where it was drawn")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    upload = await save_image(linli_community, buffer.getvalue(), filename="bowl.png")
    assert b"where it was drawn" not in upload.data
