"""Customs code tables (海关参数代码表): dated data that message validation looks codes up in.

Every entry is in force from its effective_from date up to, not including, its
effective_to date. A code that is absent or not in force on the day is refused with
UnknownCode naming the table, the code, the day and the message field. The shipped
tables can be replaced by a deployment's edited copy; a malformed file is refused
when loaded, naming the file, the line and the reason."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codetables import (
    TABLE_SPECS,
    CodeEntry,
    CodeTable,
    CodeTableFileError,
    CodeTables,
    UnknownCode,
    UnknownCodeTable,
    default_tables,
)
from schemas.errors import BondflowError
from tests.support.profiles import examples

DAY = dt.date(2026, 11, 28)
HEADER = "code,name_zh,name_en,effective_from,effective_to,note"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A deployment's copy of the shipped data folder, ready to be edited."""
    with as_file(files("codetables").joinpath("data")) as shipped:
        return Path(shutil.copytree(shipped, tmp_path / "codetables"))


def _write(folder: Path, table: str, *rows: str) -> Path:
    path = folder / f"{table}.csv"
    path.write_text("\n".join(["# test table", HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _refusal(folder: Path) -> CodeTableFileError:
    with pytest.raises(CodeTableFileError) as caught:
        CodeTables.load(folder)
    return caught.value


# --- the shipped tables ----------------------------------------------------------------


def test_every_declared_table_is_shipped_and_loads() -> None:
    tables = default_tables()
    assert set(tables.names()) == set(TABLE_SPECS)
    for name in tables.names():
        assert len(tables[name]) > 0, name


def test_default_tables_are_read_once() -> None:
    assert default_tables() is default_tables()


@pytest.mark.parametrize(
    ("table", "code", "name_zh"),
    [
        ("supervision_mode", "0110", "一般贸易"),
        ("supervision_mode", "5014", "区内来料加工"),
        ("supervision_mode", "5015", "区内进料加工货物"),
        ("supervision_mode", "5034", "区内物流货物"),
        ("supervision_mode", "1210", "保税跨境贸易电子商务"),
        ("supervision_mode", "9610", "跨境贸易电子商务"),
        ("transport_mode", "2", "水路运输"),
        ("transport_mode", "3", "铁路运输"),
        ("transport_mode", "4", "公路运输"),
        ("transport_mode", "5", "航空运输"),
        ("transport_mode", "Y", "保税港区/综合保税区"),
        ("unit", "007", "个"),
        ("unit", "035", "千克"),
        ("currency", "142", "人民币"),
        ("currency", "502", "美元"),
        ("currency", "300", "欧元"),
        ("country", "142", "中国"),
        ("country", "502", "美国"),
        ("country", "304", "德国"),
        ("customs_district", "9600", "西宁关区"),
        ("customs_district", "9601", "西宁海关"),
        ("duty_treatment", "1", "照章征税"),
        ("duty_treatment", "3", "全免"),
        ("incoterm", "1", "CIF"),
        ("incoterm", "3", "FOB"),
    ],
)
def test_shipped_tables_hold_the_domain_samples(table: str, code: str, name_zh: str) -> None:
    entry = default_tables()[table].require(code, DAY)
    assert (entry.table, entry.code, entry.name_zh) == (table, code, name_zh)


def test_supervision_mode_5000_keeps_the_domain_wording() -> None:
    assert default_tables()["supervision_mode"].require("5000", DAY).name_en == (
        "zone-domestic material"
    )


def test_channel_codes_are_exactly_those_of_dec_result() -> None:
    channel = default_tables()["channel"]
    meanings = {code: channel.require(code, DAY).name_en for code in channel.codes_in_force(DAY)}
    assert meanings == {
        "L": "accepted",
        "E": "returned",
        "G": "processed",
        "T": "duties payable",
        "C": "inspection notice",
        "S": "inspection under way",
        "P": "released",
        "R": "closed",
        "D": "deleted",
        "Z": "returned for correction",
    }


def test_duty_treatments_are_the_nine_codes() -> None:
    assert default_tables()["duty_treatment"].codes_in_force(DAY) == frozenset("123456789")


def test_doubtful_entries_are_marked_unverified() -> None:
    tables = default_tables()
    assert tables["unit"].require("011", DAY).unverified  # DOMAIN.md: 011 set (unverified)
    assert tables["country"].require("449", DAY).unverified  # the old name was not seen
    assert tables["customs_district"].require("9600", DAY).unverified
    assert not tables["unit"].require("035", DAY).unverified
    # Confirmed since by the single window's table (its column 原报关代码: 304 is DEU's).
    assert not tables["country"].require("304", DAY).unverified


def test_every_shipped_code_has_the_form_of_its_table() -> None:
    tables = default_tables()
    for name in tables.names():
        for entry in tables[name]:
            assert TABLE_SPECS[name].matches(entry.code), (name, entry.code)


# --- looking codes up by day -----------------------------------------------------------------


def test_a_withdrawn_code_is_in_force_until_the_day_before_its_end() -> None:
    currency = default_tables()["currency"]
    mark = currency.history("304")[0]
    assert mark.effective_to is not None
    last_day = mark.effective_to - dt.timedelta(days=1)
    assert currency.lookup("304", last_day) == mark
    assert currency.lookup("304", mark.effective_to) is None
    assert currency.lookup("304", DAY) is None
    assert currency.lookup("300", mark.effective_to) is not None  # the euro took over


def test_a_code_is_not_in_force_before_its_start() -> None:
    supervision = default_tables()["supervision_mode"]
    start = supervision.history("9810")[0].effective_from
    assert supervision.lookup("9810", start - dt.timedelta(days=1)) is None
    assert supervision.lookup("9810", start) is not None
    assert "9810" not in supervision.codes_in_force(start - dt.timedelta(days=1))
    assert "9810" in supervision.codes_in_force(start)


def test_refusal_names_table_code_day_and_field() -> None:
    with pytest.raises(UnknownCode) as caught:
        default_tables()["supervision_mode"].require(
            "5999", DAY, field="InvtMessage/InvtHeadType/SupvModecd"
        )
    error = caught.value
    assert isinstance(error, BondflowError)
    assert error.code == "unknown_code"
    assert (error.table, error.code_value, error.on) == ("supervision_mode", "5999", DAY)
    assert error.field == "InvtMessage/InvtHeadType/SupvModecd"
    assert error.reason == "supervision_mode: code 5999 is not in the table (on 2026-11-28)"
    assert str(error) == (
        "InvtMessage/InvtHeadType/SupvModecd: "
        "supervision_mode: code 5999 is not in the table (on 2026-11-28)"
    )


def test_refusal_of_a_code_out_of_force_gives_its_periods() -> None:
    with pytest.raises(UnknownCode) as caught:
        default_tables()["supervision_mode"].require("9810", dt.date(2019, 1, 1))
    assert caught.value.reason == (
        "supervision_mode: code 9810 is not in force on 2019-01-01 (from 2020-07-01)"
    )
    with pytest.raises(UnknownCode, match=r"currency: code 304 is not in force on 2026-11-28 "):
        default_tables()["currency"].require("304", DAY)


def test_refusal_of_a_malformed_code_says_the_expected_form() -> None:
    with pytest.raises(UnknownCode) as caught:
        default_tables()["unit"].require("35", DAY, field="DecList/GUnit")
    assert caught.value.reason == (
        "unit: code 35 is not in the table (on 2026-11-28; unit codes are 3 digits)"
    )
    with pytest.raises(UnknownCode, match=r"code ' 035' is not in the table"):
        default_tables()["unit"].require(" 035", DAY)


def test_codes_are_exact_strings() -> None:
    unit = default_tables()["unit"]
    for variant in ("35", "0035", "035 ", "０３５"):  # full-width digits too
        assert unit.lookup(variant, DAY) is None, variant


def test_the_day_must_be_a_date_not_a_datetime() -> None:
    moment = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)  # 07:30 next day in Beijing
    with pytest.raises(TypeError, match=r"datetime\.date"):
        default_tables()["unit"].lookup("035", moment)


def test_an_unknown_table_name_is_a_clear_refusal() -> None:
    tables = default_tables()
    with pytest.raises(UnknownCodeTable, match="no code table named 'units'") as caught:
        tables["units"]
    assert isinstance(caught.value, BondflowError)
    assert not isinstance(caught.value, KeyError)
    assert "unit" in tables
    assert "units" not in tables


def test_tables_require_is_a_shorthand() -> None:
    entry = default_tables().require("transport_mode", "3", DAY, field="TrafMode")
    assert entry.name_zh == "铁路运输"


# --- a deployment's own copy -----------------------------------------------------------------


def test_an_edited_copy_overrides_the_shipped_tables(data_copy: Path) -> None:
    path = data_copy / "supervision_mode.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "5034,区内物流货物,zone logistics goods,2000-01-01,,",
        "5034,区内物流货物,zone logistics goods,2000-01-01,2027-01-01,",
    )
    text += "5034,区内物流货物(新),zone logistics goods (renamed),2027-01-01,,test rename\n"
    text += "5999,测试方式,test mode,2026-01-01,,local addition\n"
    path.write_text(text, encoding="utf-8")

    tables = CodeTables.load(data_copy)
    supervision = tables["supervision_mode"]
    assert supervision.require("5999", DAY).name_zh == "测试方式"
    assert supervision.require("5034", DAY).name_zh == "区内物流货物"
    assert supervision.require("5034", dt.date(2027, 1, 1)).name_zh == "区内物流货物(新)"
    assert [entry.effective_from for entry in supervision.history("5034")] == [
        dt.date(2000, 1, 1),
        dt.date(2027, 1, 1),
    ]
    # the shipped data are untouched
    assert default_tables()["supervision_mode"].lookup("5999", DAY) is None


def test_a_copy_missing_a_table_is_refused(data_copy: Path) -> None:
    (data_copy / "incoterm.csv").unlink()
    assert "missing table file(s) incoterm.csv" in str(_refusal(data_copy))


def test_a_file_for_an_undeclared_table_is_refused(data_copy: Path) -> None:
    _write(data_copy, "port", "CNXNG,西宁,Xining,2000-01-01,,")
    error = _refusal(data_copy)
    assert "port.csv" in str(error)
    assert "unknown table 'port'" in str(error)


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    assert "no such directory" in str(_refusal(tmp_path / "nowhere"))


def test_a_byte_order_mark_is_accepted(data_copy: Path) -> None:
    path = data_copy / "incoterm.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert CodeTables.load(data_copy)["incoterm"].require("3", DAY).name_zh == "FOB"


# --- malformed files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "line", "reason"),
    [
        pytest.param(
            ["1,CIF,CIF,2000-13-01,,"],
            3,
            "effective_from '2000-13-01' is not a date",
            id="month 13",
        ),
        pytest.param(
            ["1,CIF,CIF,2000/01/01,,"], 3, "effective_from '2000/01/01' is not a date", id="slashes"
        ),
        pytest.param(
            ["1,CIF,CIF,20000101,,"], 3, "effective_from '20000101' is not a date", id="compact"
        ),
        pytest.param(
            ["1,CIF,CIF,2000-01-01,2001-02-30,"],
            3,
            "effective_to '2001-02-30' is not a date",
            id="30 February",
        ),
        pytest.param(["1,CIF,CIF,,,"], 3, "effective_from is empty", id="no start"),
        pytest.param(
            ["1,CIF,CIF,2001-01-01,2001-01-01,"],
            3,
            "effective_to 2001-01-01 is not after effective_from 2001-01-01",
            id="empty period",
        ),
        pytest.param(
            ["3,FOB,FOB,2000-01-01,", "1,CIF,CIF,2000-01-01,,"],
            3,
            "5 columns, expected 6",
            id="missing column",
        ),
        pytest.param(
            ["3,FOB,FOB,2000-01-01,,", "1,CIF,CIF,2000-01-01,,,extra"],
            4,
            "7 columns, expected 6",
            id="extra column",
        ),
        pytest.param(
            ["3,FOB,FOB,2000-01-01,,", "11,CIF,CIF,2000-01-01,,"],
            4,
            "code '11' is not a valid incoterm code: 1 digit",
            id="code too long",
        ),
        pytest.param(
            [" 1,CIF,CIF,2000-01-01,,"],
            3,
            "code ' 1' is not a valid incoterm code: 1 digit",
            id="code with a space",
        ),
        pytest.param(
            ["１,CIF,CIF,2000-01-01,,"],
            3,
            "code '１' is not a valid incoterm code: 1 digit",
            id="full-width digit",
        ),
        pytest.param(
            [",CIF,CIF,2000-01-01,,"], 3, "code '' is not a valid incoterm code", id="no code"
        ),
        pytest.param(["1,,CIF,2000-01-01,,"], 3, "code 1 has no name_zh", id="no name"),
        pytest.param(
            ["1,CIF,CIF,2000-01-01,,", "3,FOB,FOB,2000-01-01,,", "1,CIF,CIF,2000-01-01,,"],
            5,
            "duplicate entry for code 1 on line 3",
            id="duplicate",
        ),
        pytest.param(
            ["1,CIF,CIF,2000-01-01,2010-01-01,", "1,CIF,CIF,2009-12-31,,"],
            4,
            "period overlaps the entry of code 1 on line 3 "
            "(from 2000-01-01 until 2010-01-01; this one from 2009-12-31)",
            id="overlapping periods",
        ),
        pytest.param(
            ["1,CIF,CIF,2005-01-01,,", "1,CIF,CIF,2000-01-01,2010-01-01,"],
            4,
            "period overlaps the entry of code 1 on line 3",
            id="overlap listed out of order",
        ),
        pytest.param(
            ['1,CIF,"CIF, the usual,2000-01-01,,'], 3, "not a CSV row", id="unclosed quote"
        ),
    ],
)
def test_malformed_rows_are_refused_naming_file_and_line(
    data_copy: Path, rows: list[str], line: int, reason: str
) -> None:
    path = _write(data_copy, "incoterm", *rows)
    error = _refusal(data_copy)
    assert error.code == "code_table_file_error"
    assert (error.file, error.line) == (str(path), line)
    assert str(error).startswith(f"{path}, line {line}: ")
    assert reason in error.problem


def test_consecutive_periods_are_not_an_overlap(data_copy: Path) -> None:
    _write(
        data_copy,
        "incoterm",
        "1,CIF,CIF,2000-01-01,2010-01-01,",
        "1,CIF(新),CIF (renamed),2010-01-01,,",
    )
    incoterm = CodeTables.load(data_copy)["incoterm"]
    assert incoterm.require("1", dt.date(2009, 12, 31)).name_zh == "CIF"
    assert incoterm.require("1", dt.date(2010, 1, 1)).name_zh == "CIF(新)"


def test_a_wrong_header_is_refused(data_copy: Path) -> None:
    path = data_copy / "incoterm.csv"
    path.write_text("# comment\ncode,name,effective_from\n1,CIF,2000-01-01\n", encoding="utf-8")
    error = _refusal(data_copy)
    assert (error.file, error.line) == (str(path), 2)
    assert "the first row must be the header" in error.problem


def test_a_table_without_entries_is_refused(data_copy: Path) -> None:
    _write(data_copy, "incoterm")
    assert "the table has no entries" in str(_refusal(data_copy))


def test_a_file_that_is_not_utf8_is_refused(data_copy: Path) -> None:
    path = data_copy / "incoterm.csv"
    path.write_bytes(f"{HEADER}\n3,FOB,FOB,2000-01-01,,\n6,垫仓,x,2000-01-01,,\n".encode("gbk"))
    error = _refusal(data_copy)
    assert error.file == str(path)
    assert "not UTF-8" in error.problem


def test_comments_blank_lines_and_quoted_commas_are_read(data_copy: Path) -> None:
    _write(
        data_copy,
        "incoterm",
        "",
        "# a comment between entries",
        '1,CIF,"cost, insurance, freight",2000-01-01,,"note, with commas"',
        "   # an indented comment",
    )
    entry = CodeTables.load(data_copy)["incoterm"].require("1", DAY)
    assert entry.name_en == "cost, insurance, freight"
    assert entry.note == "note, with commas"


# --- property: lookup agrees with a scan of the entries ---------------------------------------


def _scan(table: CodeTable, code: str, on: dt.date) -> CodeEntry | None:
    found = [
        entry
        for entry in table.entries
        if entry.code == code
        and entry.effective_from <= on
        and (entry.effective_to is None or on < entry.effective_to)
    ]
    assert len(found) <= 1
    return found[0] if found else None


_days = st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2040, 12, 31))
# Any text of up to 5 characters, as st.text(max_size=5) draws it: every code point but
# the surrogates. Its default alphabet, characters(codec="utf-8"), is that same set, but
# the codec has hypothesis work its table out from every code point (2.5 s of CPU) in a
# process that asks for it before one has stored it in .hypothesis/ (a clean clone).
_any_code = st.text(st.characters(exclude_categories=["Cs"]), max_size=5)


@functools.cache
def _codes(table: str) -> st.SearchStrategy[str]:
    """One of the table's codes, or any text: built once per table, not per example
    (validating a new strategy was half of what an example cost)."""
    return st.sampled_from(sorted(default_tables()[table].codes())) | _any_code


@given(data=st.data(), on=_days)
def test_lookup_in_the_shipped_tables_agrees_with_a_scan(data: st.DataObject, on: dt.date) -> None:
    tables = default_tables()
    table = tables[data.draw(st.sampled_from(tables.names()), label="table")]
    code = data.draw(_codes(table.name), label="code")
    assert table.lookup(code, on) == _scan(table, code, on)
    assert (code in table.codes_in_force(on)) == (_scan(table, code, on) is not None)


@st.composite
def _histories(draw: st.DrawFn) -> list[tuple[str, dt.date, dt.date | None]]:
    """Codes with consecutive or gapped, never overlapping, periods."""
    rows: list[tuple[str, dt.date, dt.date | None]] = []
    for code in draw(st.lists(st.sampled_from("0123456789"), min_size=1, max_size=5, unique=True)):
        bounds = sorted(draw(st.sets(_days, min_size=1, max_size=6)))
        open_ended = draw(st.booleans())
        ends: list[dt.date | None] = [*bounds[1:], None] if open_ended else [*bounds[1:]]
        for start, end in zip(bounds, ends, strict=False):
            if draw(st.booleans()) or end is None:  # leave some gaps between periods
                rows.append((code, start, end))
    return rows


@settings(max_examples=examples(60), deadline=None)
@given(history=_histories(), days=st.lists(_days, min_size=1, max_size=10))
def test_lookup_in_a_written_table_agrees_with_a_scan(
    history: list[tuple[str, dt.date, dt.date | None]], days: list[dt.date]
) -> None:
    with (
        as_file(files("codetables").joinpath("data")) as shipped,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(shutil.copytree(shipped, Path(tmp) / "data"))
        rows = [
            f"{code},名{code},name {code},{start},{end.isoformat() if end else ''},"
            for code, start, end in history
        ]
        _write(folder, "incoterm", *(rows or ["9,其他,other,2000-01-01,,"]))
        table = CodeTables.load(folder)["incoterm"]
    assert len(table.entries) == max(len(rows), 1)
    for on in days:
        for code in "0123456789":
            assert table.lookup(code, on) == _scan(table, code, on)
