"""The resident register (居民底册): reading it from an xlsx workbook or a CSV file,
checking every row, importing it all-or-nothing, and exporting it in the same form so
that an export can be imported again.

The work is split so that the part touching the database is small and batched:

1. :func:`read_table` — bytes to raw rows under known headers (pure);
2. :func:`check_rows` — every cell of every row checked and typed (pure);
3. :func:`load_snapshot` — the community's people, households, tags and places (six
   queries, whatever their number);
4. :func:`make_plan` — what to create and what to change (pure);
5. :func:`apply_plan` — the writes, in bulk, inside the import's one transaction.

A dry run stops after step 4, so it reports exactly what a real run would refuse.

Rules where a file and the register disagree (the file wins, except where a blank cell
would destroy something that cannot be typed back):

* a person is found again by ID-card number, else by household code + name;
* filled cells overwrite, blank cells clear — except a blank ID-card number or a blank
  household, which leave the stored ones (moving out is done on the person's page);
* the 标签 cell is the person's whole set of tags;
* a column missing from the file leaves that field alone;
* people not in the file are left alone: an import never deletes anyone.

User text is data, never a formula: a formula cell in an imported workbook is refused
in the dry run (its cached value may not be what it computes, or be missing, and a
register holds what a clerk typed), text starting with ``=`` is kept as inert text, and
every export writes its cells through :mod:`linli.domain.exports` (string cells in xlsx, the
OWASP ``'`` prefix in CSV, which an import takes off again).

A masked ID-card number (:func:`~linli.domain.identity.models.mask_id_number`) in a file only
confirms a person found by household and name: its visible characters must agree with
the stored number. Both the current mask and the older one (last four shown) are read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from tortoise.transactions import in_transaction

from linli.domain.audit.models import AuditEntry
from linli.domain.audit.services import record
from linli.domain.exports import csv_file, text_cell, unescape_cell
from linli.domain.hierarchy.models import Node, NodeKind
from linli.domain.hierarchy.services import add_node
from linli.domain.identity.models import Household, Membership, Person, PersonTag, mask_id_number
from linli.domain.identity.people import KNOWN_TAGS, register_changed, sort_tags
from linli.domain.permissions.services import Actor
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.refusals import Refusal

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: At most this many rows in one file (a large community has about 10,000 residents).
MAX_ROWS = 50_000
#: The header row must be among the first rows (a title row above it is common).
HEADER_SEARCH_ROWS = 10
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")

#: Node kinds the register files households under. They are the default place levels
#: (:data:`linli.domain.communities.DEFAULT_KINDS`); the register's columns name these levels.
ESTATE, BUILDING, ENTRANCE, FLAT = "estate", "building", "entrance", "household"

#: What people write after a place's number ("10栋", "2单元", "1201室"): ignored when a
#: file's place is matched to the register's, so 1201 and 1201室 are the same flat.
PLACE_SUFFIXES = {
    "building": ("号楼", "栋", "幢", "楼", "号"),
    "entrance": ("单元", "门"),
    "household": ("室", "号", "房"),
}

PERSON_FIELDS = ("name", "gender", "birth_date", "phone", "id_number", "notes")
TAG_SEPARATORS = re.compile(r"[、,，;；]")


# -- the columns -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the register file: its key, its header (the file format is Chinese,
    whatever the visitor's language) and other headers accepted for it on import."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 12
    text: bool = True  # formatted as text in the template, so Excel keeps leading zeros


COLUMNS = (
    Column("name", "姓名", ("居民姓名",), width=10),
    Column("gender", "性别", width=6),
    Column("birth_date", "出生日期", ("出生年月日", "生日"), width=12),
    Column("phone", "手机号", ("手机", "手机号码", "联系电话", "电话"), width=14),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证"), width=21),
    Column("household", "户号", ("户编号",), width=14),
    Column("estate", "小区", width=12),
    Column("building", "楼栋", ("楼号", "楼栋号"), width=8),
    Column("entrance", "单元", ("单元号",), width=8),
    Column("room", "门牌/房号", ("门牌号", "房号", "门牌", "房间号"), width=10),
    Column("relation", "与户主关系", ("关系",), width=10),
    Column("tags", "标签", width=16),
    Column("notes", "备注", width=24),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]
LIMITS = {
    "name": 64,
    "household": 64,
    "estate": 40,
    "building": 40,
    "entrance": 40,
    "room": 40,
    "relation": 16,
    "notes": 500,
}


def _header_key(value: Any) -> str | None:
    """The column key a header cell names (spaces, ``*`` marks and full-width slashes
    ignored), or ``None``."""
    text = re.sub(r"[\s*＊]", "", _text(value)).replace("／", "/")
    for column in COLUMNS:
        if text == column.header or text in column.aliases:
            return column.key
    return None


# -- problems --------------------------------------------------------------------------


@dataclass
class Problem:
    """What is wrong with one cell (or a whole row when ``column`` is empty).

    ``message`` is a message id (English) shown translated, with ``params`` filled in;
    ``column`` is the header as the file names it."""

    row: int
    column: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] = lambda message: message) -> str:
        translated = translate(self.message)
        return translated % self.params if self.params else translated


class RegisterFileError(Refusal):
    """The upload is not a register at all (not a spreadsheet, wrong headers …).

    ``message`` is a message id with ``params``, like :class:`Problem`."""

    @property
    def params(self) -> dict[str, Any]:
        """The values of the message's placeholders (the refusal's ``values``)."""
        return self.values

    def text(self, translate: Callable[[str], str] = lambda message: message) -> str:
        translated = translate(self.message)
        return translated % self.params if self.params else translated


# -- 1. reading a file -----------------------------------------------------------------


@dataclass
class RawRow:
    """A row as read: its number in the spreadsheet (the header row counts) and its
    cells by column key (only the columns the file has)."""

    number: int
    cells: dict[str, Any]


@dataclass
class Table:
    rows: list[RawRow]
    columns: list[str]  # keys of the columns present, in the file's order
    ignored: list[str] = field(default_factory=list)  # headers not in the register


class Formula(str):
    """The text of a formula cell read from a workbook (``=SUM(A1:A3)``): refused by the
    row checks, never stored."""


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0`` (Excel stores 301 as 301.0), and the
    ``'`` an export put before text that looks like a formula taken off again."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_cell(value.strip())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _rows_of_xlsx(data: bytes) -> list[tuple[Any, ...]]:
    try:
        # not data_only: a formula cell must be seen as a formula, not as its cached value
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:
        raise RegisterFileError(
            N_("The workbook could not be read: it may be damaged or protected by a password.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows():
            rows.append(tuple(_cell_value(cell) for cell in row))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        return rows
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError) as exc:
        raise RegisterFileError(
            N_("The workbook could not be read: it may be damaged or protected by a password.")
        ) from exc
    finally:
        workbook.close()


def _cell_value(cell: Any) -> Any:
    """A read cell's value; a formula (even an array formula) as :class:`Formula`."""
    if cell.data_type == "f":
        return Formula(getattr(cell.value, "text", None) or cell.value or "=")
    return cell.value


def _rows_of_csv(data: bytes) -> list[tuple[Any, ...]]:
    if b"\x00" in data[:4096]:
        raise RegisterFileError(NOT_A_SPREADSHEET)
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegisterFileError(N_("The CSV file could not be read: save it as UTF-8 or GBK."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise RegisterFileError(NOT_A_SPREADSHEET) from exc


NOT_A_SPREADSHEET = N_(
    "This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file made "
    "from the register template."
)


def read_table(data: bytes) -> Table:
    """Read an xlsx workbook (its first sheet) or a CSV file into raw rows.

    The kind of file is told by its content, not its name. The header row is the first
    of the opening rows that names the 姓名 column. Raises :class:`RegisterFileError`
    for anything that is not a register."""
    if not data.strip():
        raise RegisterFileError(N_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        grid = _rows_of_xlsx(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RegisterFileError(
            N_(
                "Old Excel files (.xls) cannot be read. Save the file as an Excel "
                "workbook (.xlsx) or as CSV and upload it again."
            )
        )
    else:
        grid = _rows_of_csv(data)
    header_at = None
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if any(_header_key(cell) == "name" for cell in row):
            header_at = index
            break
    if header_at is None:
        raise RegisterFileError(
            N_(
                "No header row was found: one of the first %(rows)d rows must name the "
                "columns, among them 姓名. Download the template to see them."
            ),
            rows=HEADER_SEARCH_ROWS,
        )
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(grid[header_at]):
        key = _header_key(cell)
        if key is None:
            if _text(cell):
                ignored.append(_text(cell))
            continue
        if key in positions:
            raise RegisterFileError(
                N_("The column %(column)s appears twice."), column=BY_KEY[key].header
            )
        positions[key] = position
    if not {"id_number", "household", "building"} & positions.keys():
        raise RegisterFileError(
            N_(
                "The file needs a column 身份证号 or 户号 or 楼栋 and 门牌/房号, so that "
                "people can be found again. Download the template to see the columns."
            )
        )
    if ("building" in positions) != ("room" in positions):
        raise RegisterFileError(
            N_("The columns 楼栋 and 门牌/房号 go together: the file has only one of them.")
        )
    rows: list[RawRow] = []
    for index in range(header_at + 1, len(grid)):
        row = grid[index]
        cells = {key: row[pos] if pos < len(row) else None for key, pos in positions.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue  # blank lines are skipped, but numbering keeps counting them
        rows.append(RawRow(number=index + 1, cells=cells))
    if not rows:
        raise RegisterFileError(N_("The file has no rows of people below its header."))
    if len(rows) > MAX_ROWS:
        raise RegisterFileError(
            N_("The file has more than %(limit)d rows; split it into several files."),
            limit=MAX_ROWS,
        )
    columns = sorted(positions, key=positions.__getitem__)
    return Table(rows=rows, columns=columns, ignored=ignored)


# -- 2. checking rows ------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
#: A masked number: the current mask (``420***************``) or the older one that
#: showed the last four (``420***********1234``), so files exported before still import.
_MASKED_SHAPE = re.compile(r"^\d{3}\*{11}(?:\*{4}|[\dX]{4})$")
_PHONE = re.compile(r"^1\d{10}$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_GENDERS = {"男": "男", "女": "女", "男性": "男", "女性": "女"}
EARLIEST_BIRTH = date(1890, 1, 1)


def masked_matches(masked: str, stored: str) -> bool:
    """Whether the masked number ``masked`` could be ``stored``: every character it
    shows is the stored number's at the same place."""
    return len(masked) == len(stored) and all(
        shown in ("*", real) for shown, real in zip(masked, stored, strict=True)
    )


def id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID-card number (GB 11643, ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_gender(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).split(" ")[0].split("T")[0]
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def place_key(kind: str, name: str) -> str:
    """The name a place is matched by: spaces and the level's suffix dropped, numbers
    without leading zeros ("10栋" and "10", "1201室" and "1201" match)."""
    text = re.sub(r"\s+", "", name).casefold()
    for suffix in PLACE_SUFFIXES.get(kind, ()):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return str(int(text)) if text.isdigit() else text


def place_suffix(kind: str, name: str) -> str:
    """The suffix ``name`` carries after its number ("室" of "1201室"), or ""."""
    text = name.strip()
    for suffix in PLACE_SUFFIXES.get(kind, ()):
        if text.endswith(suffix) and text[: -len(suffix)].strip().isdigit():
            return suffix
    return ""


@dataclass(frozen=True)
class Place:
    """Where a household lives, as the file names it."""

    estate: str
    building: str
    entrance: str
    room: str

    def derived_code(self) -> str:
        """The household code when the file gives none and no household lives at the
        address yet: 小区-楼栋-单元-房号 by number ("10栋 2单元 1201室" → "10-2-1201")."""
        parts = (
            self.estate.strip(),
            place_key(BUILDING, self.building),
            place_key(ENTRANCE, self.entrance) if self.entrance else "",
            place_key(FLAT, self.room),
        )
        return "-".join(part for part in parts if part)


@dataclass
class Row:
    """A checked row. ``values`` holds the person fields the file sets (a missing
    column leaves its field out); ``tags`` is ``None`` when there is no 标签 column."""

    number: int
    name: str
    values: dict[str, Any]
    masked_id: str = ""
    tags: frozenset[str] | None = None
    household: str = ""
    place: Place | None = None
    relation: str | None = None
    #: the household code was made from the address (the file's 户号 was blank)
    household_derived: bool = False

    @property
    def id_number(self) -> str:
        return self.values.get("id_number", "")


FORMULA = N_(
    "This cell holds a formula (%(formula)s): the register takes only typed values. "
    "Copy the cells and paste them as values, then upload the file again."
)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _RowChecker:
    """Checks one row's cells, collecting every problem rather than stopping at the
    first, so a dry run shows a clerk all the fixes at once."""

    def __init__(self, raw: RawRow, today: date, allowed_tags: frozenset[str]) -> None:
        self.today = today
        self.allowed_tags = allowed_tags
        self.problems: list[Problem] = []
        #: columns holding a formula: reported once each, then checked as blank cells
        self.formulas = {key for key, value in raw.cells.items() if isinstance(value, Formula)}
        for key in sorted(self.formulas, key=list(BY_KEY).index):
            self.problems.append(
                Problem(
                    raw.number, BY_KEY[key].header, FORMULA, {"formula": _shorten(raw.cells[key])}
                )
            )
        cells = {key: None if key in self.formulas else v for key, v in raw.cells.items()}
        self.raw = RawRow(raw.number, cells)

    def problem(self, key: str, message: str, **params: Any) -> None:
        if key in self.formulas:
            return  # the formula is this cell's problem, already reported
        header = BY_KEY[key].header if key else ""
        self.problems.append(Problem(self.raw.number, header, message, params))

    def has(self, key: str) -> bool:
        return key in self.raw.cells

    def text(self, key: str) -> str:
        value = _text(self.raw.cells.get(key))
        limit = LIMITS.get(key)
        if limit is not None and len(value) > limit:
            self.problem(key, N_("Too long: at most %(limit)d characters."), limit=limit)
        return value

    def check(self) -> Row | None:
        values: dict[str, Any] = {}
        name = self.text("name")
        if not name:
            self.problem("name", N_("Required: this cell is empty."))
        values["name"] = name
        masked, derived = self._id_number(values)
        self._gender(values, derived)
        self._birth_date(values, derived)
        if self.has("phone"):
            values["phone"] = self._phone()
        if self.has("notes"):
            values["notes"] = self.text("notes")
        tags = self._tags() if self.has("tags") else None
        place = self._place()
        household = self.text("household")
        derived = not household and place is not None
        if derived and place is not None:
            household = place.derived_code()
            if len(household) > LIMITS["household"]:
                self.problem(
                    "household",
                    N_("Too long: at most %(limit)d characters."),
                    limit=LIMITS["household"],
                )
        relation = self.text("relation") if self.has("relation") else None
        if not household and not values.get("id_number"):
            self.problem(
                "",
                N_(
                    "Give an ID-card number or a household (户号, or 楼栋 and 门牌/房号), "
                    "so that the person can be found again next time."
                ),
            )
        if masked and not household:
            self.problem(
                "id_number",
                N_(
                    "A masked ID-card number only works for a person already in the "
                    "register, found by household and name: give the household."
                ),
            )
        if self.problems:
            return None
        return Row(
            number=self.raw.number,
            name=name,
            values=values,
            masked_id=masked,
            tags=tags,
            household=household,
            place=place,
            relation=relation,
            household_derived=derived,
        )

    def _id_number(self, values: dict[str, Any]) -> tuple[str, str]:
        """Checks the ID-card number; returns (masked form, valid full number)."""
        if not self.has("id_number"):
            return "", ""
        cell = self.raw.cells.get("id_number")
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            self.problem(
                "id_number",
                N_(
                    "The ID-card number was stored as a number and has lost digits: "
                    "format the column as text and type it again."
                ),
            )
            return "", ""
        number = re.sub(r"\s", "", _text(cell)).upper()
        if not number:
            return "", ""
        if _MASKED_SHAPE.match(number):
            return number, ""
        if not _ID_SHAPE.match(number):
            self.problem(
                "id_number",
                N_("An ID-card number has 18 characters: 17 digits, then a digit or X."),
            )
            return "", ""
        if id_check_digit(number[:17]) != number[17]:
            self.problem(
                "id_number",
                N_("The check digit of this ID-card number is wrong: look for a typing error."),
            )
            return "", ""
        born = id_birth_date(number)
        if born is None or not EARLIEST_BIRTH <= born <= self.today:
            self.problem("id_number", N_("This ID-card number holds an impossible birth date."))
            return "", ""
        values["id_number"] = number
        return "", number

    def _gender(self, values: dict[str, Any], id_number: str) -> None:
        expected = id_gender(id_number) if id_number else ""
        if not self.has("gender"):
            if expected:
                values["gender"] = expected
            return
        text = self.text("gender")
        gender = _GENDERS.get(text)
        if text and gender is None:
            self.problem("gender", N_("Write 男 or 女."))
            return
        if gender and expected and gender != expected:
            self.problem(
                "gender",
                N_("The gender does not match the ID-card number, which says %(expected)s."),
                expected=expected,
            )
            return
        values["gender"] = gender or expected

    def _birth_date(self, values: dict[str, Any], id_number: str) -> None:
        expected = id_birth_date(id_number) if id_number else None
        if not self.has("birth_date"):
            if expected:
                values["birth_date"] = expected
            return
        cell = self.raw.cells.get("birth_date")
        if _text(cell) == "":
            values["birth_date"] = expected
            return
        born = _parse_date(cell)
        if born is None:
            self.problem("birth_date", N_("Not a date: write it like 1950-03-12."))
        elif born > self.today:
            self.problem("birth_date", N_("This date is in the future."))
        elif born < EARLIEST_BIRTH:
            self.problem("birth_date", N_("This date is too long ago."))
        elif expected and born != expected:
            self.problem(
                "birth_date",
                N_("The birth date does not match the ID-card number, which says %(expected)s."),
                expected=expected.isoformat(),
            )
        else:
            values["birth_date"] = born

    def _phone(self) -> str:
        phone = re.sub(r"[\s\-]", "", _text(self.raw.cells.get("phone")))
        if phone.startswith("+86"):
            phone = phone[3:]
        if phone and not _PHONE.match(phone):
            self.problem("phone", N_("A mobile number has 11 digits and starts with 1."))
        return phone

    def _tags(self) -> frozenset[str]:
        tags = {t.strip() for t in TAG_SEPARATORS.split(_text(self.raw.cells.get("tags")))}
        tags.discard("")
        for tag in sorted(tags - self.allowed_tags):
            self.problem(
                "tags",
                N_("Unknown tag %(tag)s. Known tags: %(known)s."),
                tag=tag,
                known="、".join(KNOWN_TAGS),
            )
        return frozenset(tags)

    def _place(self) -> Place | None:
        parts = {key: self.text(key) for key in ("estate", "building", "entrance", "room")}
        if not any(parts.values()):
            return None
        if not parts["building"]:
            self.problem("building", N_("Give the building as well, or leave the address blank."))
        if not parts["room"]:
            self.problem("room", N_("Give the room number as well, or leave the address blank."))
        if not (parts["building"] and parts["room"]):
            return None
        return Place(**parts)


def check_rows(
    table: Table, *, today: date, allowed_tags: Iterable[str] = KNOWN_TAGS
) -> tuple[list[Row], list[Problem]]:
    """Check every row: each cell on its own, then the rows against each other (the same
    ID-card number twice, one household at two addresses). Pure and fast."""
    allowed = frozenset(allowed_tags)
    rows: list[Row] = []
    problems: list[Problem] = []
    for raw in table.rows:
        checker = _RowChecker(raw, today, allowed)
        row = checker.check()
        problems.extend(checker.problems)
        if row is not None:
            rows.append(row)
    problems.extend(_check_across(rows))
    bad = {problem.row for problem in problems}
    return [row for row in rows if row.number not in bad], problems


def _check_across(rows: list[Row]) -> list[Problem]:
    problems: list[Problem] = []
    by_id: dict[str, int] = {}
    places: dict[str, tuple[Place, int]] = {}
    by_name: dict[tuple[str, str], list[Row]] = {}
    id_header, household_header = BY_KEY["id_number"].header, BY_KEY["household"].header
    for row in rows:
        if row.id_number:
            first = by_id.setdefault(row.id_number, row.number)
            if first != row.number:
                problems.append(
                    Problem(
                        row.number,
                        id_header,
                        N_("The same ID-card number is on row %(row)d."),
                        {"row": first},
                    )
                )
                continue
        if row.household and row.place is not None:
            place, first = places.setdefault(row.household, (row.place, row.number))
            if place != row.place:
                problems.append(
                    Problem(
                        row.number,
                        household_header,
                        N_("Household %(code)s has another address on row %(row)d."),
                        {"code": row.household, "row": first},
                    )
                )
                continue
        if row.household:
            same = by_name.setdefault((row.household, row.name), [])
            for earlier in same:
                # the same name twice in one household is one person unless two
                # different ID-card numbers say otherwise
                if not (row.id_number and earlier.id_number):
                    problems.append(
                        Problem(
                            row.number,
                            BY_KEY["name"].header,
                            N_("The same person (household and name) is on row %(row)d."),
                            {"row": earlier.number},
                        )
                    )
                    break
            same.append(row)
    return problems


# -- 3. what the register holds --------------------------------------------------------


@dataclass
class PlaceNode:
    id: int
    parent_id: int | None
    kind: str
    name: str
    path: str
    depth: int


@dataclass
class CurrentMembership:
    id: int
    person_id: int
    household_id: int
    relation: str


@dataclass
class Snapshot:
    """The community's register, indexed for matching rows against it."""

    community_id: int
    root: PlaceNode
    nodes: dict[int, PlaceNode]
    people: dict[int, Person]
    households: dict[str, tuple[int, int]]  # code → (household id, node id)
    household_codes: dict[int, str]
    memberships: dict[int, list[CurrentMembership]]  # person id → current memberships
    tags: dict[int, dict[str, int]]  # person id → tag → tag row id

    def __post_init__(self) -> None:
        self.by_id_number: dict[str, int] = {}
        for person in sorted(self.people.values(), key=lambda p: p.id):
            if person.id_number:
                self.by_id_number.setdefault(person.id_number, person.id)
        self.by_household_name: dict[tuple[int, str], list[int]] = {}
        for person_id, current in self.memberships.items():
            name = self.people[person_id].name
            for membership in current:
                self.by_household_name.setdefault((membership.household_id, name), []).append(
                    person_id
                )
        # places by their matching key (:func:`place_key`): 1201 finds 1201室
        self.children: dict[tuple[int, str, str], int] = {}
        self.by_kind_name: dict[tuple[str, str], list[int]] = {}
        suffixes: dict[str, Counter[str]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            key = place_key(node.kind, node.name)
            if node.parent_id is not None:
                self.children.setdefault((node.parent_id, node.kind, key), node.id)
            self.by_kind_name.setdefault((node.kind, key), []).append(node.id)
            suffixes.setdefault(node.kind, Counter())[place_suffix(node.kind, node.name)] += 1
        #: how the register names each level's numbers ("室" when flats are "1201室")
        self.suffix: dict[str, str] = {
            kind: counts.most_common(1)[0][0] for kind, counts in suffixes.items()
        }
        self.households_at: dict[int, list[str]] = {}
        for code, (_, node_id) in sorted(self.households.items()):
            self.households_at.setdefault(node_id, []).append(code)

    @property
    def tags_in_use(self) -> set[str]:
        return {tag for tags in self.tags.values() for tag in tags}

    @property
    def max_person_id(self) -> int:
        return max(self.people, default=0)


async def load_snapshot(community_id: int) -> Snapshot:
    """The community's people, current memberships, households, tags and place nodes:
    six queries, whatever their number."""
    node_rows = (
        await Node.filter(community_id=community_id, tree="place")
        .order_by("depth", "id")
        .values("id", "parent_id", "kind__key", "name", "path", "depth")
    )
    nodes = {
        row["id"]: PlaceNode(
            row["id"], row["parent_id"], row["kind__key"], row["name"], row["path"], row["depth"]
        )
        for row in node_rows
    }
    if not nodes:
        raise RegisterFileError(N_("This community has no place tree yet."))
    root = next(iter(nodes.values()))
    people = {p.id: p for p in await Person.filter(community_id=community_id).order_by("id")}
    households: dict[str, tuple[int, int]] = {}
    codes: dict[int, str] = {}
    for row in await Household.filter(community_id=community_id).values("id", "code", "node_id"):
        households[row["code"]] = (row["id"], row["node_id"])
        codes[row["id"]] = row["code"]
    memberships: dict[int, list[CurrentMembership]] = {}
    for row in (
        await Membership.filter(household__community_id=community_id, ended_on__isnull=True)
        .order_by("id")
        .values("id", "person_id", "household_id", "relation")
    ):
        if row["person_id"] in people:
            memberships.setdefault(row["person_id"], []).append(CurrentMembership(**row))
    tags: dict[int, dict[str, int]] = {}
    for row in await PersonTag.filter(person__community_id=community_id).values(
        "id", "person_id", "tag"
    ):
        tags.setdefault(row["person_id"], {})[row["tag"]] = row["id"]
    return Snapshot(community_id, root, nodes, people, households, codes, memberships, tags)


# -- 4. the plan -----------------------------------------------------------------------

#: A node: an existing node's id (positive) or a planned node (``-1`` is the first).
NodeRef = int


@dataclass
class PlannedNode:
    kind: str
    parent: NodeRef
    name: str
    code: str = ""
    row: int = 0  # the first row that needs it


@dataclass
class PersonChange:
    """What a row does to a person: create them (``person_id`` is ``None``) or change
    the fields in ``values``, their tags and their household."""

    row: int
    person_id: int | None
    values: dict[str, Any]
    new: bool = False
    before: dict[str, Any] = field(default_factory=dict)
    add_tags: set[str] = field(default_factory=set)
    remove_tags: set[int] = field(default_factory=set)  # tag row ids
    join: str | None = None  # household code of a new membership
    relation: str = ""
    end: list[int] = field(default_factory=list)  # membership ids to end
    relation_update: tuple[int, str] | None = None


@dataclass
class Plan:
    changes: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    nodes: list[PlannedNode] = field(default_factory=list)
    new_households: dict[str, NodeRef] = field(default_factory=dict)
    moved_households: dict[int, NodeRef] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: rows whose household is already in the register (by 户号 or by address)
    matched_households: dict[str, int] = field(default_factory=dict)
    #: the first row of each new household
    household_rows: dict[str, int] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(1 for change in self.changes if change.new)

    @property
    def updated(self) -> int:
        return sum(1 for change in self.changes if not change.new)


class _Planner:
    def __init__(self, snapshot: Snapshot, rows: list[Row]) -> None:
        self.snap = snapshot
        self.plan = Plan()
        self.planned_children: dict[tuple[NodeRef, str, str], NodeRef] = {}
        self.planned_by_kind_name: dict[tuple[str, str], list[NodeRef]] = {}
        self.matched: dict[int, int] = {}  # person id → row number
        self.placed: set[str] = set()  # household codes already planned
        # the address of each household code, from whichever row gives it
        self.places: dict[str, Place] = {}
        for row in rows:
            if row.household_derived and row.place is not None:
                found = self._household_at(row.place)
                if found is not None:
                    row.household = found
            if row.household and row.place is not None:
                self.places.setdefault(row.household, row.place)
        estates = [n.id for n in snapshot.nodes.values() if n.kind == ESTATE]
        #: new buildings go into the estate when there is exactly one, else the community
        self.default_parent = estates[0] if len(estates) == 1 else snapshot.root.id

    def problem(self, row: Row, key: str, message: str, **params: Any) -> None:
        header = BY_KEY[key].header if key else ""
        self.plan.problems.append(Problem(row.number, header, message, params))

    # places

    def _household_at(self, place: Place) -> str | None:
        """The code of the one household the register has at ``place``, if any: a row
        without 户号 joins it rather than making a second household at the flat."""
        if place.estate:
            estates = self.snap.by_kind_name.get((ESTATE, place_key(ESTATE, place.estate)), [])
            if len(estates) != 1:
                return None
            building = self.snap.children.get(
                (estates[0], BUILDING, place_key(BUILDING, place.building))
            )
        else:
            buildings = self.snap.by_kind_name.get((BUILDING, place_key(BUILDING, place.building)))
            building = buildings[0] if buildings and len(buildings) == 1 else None
        parent = building
        if parent is not None and place.entrance:
            parent = self.snap.children.get((parent, ENTRANCE, place_key(ENTRANCE, place.entrance)))
        if parent is None:
            return None
        flat = self.snap.children.get((parent, FLAT, place_key(FLAT, place.room)))
        codes = self.snap.households_at.get(flat, []) if flat is not None else []
        return codes[0] if len(codes) == 1 else None

    def _styled(self, kind: str, name: str) -> str:
        """A new place named as the register names its level: "1203" becomes "1203室"
        where flats are called "1201室"."""
        suffix = self.snap.suffix.get(kind, "")
        bare = name.strip()
        if suffix and bare.isdigit():
            return f"{bare}{suffix}"
        return bare

    def _child(self, row: Row, parent: NodeRef, kind: str, name: str, code: str = "") -> NodeRef:
        key = (parent, kind, place_key(kind, name))
        found = self.snap.children.get(key) if parent > 0 else None
        if found is None:
            found = self.planned_children.get(key)
        if found is None:
            self.plan.nodes.append(
                PlannedNode(kind, parent, self._styled(kind, name), code, row.number)
            )
            found = -len(self.plan.nodes)
            self.planned_children[key] = found
            self.planned_by_kind_name.setdefault((kind, key[2]), []).append(found)
        return found

    def _building(self, row: Row, place: Place) -> NodeRef | None:
        if place.estate:
            estate = self._named(ESTATE, place.estate)
            if estate is None:
                estate = self._child(row, self.snap.root.id, ESTATE, place.estate)
            return self._child(row, estate, BUILDING, place.building)
        found = self._all_named(BUILDING, place.building)
        if len(found) > 1:
            self.problem(
                row,
                "estate",
                N_("There are several buildings called %(name)s: give the estate (小区)."),
                name=place.building,
            )
            return None
        if found:
            return found[0]
        return self._child(row, self.default_parent, BUILDING, place.building)

    def _all_named(self, kind: str, name: str) -> list[NodeRef]:
        key = (kind, place_key(kind, name))
        return [*self.snap.by_kind_name.get(key, []), *self.planned_by_kind_name.get(key, [])]

    def _named(self, kind: str, name: str) -> NodeRef | None:
        found = self._all_named(kind, name)
        return found[0] if found else None

    def place_node(self, row: Row, place: Place, code: str) -> NodeRef | None:
        building = self._building(row, place)
        if building is None:
            return None
        if place.entrance:
            parent = self._child(row, building, ENTRANCE, place.entrance)
        else:
            parent = building
        return self._child(row, parent, FLAT, place.room, code)

    # households

    def household_of(self, row: Row) -> bool:
        """Plan the row's household (new, or moved to the row's address); ``False``
        when it cannot be placed."""
        code = row.household
        if code in self.placed:
            return True
        place = self.places.get(code)
        existing = self.snap.households.get(code)
        if existing is not None:
            household_id, node_id = existing
            if place is not None:
                node = self.place_node(row, place, code)
                if node is None:
                    return False
                if node != node_id:
                    self.plan.moved_households[household_id] = node
            self.plan.matched_households[code] = row.number
            self.placed.add(code)
            return True
        if place is None:
            self.problem(
                row,
                "household",
                N_(
                    "Household %(code)s is not in the register yet: give its building "
                    "and room number."
                ),
                code=code,
            )
            return False
        node = self.place_node(row, place, code)
        if node is None:
            return False
        self.plan.new_households[code] = node
        self.plan.household_rows[code] = row.number
        self.placed.add(code)
        return True

    # people

    def match(self, row: Row) -> int | None:
        """The person a row stands for: by ID-card number, else by household and name."""
        if row.id_number and row.id_number in self.snap.by_id_number:
            return self.snap.by_id_number[row.id_number]
        existing = self.snap.households.get(row.household) if row.household else None
        if existing is None:
            return None
        for person_id in self.snap.by_household_name.get((existing[0], row.name), []):
            stored = self.snap.people[person_id].id_number
            if row.masked_id:
                if stored and masked_matches(row.masked_id, stored):
                    return person_id
            elif not (row.id_number and stored):
                return person_id
        return None

    def add(self, row: Row) -> None:
        if row.household and not self.household_of(row):
            return
        person_id = self.match(row)
        if person_id is None:
            if row.masked_id:
                self.problem(
                    row,
                    "id_number",
                    N_(
                        "A masked ID-card number only works for a person already in the "
                        "register, found by household and name: give the full number."
                    ),
                )
                return
            self.plan.changes.append(
                PersonChange(
                    row=row.number,
                    person_id=None,
                    values=_complete(row.values),
                    new=True,
                    add_tags=set(row.tags or ()),
                    join=row.household or None,
                    relation=row.relation or "",
                )
            )
            return
        first = self.matched.setdefault(person_id, row.number)
        if first != row.number:
            same = N_("This row and row %(other)d are the same person.")
            self.problem(row, "", same, other=first)
            return
        change = self._compare(row, person_id)
        if change is None:
            self.plan.unchanged += 1
        else:
            self.plan.changes.append(change)

    def _compare(self, row: Row, person_id: int) -> PersonChange | None:
        person = self.snap.people[person_id]
        change = PersonChange(row=row.number, person_id=person_id, values={})
        for name, value in row.values.items():
            if name == "id_number" and not value:
                continue  # a blank ID-card number keeps the stored one
            if getattr(person, name) != value:
                change.values[name] = value
                change.before[name] = getattr(person, name)
        if row.tags is not None:
            stored = self.snap.tags.get(person_id, {})
            change.add_tags = set(row.tags) - stored.keys()
            change.remove_tags = {tag_id for tag, tag_id in stored.items() if tag not in row.tags}
        if row.household:
            current = self.snap.memberships.get(person_id, [])
            staying = [
                m for m in current if self.snap.household_codes[m.household_id] == row.household
            ]
            change.end = [m.id for m in current if m not in staying]
            if staying:
                relation = staying[0].relation
                if row.relation is not None and row.relation != relation:
                    change.relation_update = (staying[0].id, row.relation)
            else:
                change.join = row.household
                change.relation = row.relation or ""
        if not (
            change.values
            or change.add_tags
            or change.remove_tags
            or change.join
            or change.end
            or change.relation_update
        ):
            return None
        return change


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    """A new person's fields, blanks for the columns the file lacks."""
    complete: dict[str, Any] = {"gender": "", "birth_date": None, "phone": "", "notes": ""}
    complete["id_number"] = ""
    complete.update(values)
    return complete


def make_plan(rows: list[Row], snapshot: Snapshot) -> Plan:
    """Match the checked rows against the register: who is new, what changes, which
    households and places must be created. Pure: nothing is written."""
    planner = _Planner(snapshot, rows)
    for row in rows:
        planner.add(row)
    return planner.plan


# -- 5. applying a plan ----------------------------------------------------------------

CHUNK = 500


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _person_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values[name] for name in PERSON_FIELDS)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Field values for the audit trail: dates as text, ID-card numbers masked (the trail
    says that a number changed; who saw a full number is what it records, not the number)."""
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif name == "id_number" and value:
            value = mask_id_number(value)
        shown[name] = value
    return shown


async def apply_plan(
    plan: Plan,
    snapshot: Snapshot,
    *,
    actor: Actor | None,
    today: date,
    progress: Callable[[int], object] | None = None,
    steps: int = 0,
) -> None:
    """Write ``plan``: places, households, people, memberships, tags and the audit trail,
    in bulk. The caller holds the transaction (an import is all-or-nothing). ``progress``
    is called three times with parts of ``steps``."""
    community_id = snapshot.community_id
    account = actor.account if actor is not None else None
    step = progress or (lambda _: None)

    # places, top down (a planned node's parent is always planned before it)
    kinds = {
        kind.key: kind for kind in await NodeKind.filter(key__in=[ESTATE, BUILDING, ENTRANCE, FLAT])
    }
    needed = {p.parent for p in plan.nodes if p.parent > 0}
    parents: dict[NodeRef, Node] = {n.id: n for n in await Node.filter(id__in=list(needed))}
    for index, planned in enumerate(plan.nodes):
        created = await add_node(
            kind=kinds[planned.kind],
            name=planned.name,
            parent=parents[planned.parent],
            code=planned.code,
        )
        parents[-(index + 1)] = created

    def node_id(ref: NodeRef) -> int:
        return parents[ref].id if ref < 0 else ref

    # households
    for household_id, ref in plan.moved_households.items():
        await Household.filter(id=household_id).update(node_id=node_id(ref))
    await Household.bulk_create(
        [
            Household(community_id=community_id, code=code, node_id=node_id(ref))
            for code, ref in plan.new_households.items()
        ],
        batch_size=CHUNK,
    )
    household_ids = {code: ids[0] for code, ids in snapshot.households.items()}
    if plan.new_households:
        household_ids = dict(
            await Household.filter(community_id=community_id).values_list("code", "id")
        )

    # people: updates, then creations, whose ids are read back by their fields (two new
    # people with identical fields are interchangeable, so any pairing is right)
    updates = [change for change in plan.changes if change.person_id is not None and change.values]
    changed_people = []
    for change in updates:
        person = snapshot.people[change.person_id]  # type: ignore[index]
        for name, value in change.values.items():
            setattr(person, name, value)
        person.updated_at = datetime.now(DEFAULT_ZONE)
        changed_people.append(person)
    if changed_people:
        await Person.bulk_update(changed_people, [*PERSON_FIELDS, "updated_at"], batch_size=CHUNK)
    step(steps // 3)
    creations = [change for change in plan.changes if change.person_id is None]
    await Person.bulk_create(
        [Person(community_id=community_id, **change.values) for change in creations],
        batch_size=CHUNK,
    )
    if creations:
        waiting: dict[tuple[Any, ...], list[int]] = {}
        for row in (
            await Person.filter(community_id=community_id, id__gt=snapshot.max_person_id)
            .order_by("id")
            .values("id", *PERSON_FIELDS)
        ):
            waiting.setdefault(_person_key(row), []).append(row["id"])
        for change in creations:
            change.person_id = waiting[_person_key(change.values)].pop(0)
    step(steps // 3)

    # memberships and tags
    ended = [m for change in plan.changes for m in change.end]
    for chunk in _chunks(ended):
        await Membership.filter(id__in=chunk).update(ended_on=today)
    relations: dict[str, list[int]] = {}
    for change in plan.changes:
        if change.relation_update is not None:
            membership_id, relation = change.relation_update
            relations.setdefault(relation, []).append(membership_id)
    for relation, ids in relations.items():
        for chunk in _chunks(ids):
            await Membership.filter(id__in=chunk).update(relation=relation)
    await Membership.bulk_create(
        [
            Membership(
                household_id=household_ids[change.join],
                person_id=change.person_id,
                relation=change.relation,
                started_on=today,
            )
            for change in plan.changes
            if change.join
        ],
        batch_size=CHUNK,
    )
    removed = [tag_id for change in plan.changes for tag_id in change.remove_tags]
    for chunk in _chunks(removed):
        await PersonTag.filter(id__in=chunk).delete()
    await PersonTag.bulk_create(
        [
            PersonTag(person_id=change.person_id, tag=tag)
            for change in plan.changes
            for tag in sorted(change.add_tags)
        ],
        batch_size=CHUNK,
    )

    # the audit trail: one entry per person created or changed, in bulk
    entries = []
    for change in plan.changes:
        after = _jsonable(change.values)
        if change.add_tags or change.remove_tags:
            after["tags_added"] = sorted(change.add_tags)
            after["tags_removed"] = len(change.remove_tags)
        if change.join:
            after["household"] = change.join
        entries.append(
            AuditEntry(
                community_id=community_id,
                actor=account,
                action="identity.person.imported" if change.new else "identity.person.reimported",
                object_type="core.Person",
                object_id=str(change.person_id),
                before=_jsonable(change.before) or None,
                after=after,
            )
        )
    await AuditEntry.bulk_create(entries, batch_size=CHUNK)
    step(steps - 2 * (steps // 3))


# -- the whole import ------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    rows: int
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households_created: int = 0
    households_moved: int = 0
    places_created: int = 0
    households_matched: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    #: (row, address) of each place the import creates, in row order
    new_places: list[tuple[int, str]] = field(default_factory=list)
    #: (row, household code, address) of each household the import creates
    new_households: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def problem_rows(self) -> int:
        return len({problem.row for problem in self.problems})


def today_in(zone: ZoneInfo = DEFAULT_ZONE) -> date:
    return datetime.now(zone).date()


def _planned_address(plan: Plan, snapshot: Snapshot) -> Callable[[NodeRef], str]:
    """The address of an existing or planned place below the community ("10栋 2单元
    1201室"), for the report of what an import creates."""

    def address(ref: NodeRef) -> str:
        names: list[str] = []
        current: NodeRef | None = ref
        while current is not None:
            if current < 0:
                planned = plan.nodes[-current - 1]
                names.append(planned.name)
                current = planned.parent
            else:
                node = snapshot.nodes.get(current)
                if node is None or node.depth == 0:
                    break
                names.append(node.name)
                current = node.parent_id
        return " ".join(reversed(names))

    return address


def _order(problems: list[Problem]) -> list[Problem]:
    position = {column.header: index for index, column in enumerate(COLUMNS)}
    return sorted(problems, key=lambda p: (p.row, position.get(p.column, -1)))


async def import_register(
    community: Community,
    table: Table,
    *,
    dry_run: bool,
    actor: Actor | None,
    today: date | None = None,
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Check ``table`` against the community's register and, unless ``dry_run``, import
    it in one transaction: all rows or none. Problems come back in the report (nothing
    is written when there are any); ``progress`` is called with numbers of rows done,
    adding up to ``2 * len(table.rows)``."""
    today = today or today_in()
    step = progress or (lambda _: None)
    report = ImportReport(rows=len(table.rows), dry_run=dry_run, ignored_columns=table.ignored)

    async def check_and_plan() -> tuple[Plan, Snapshot]:
        snapshot = await load_snapshot(community.id)
        allowed = set(KNOWN_TAGS) | snapshot.tags_in_use
        rows, problems = check_rows(table, today=today, allowed_tags=allowed)
        step(len(table.rows))
        plan = make_plan(rows, snapshot)
        plan.problems = _order(problems + plan.problems)
        return plan, snapshot

    def fill(plan: Plan, snapshot: Snapshot) -> None:
        report.problems = plan.problems
        if plan.problems:
            return
        address = _planned_address(plan, snapshot)
        report.new_places = sorted((node.row, address(-i - 1)) for i, node in enumerate(plan.nodes))
        report.new_households = sorted(
            (plan.household_rows.get(code, 0), code, address(node))
            for code, node in plan.new_households.items()
        )
        report.households_matched = len(plan.matched_households)
        report.created, report.updated, report.unchanged = (
            plan.created,
            plan.updated,
            plan.unchanged,
        )
        report.households_created = len(plan.new_households)
        report.households_moved = len(plan.moved_households)
        report.places_created = len(plan.nodes)

    if dry_run:
        plan, snapshot = await check_and_plan()
        fill(plan, snapshot)
        step(len(table.rows))
        return report
    async with in_transaction():
        # one import at a time per community (PostgreSQL; SQLite has one writer anyway),
        # so that the snapshot stays true until the import commits
        await Community.filter(id=community.id).select_for_update()
        plan, snapshot = await check_and_plan()
        fill(plan, snapshot)
        if plan.problems:
            return report
        await apply_plan(plan, snapshot, actor=actor, today=today, progress=step, steps=report.rows)
        changed = [c.person_id for c in plan.changes if c.person_id is not None]
        if changed:
            await register_changed(community.id, changed, "import")
        await record(
            "identity.register.imported",
            actor=actor,
            community_id=community.id,
            object_type="core.Community",
            object_id=community.id,
            after={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "households_created": report.households_created,
            },
        )
    return report


# -- export and template ---------------------------------------------------------------


def _address(node_id: int, nodes: dict[int, PlaceNode]) -> dict[str, str]:
    """The 小区/楼栋/单元/门牌 cells of a household's node; blank unless the node is a
    flat, so that the row imports back to the same household unmoved."""
    node = nodes.get(node_id)
    if node is None or node.kind != FLAT:
        return {}
    cells = {"room": node.name}
    parent = nodes.get(node.parent_id) if node.parent_id else None
    while parent is not None:
        if parent.kind == ENTRANCE and "entrance" not in cells:
            cells["entrance"] = parent.name
        elif parent.kind == BUILDING and "building" not in cells:
            cells["building"] = parent.name
        elif parent.kind == ESTATE and "estate" not in cells:
            cells["estate"] = parent.name
        parent = nodes.get(parent.parent_id) if parent.parent_id else None
    if "building" not in cells:
        return {}
    if "estate" in cells and len(_estates_named(cells["estate"], nodes)) > 1:
        cells.pop("estate")
    return cells


def _estates_named(name: str, nodes: dict[int, PlaceNode]) -> list[int]:
    return [n.id for n in nodes.values() if n.kind == ESTATE and n.name == name]


async def export_rows(
    community_id: int, people: list[Person] | None = None, *, full_ids: bool
) -> list[list[str]]:
    """The register's rows, one per person, in the columns of :data:`COLUMNS`; ``people``
    narrows it (a filtered list). ID-card numbers are masked unless ``full_ids``, which
    callers grant only on an explicit, audited request (:func:`record_export`). Four
    queries beside the people."""
    snapshot = await load_snapshot(community_id)
    chosen = people if people is not None else sorted(snapshot.people.values(), key=_by_name)
    rows = []
    for person in chosen:
        cells: dict[str, str] = {
            "name": person.name,
            "gender": person.gender,
            "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "phone": person.phone,
            "id_number": person.id_number if full_ids else mask_id_number(person.id_number),
            "tags": "、".join(sort_tags(snapshot.tags.get(person.id, {}))),
            "notes": person.notes,
        }
        current = snapshot.memberships.get(person.id)
        if current:
            membership = current[0]
            code = snapshot.household_codes[membership.household_id]
            cells["household"] = code
            cells["relation"] = membership.relation
            cells.update(_address(snapshot.households[code][1], snapshot.nodes))
        rows.append([cells.get(column.key, "") for column in COLUMNS])
    return rows


async def record_export(
    community_id: int,
    *,
    actor: Actor | None,
    people: int,
    full_ids: bool,
    chosen: dict[str, str] | None = None,
) -> None:
    """Record an export in the audit trail: who took how many people's rows, whether with
    full ID-card numbers, and which search chose them (``chosen``)."""
    await record(
        "identity.register.exported",
        actor=actor,
        community_id=community_id,
        object_type="core.Community",
        object_id=community_id,
        after={"people": people, "full_id_numbers": full_ids, **(chosen or {})},
    )


def _by_name(person: Person) -> tuple[str, int]:
    return (person.name, person.id)


def _header_cells(sheet: Any) -> list[Any]:
    """The header row, bold on a light fill, with each column's width set."""
    cells = []
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        cell = text_cell(sheet, column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3E9DC")
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    return cells


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHEET_TITLE = "居民底册"


def workbook_of(rows: list[list[str]]) -> bytes:
    """An xlsx file of register rows under the template's headers. Every value is
    written as a string cell, so ID-card and phone numbers keep all their digits and
    text starting with ``=`` is never a formula."""
    workbook = Workbook(write_only=True)  # streams rows: a large register stays fast
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet))
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
    return _save(workbook)


TEMPLATE_NOTES = (
    N_("One row per resident. Keep the header row as it is; the order of columns is free."),
    N_("姓名 is required. A person is found again by 身份证号, else by 户号 and 姓名."),
    N_(
        "小区, 楼栋, 单元, 门牌/房号: the address, such as 二期, 10, 2, 1201 (or 10栋, 2单元, "
        "1201室). They are matched with the places already in the register by their number: "
        "1201 and 1201室 are the same flat. A place the register lacks is created."
    ),
    N_(
        "户号 may stay blank: the person then joins the household already living at the "
        "address, or a new household numbered like 10-2-1201."
    ),
    N_("性别: 男 or 女. 出生日期: like 1950-03-12. Both may stay blank when 身份证号 is given."),
    N_("手机号: 11 digits starting with 1. Type 身份证号 as text so that Excel keeps every digit."),
    N_("标签: separated by 、 or a comma, from: %(tags)s."),
    N_(
        "Importing first checks the file: it lists every problem by row and column and "
        "changes nothing until you confirm."
    ),
    N_(
        "Importing the same file again changes nothing. A blank cell clears the stored "
        "value, except 身份证号 and the household."
    ),
)


#: Rows of the template formatted as text, ready to be typed in.
TEMPLATE_ROWS = 2000


def template_workbook(translate: Callable[[str], str] = lambda message: message) -> bytes:
    """The empty register with its headers (cells formatted as text, a choice list for
    性别) and a second sheet explaining how to fill it in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet))
    for index, column in enumerate(COLUMNS, start=1):
        if column.text:  # typed-in ID-card numbers stay text, not 4.20103E+17
            letter = get_column_letter(index)
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet[f"{letter}{row}"].number_format = "@"
    genders = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    gender_letter = get_column_letter(HEADERS.index("性别") + 1)
    genders.add(f"{gender_letter}2:{gender_letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(genders)
    notes = workbook.create_sheet(translate(N_("How to fill in")))
    notes.column_dimensions["A"].width = 100
    for note in TEMPLATE_NOTES:
        text = translate(note)
        notes.append([text % {"tags": "、".join(KNOWN_TAGS)} if "%(tags)s" in text else text])
    return _save(workbook)


def csv_of(rows: list[list[str]]) -> bytes:
    """A CSV file of register rows under the template's headers (escaped by
    :func:`linli.domain.exports.csv_file`: it imports back unchanged)."""
    return csv_file(HEADERS, rows)
