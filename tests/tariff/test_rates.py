"""Dated tariff rates (税率表): duty, consumption tax and VAT rates by HS code and day.

A rate line is in force from its effective_from date up to, not including, its
effective_to date. A code with no line in force on the day is refused with UnknownTariff
naming the code and the day. The shipped file can be replaced by a deployment's edited
copy; a malformed file is refused when loaded, naming the file, the line and the reason.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from schemas.errors import BondflowError
from tariff import (
    COLUMNS,
    TariffFileError,
    TariffRate,
    TariffTable,
    UnknownTariff,
    default_tariff,
)

D = Decimal
DAY = dt.date(2026, 3, 1)
HEADER = ",".join(COLUMNS)
GOOD = "8541430000,光伏组件,0,0,0.13,2022-01-01,,test"


def _write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text("\n".join(["# test rates", header, *rows]) + "\n", encoding="utf-8")
    return path


def _refusal(path: Path) -> TariffFileError:
    with pytest.raises(TariffFileError) as caught:
        TariffTable.load(path)
    return caught.value


# --- the shipped rates ----------------------------------------------------------------------


def test_the_shipped_rates_load_once() -> None:
    tariff = default_tariff()
    assert tariff is default_tariff()
    assert len(tariff) >= 10
    assert str(tariff.source).endswith("rates.csv")


@pytest.mark.parametrize(
    ("hs_code", "name_zh", "duty", "consumption", "vat"),
    [
        ("8541420000", "光伏电池片", "0", "0", "0.13"),
        ("8541430000", "光伏组件", "0", "0", "0.13"),
        ("7007190000", "钢化玻璃", "0.10", "0", "0.13"),
        ("3920109090", "EVA胶膜", "0.065", "0", "0.13"),
        ("7604291000", "铝型材边框", "0.07", "0", "0.13"),
        ("8536909000", "接线盒", "0.08", "0", "0.13"),
        ("0409000000", "天然蜂蜜", "0.15", "0", "0.09"),
        ("1211903999", "中药材", "0.06", "0", "0.09"),
        ("2208300000", "威士忌", "0.05", "0.20", "0.13"),
    ],
)
def test_the_demo_goods_have_rates(
    hs_code: str, name_zh: str, duty: str, consumption: str, vat: str
) -> None:
    rate = default_tariff().rate_for(hs_code, DAY)
    assert (rate.name_zh, rate.duty_rate, rate.consumption_rate, rate.vat_rate) == (
        name_zh,
        D(duty),
        D(consumption),
        D(vat),
    )
    assert rate.unverified  # none of the shipped rates is confirmed yet


def test_the_rate_follows_the_day_across_a_dated_change() -> None:
    """Honey's VAT went from 10 % to 9 % on 2019-04-01: the day before is the old line's
    last day, the day itself is the new line's first."""
    tariff = default_tariff()
    before = tariff.rate_for("0409000000", dt.date(2019, 3, 31))
    after = tariff.rate_for("0409000000", dt.date(2019, 4, 1))
    assert (before.vat_rate, after.vat_rate) == (D("0.10"), D("0.09"))
    assert before.effective_to == after.effective_from == dt.date(2019, 4, 1)
    assert [line.vat_rate for line in tariff.history("0409000000")] == [D("0.10"), D("0.09")]


def test_a_rate_line_gives_its_tax_bill() -> None:
    """Whisky CIF 10,000.00: 500.00 duty + 2,625.00 consumption tax + 1,706.25 VAT."""
    bill = default_tariff().rate_for("2208300000", DAY).tax_bill(D("10000.00"))
    assert (bill.duty, bill.consumption_tax, bill.vat, bill.total) == (
        D("500.00"),
        D("2625.00"),
        D("1706.25"),
        D("4831.25"),
    )


# --- unknown codes ------------------------------------------------------------------------------


def test_an_unknown_code_names_the_code_and_the_day() -> None:
    with pytest.raises(UnknownTariff) as caught:
        default_tariff().rate_for("8541490000", DAY, field="DecList[1]/CodeTS")
    error = caught.value
    assert isinstance(error, BondflowError)
    assert (error.hs_code, error.on, error.field) == ("8541490000", DAY, "DecList[1]/CodeTS")
    assert str(error) == (
        "DecList[1]/CodeTS: HS code 8541490000 is not in the tariff (on 2026-03-01)"
    )


def test_a_code_outside_its_periods_lists_them() -> None:
    with pytest.raises(
        UnknownTariff,
        match=r"HS code 0409000000 has no tariff rate on "
        r"2010-01-01 \(from 2018-05-01 until 2019-04-01; from 2019-04-01\)",
    ):
        default_tariff().rate_for("0409000000", dt.date(2010, 1, 1))


def test_a_malformed_code_says_what_a_code_looks_like() -> None:
    with pytest.raises(UnknownTariff, match=r"HS code '8541 4300' .*HS codes are 10 digits"):
        default_tariff().rate_for("8541 4300", DAY)


def test_a_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match=r"datetime\.date"):
        default_tariff().rate_for("8541430000", dt.datetime(2026, 3, 1, tzinfo=dt.UTC))


# --- a deployment's own file ----------------------------------------------------------------


def test_an_edited_copy_loads(tmp_path: Path) -> None:
    with as_file(files("tariff").joinpath("data").joinpath("rates.csv")) as shipped:
        copy = Path(shutil.copy(shipped, tmp_path / "rates.csv"))
    with copy.open("a", encoding="utf-8") as out:
        out.write("8541490000,其他光敏半导体器件,0,0,0.13,2026-01-01,,added\n")
    tariff = TariffTable.load(copy)
    assert len(tariff) == len(default_tariff()) + 1
    assert tariff.rate_for("8541490000", DAY).name_zh == "其他光敏半导体器件"
    assert not tariff.rate_for("8541490000", DAY).unverified


def test_a_byte_order_mark_and_quoted_notes_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "\ufeff" + HEADER + '\n0409000000,天然蜂蜜,0.15,0,0.09,2019-04-01,,"a, b"\n',
        encoding="utf-8",
    )
    rate = TariffTable.load(path).rate_for("0409000000", DAY)
    assert rate == TariffRate(
        hs_code="0409000000",
        name_zh="天然蜂蜜",
        duty_rate=D("0.15"),
        consumption_rate=D(0),
        vat_rate=D("0.09"),
        effective_from=dt.date(2019, 4, 1),
        effective_to=None,
        note="a, b",
    )


@pytest.mark.parametrize(
    ("row", "line", "problem"),
    [
        ("854143000,光伏组件,0,0,0.13,2022-01-01,,", 3, "HS code '854143000' is not 10 digits"),
        ("85414300０0,光伏组件,0,0,0.13,2022-01-01,,", 3, "is not 10 digits"),  # full-width 0
        ("8541.43.00,光伏组件,0,0,0.13,2022-01-01,,", 3, "is not 10 digits"),
        ("8541430000,,0,0,0.13,2022-01-01,,", 3, "has no name_zh"),
        ("8541430000,光伏组件,13%,0,0.13,2022-01-01,,", 3, "duty_rate '13%' is not a rate"),
        ("8541430000,光伏组件,0,0,13,2022-01-01,,", 3, "vat_rate 13 is not below 1"),
        ("8541430000,光伏组件,0,1e-2,0.13,2022-01-01,,", 3, "consumption_rate '1e-2'"),
        ("8541430000,光伏组件,0,,0.13,2022-01-01,,", 3, "consumption_rate '' is not a rate"),
        ("8541430000,光伏组件,0.1234567,0,0.13,2022-01-01,,", 3, "more than 6 decimal places"),
        ("8541430000,光伏组件,0,0,0.13,2022/01/01,,", 3, "effective_from '2022/01/01'"),
        ("8541430000,光伏组件,0,0,0.13,2022-02-30,,", 3, "effective_from '2022-02-30'"),
        ("8541430000,光伏组件,0,0,0.13,,,", 3, "effective_from is empty"),
        ("8541430000,光伏组件,0,0,0.13,2022-01-01,2022-01-01,", 3, "is not after"),
        ("8541430000,光伏组件,0,0,0.13,2022-01-01", 3, "6 columns, expected 8"),
        ('8541430000,"光伏组件,0,0,0.13,2022-01-01,,', 3, "not a CSV row"),
    ],
)
def test_a_malformed_line_is_refused_naming_file_and_line(
    tmp_path: Path, row: str, line: int, problem: str
) -> None:
    path = _write(tmp_path, row)
    error = _refusal(path)
    assert (error.file, error.line) == (str(path), line)
    assert problem in error.problem
    assert str(error).startswith(f"{path}, line {line}: ")


def test_a_duplicate_line_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, GOOD, "# again", GOOD))
    assert error.line == 5
    assert "duplicate line for HS code 8541430000 on line 3" in error.problem


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    error = _refusal(
        _write(
            tmp_path,
            "0409000000,天然蜂蜜,0.15,0,0.10,2018-05-01,2019-04-02,",
            "0409000000,天然蜂蜜,0.15,0,0.09,2019-04-01,,",
        )
    )
    assert error.line == 4
    assert "period overlaps the line of HS code 0409000000 on line 3" in error.problem


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    error = _refusal(
        _write(tmp_path, GOOD, header="hs_code,name,duty,consumption,vat,from,to,note")
    )
    assert error.line == 2
    assert "header" in error.problem


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    assert "no rate lines" in _refusal(_write(tmp_path)).problem
    assert "no such file" in _refusal(tmp_path / "absent.csv").problem
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        HEADER.encode() + "\n8541430000,\xe9,0,0,0.13,2022-01-01,,\n".encode("latin-1")
    )
    assert "not UTF-8" in _refusal(latin).problem


def test_a_table_refuses_overlapping_lines_given_in_code() -> None:
    line = TariffRate(
        hs_code="8541430000",
        name_zh="光伏组件",
        duty_rate=D(0),
        consumption_rate=D(0),
        vat_rate=D("0.13"),
        effective_from=dt.date(2022, 1, 1),
        effective_to=None,
        note="",
    )
    with pytest.raises(ValueError, match="overlap"):
        TariffTable([line, line])
