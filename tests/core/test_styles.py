"""A visitor's first page carries its stylesheets (one round trip on a slow network);
later pages link them. The policy allows exactly the styles an answer carries."""

import re

import pytest

from linli.web.styles import inline_text, style_hash


def test_relative_urls_are_made_absolute_for_the_page():
    css = (
        'a{background:url("logo.svg?v=1")} b{background:url(../x/y.png)} c{background:url(data:a)}'
    )
    text = inline_text(css, "default", lambda path: f"/static/{path}?v=h")
    assert 'url("/static/default/logo.svg?v=h")' in text
    assert 'url("/static/default/../x/y.png?v=h")' in text
    assert "url(data:a)" in text


def test_a_stylesheet_that_could_close_its_element_is_refused():
    with pytest.raises(ValueError, match="</"):
        inline_text("a{content:'</style><script>'}", "", str)


async def test_the_first_page_carries_its_styles_and_the_next_links_them(
    linli_client, linli_community
):
    first = await linli_client.get("/c/test/")
    styles = re.findall(r"<style>(.*?)</style>", first.text, re.DOTALL)
    assert styles and "stylesheet" not in first.text.split("</head>")[0]
    policy = first.headers["content-security-policy"]
    assert all(style_hash(text) in policy for text in styles)
    assert any(c.startswith("linli_css=1;") for c in first.headers.get_list("set-cookie"))

    second = await linli_client.get("/c/test/")
    head = second.text.split("</head>")[0]
    assert "<style>" not in head
    assert re.search(r'<link rel="stylesheet" href="/static/default/theme\.css\?v=\w+">', head)
    assert "sha256-" not in second.headers["content-security-policy"]
    assert "linli_css" not in second.headers.get("set-cookie", "")
