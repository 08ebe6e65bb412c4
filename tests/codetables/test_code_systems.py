"""Countries and currencies in two code systems: the customs numeric codes (142 China,
502 US dollar) and the single window's letter codes since the 2018 reform (CHN, USD).

Each system has its dated table; a dated correspondence pairs them (from the single
window's parameter tables, column 原报关代码). Real files write either, sometimes both in
one file; a check looks a code up in its own system's table, and bondflow converts and
compares codes through one module, codetables.systems."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from codetables import (
    AmbiguousCode,
    CodeTableFileError,
    CodeTables,
    UnknownCode,
    default_tables,
)
from codetables.checks import code_problems
from codetables.systems import (
    CHINA,
    CodeSystem,
    same_country,
    same_currency,
    system_of,
    table_for,
    to_letter_country,
    to_letter_currency,
    to_numeric_country,
    to_numeric_currency,
    written_like,
)
from customs.drafting import BookFacts, entry_list, transfer_list
from demo import ids
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryLine,
    MaterialValue,
    TransferDraft,
    TransferLine,
    Vehicle,
)
from schemas.messages.codes import DeclarationKind
from schemas.messages.declaration import DeclarationMessage
from schemas.snapshots import ItemRecord, PartyRecord
from tests.support import messages

DAY = dt.date(2026, 11, 28)
BEFORE_THE_REFORM = dt.date(2018, 2, 6)  # loop_server's numeric DecMessage files
PAIRS_HEADER = "letter,numeric,preferred,effective_from,effective_to,note"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    with as_file(files("codetables").joinpath("data")) as shipped:
        return Path(shutil.copytree(shipped, tmp_path / "codetables"))


def _write_pairs(folder: Path, table: str, *rows: str) -> Path:
    path = folder / "correspondence" / f"{table}.csv"
    path.write_text("\n".join(["# test pairs", PAIRS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# --- the shipped tables ----------------------------------------------------------------


def test_the_letter_tables_hold_the_single_windows_codes_with_their_names() -> None:
    tables = default_tables()
    china = tables["country_letter"].require("CHN", DAY)
    assert (china.name_zh, china.name_en) == ("中国", "China")
    assert tables["country_letter"].require("DEU", DAY).name_zh == "德国"
    assert tables["currency_letter"].require("USD", DAY).name_zh == "美元"
    assert len(tables["country_letter"]) == 265
    assert len(tables["currency_letter"]) == 22


def test_every_letter_code_in_force_has_exactly_one_numeric_code_and_back() -> None:
    tables = default_tables()
    for numeric_table, letter_table in (
        ("country", "country_letter"),
        ("currency", "currency_letter"),
    ):
        for letter in tables[letter_table].codes_in_force(DAY):
            numeric = tables.correspondence(numeric_table).to_numeric(letter, DAY)
            assert tables[numeric_table].lookup(numeric, DAY) is not None, (letter, numeric)


@pytest.mark.parametrize(
    ("letter", "numeric"),
    [
        ("CHN", "142"),
        ("USA", "502"),
        ("DEU", "304"),
        ("RUS", "344"),
        ("JPN", "116"),
        ("HKG", "110"),
        ("KAZ", "145"),
        ("NPL", "125"),
        ("GBR", "303"),
        ("ZZZ", "701"),
    ],
)
def test_country_codes_convert_both_ways(letter: str, numeric: str) -> None:
    assert to_numeric_country(letter, DAY) == numeric
    assert to_letter_country(numeric, DAY) == letter


@pytest.mark.parametrize(
    ("letter", "numeric"),
    [
        ("CNY", "142"),
        ("USD", "502"),
        ("EUR", "300"),
        ("JPY", "116"),
        ("HKD", "110"),
        ("GBP", "303"),
        ("RUB", "344"),
        ("KRW", "133"),
    ],
)
def test_currency_codes_convert_both_ways(letter: str, numeric: str) -> None:
    assert to_numeric_currency(letter, DAY) == numeric
    assert to_letter_currency(numeric, DAY) == letter


def test_a_code_already_in_the_asked_system_comes_back_as_it_is() -> None:
    assert to_numeric_country("304", DAY) == "304"
    assert to_letter_currency("USD", DAY) == "USD"


def test_a_numeric_code_shared_by_several_letters_converts_to_the_preferred_one() -> None:
    # Given the old table's one code 499 for "other Latin America" (AIA, BLM, FLK...)
    assert to_numeric_country("AIA", DAY) == "499"
    assert to_numeric_country("BLM", DAY) == "499"
    # When 499 is converted, then it is the group's own code, not one of its members
    assert to_letter_country("499", DAY) == "ZSA"
    assert to_letter_country("326", DAY) == "NOR"  # Norway, whose code Bouvet Island shares


def test_a_shared_numeric_code_without_a_preferred_letter_is_refused_naming_the_candidates() -> (
    None
):
    # 449, the former Netherlands Antilles: Bonaire... or Sint Maarten, nobody can say which.
    with pytest.raises(AmbiguousCode) as caught:
        to_letter_country("449", DAY)
    assert "BES, SXM" in str(caught.value)
    assert caught.value.table == "country"
    assert isinstance(caught.value, UnknownCode)


def test_before_the_reform_a_letter_code_has_no_numeric_code() -> None:
    with pytest.raises(
        UnknownCode, match=r"code CHN has no country code on 2018-02-06 \(from 2018-08-01\)"
    ):
        to_numeric_country("CHN", BEFORE_THE_REFORM)


def test_a_code_of_neither_form_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="neither 3 digits nor 3 capitals"):
        to_numeric_country("de", DAY)


def test_codes_compare_in_one_system_whatever_each_is_written_in() -> None:
    assert same_country("DEU", "304", DAY)
    assert same_country("304", "DEU", DAY)
    assert not same_country("DEU", "305", DAY)
    assert same_country("AIA", "499", DAY)  # 499 covers Anguilla
    assert not same_country("AIA", "BLM", DAY)  # two letters are two places
    assert same_currency("USD", "502", DAY)
    assert not same_currency("USD", "142", DAY)


def test_a_code_is_written_in_the_system_of_its_neighbours() -> None:
    assert written_like("country", CHINA, "DEU", DAY) == "CHN"
    assert written_like("country", CHINA, "304", DAY) == "142"
    assert written_like("country", CHINA, "USD", DAY) == "CHN"  # a currency says it too


def test_the_system_of_a_code_and_the_table_that_checks_it() -> None:
    assert system_of("142") is CodeSystem.NUMERIC
    assert system_of("CHN") is CodeSystem.LETTER
    assert system_of("C1N") is None
    assert table_for("country", "CHN") == "country_letter"
    assert table_for("currency", "USD") == "currency_letter"
    assert table_for("country", "142") == "country"
    assert table_for("transport_mode", "W") == "transport_mode"  # one system only


# --- transport modes: one system ---------------------------------------------------------


def test_transport_letters_were_customs_codes_before_the_reform_and_only_g_and_l_are_new() -> None:
    transport = default_tables()["transport_mode"]
    # Given a DecMessage of February 2018 with numeric countries and TrafMode W
    assert transport.lookup("W", BEFORE_THE_REFORM) is not None
    assert transport.lookup("Y", BEFORE_THE_REFORM) is not None
    # The merged table added G (fixed installation) and L (carried by passengers), both 9 before
    assert transport.lookup("G", BEFORE_THE_REFORM) is None
    assert transport.lookup("L", BEFORE_THE_REFORM) is None
    assert transport.lookup("G", DAY) is not None


# --- checks --------------------------------------------------------------------------------


def _declaration_in_letters(**head: str) -> DeclarationMessage:
    declaration = messages.declaration(lines=1)
    lines = tuple(
        line.model_copy(
            update={"origin_country": "CHN", "destination_country": "DEU", "trade_curr": "USD"}
        )
        for line in declaration.lines
    )
    changes = {"trade_country": "DEU", "fee_curr": "CNY"} | head
    return declaration.model_copy(
        update={"head": declaration.head.model_copy(update=changes), "lines": lines}
    )


def test_a_declaration_in_letter_codes_passes_the_check_against_the_letter_tables() -> None:
    assert code_problems(_declaration_in_letters(), default_tables(), on=DAY) == []


def test_an_unknown_letter_code_is_refused_naming_the_letter_table_and_the_element() -> None:
    problems = code_problems(_declaration_in_letters(trade_country="XXX"), default_tables(), on=DAY)
    assert [(p.table, p.code, p.field) for p in problems] == [
        ("country_letter", "XXX", "DecMessage/DecHead/TradeCountry")
    ]
    assert problems[0].reason == "country_letter: code XXX is not in the table (on 2026-11-28)"


def test_letter_codes_are_refused_on_a_day_before_the_reform() -> None:
    problems = code_problems(_declaration_in_letters(), default_tables(), on=BEFORE_THE_REFORM)
    assert {(p.table, p.code) for p in problems} == {
        ("country_letter", "DEU"),
        ("country_letter", "CHN"),
        ("currency_letter", "USD"),
        ("currency_letter", "CNY"),
    }
    assert "is not in force on 2018-02-06 (from 2018-08-01)" in problems[0].reason


def test_a_list_mixing_both_systems_as_real_2019_files_do_passes_the_check() -> None:
    # BeeCustom's 2019 INV101: Natcd CHN and DclCurrcd USD, DestinationNatcd 142.
    upload = messages.bonded_list(lines=1)
    line = upload.message.lines[0].model_copy(
        update={"natcd": "CHN", "dcl_currcd": "USD", "destination_natcd": "142"}
    )
    mixed = upload.model_copy(
        update={"message": upload.message.model_copy(update={"lines": (line,)})}
    )
    assert code_problems(mixed, default_tables(), on=DAY) == []


# --- a deployment's copy --------------------------------------------------------------------


def test_a_pair_naming_a_code_missing_from_its_table_is_refused_with_its_line(
    data_copy: Path,
) -> None:
    path = _write_pairs(data_copy, "country", "CHN,142,,2018-08-01,,中国", "QQQ,304,,2018-08-01,,?")
    with pytest.raises(CodeTableFileError) as caught:
        CodeTables.load(data_copy)
    assert (caught.value.file, caught.value.line) == (str(path), 4)
    assert caught.value.problem == "letter code 'QQQ' is not in country_letter"


def test_two_preferred_letters_for_one_numeric_code_are_refused(data_copy: Path) -> None:
    _write_pairs(
        data_copy, "country", "ZSA,499,yes,2018-08-01,,其他", "AIA,499,yes,2018-08-01,,安圭拉"
    )
    with pytest.raises(CodeTableFileError, match=r"duplicate preferred pair for numeric code 499"):
        CodeTables.load(data_copy)


def test_a_letter_with_two_numeric_codes_on_one_day_is_refused(data_copy: Path) -> None:
    _write_pairs(data_copy, "currency", "USD,502,,2018-08-01,,美元", "USD,142,,2020-01-01,,?")
    with pytest.raises(CodeTableFileError, match="period overlaps the pair of letter code USD"):
        CodeTables.load(data_copy)


def test_a_copy_without_its_correspondences_is_refused(data_copy: Path) -> None:
    (data_copy / "correspondence" / "currency.csv").unlink()
    with pytest.raises(
        CodeTableFileError, match=r"missing correspondence file correspondence/currency\.csv"
    ):
        CodeTables.load(data_copy)


def test_an_edited_pair_changes_the_conversion_from_its_day(data_copy: Path) -> None:
    # Given a deployment that learns customs will write 449 as SXM from 2027
    path = data_copy / "correspondence" / "country.csv"
    text = path.read_text(encoding="utf-8").replace(
        "SXM,449,,2018-08-01,,", "SXM,449,,2018-08-01,2027-01-01,"
    )
    path.write_text(text + "SXM,449,yes,2027-01-01,,荷属圣马丁岛\n", encoding="utf-8")
    tables = CodeTables.load(data_copy)
    # Then 449 converts from that day on, and is still refused before it
    assert to_letter_country("449", dt.date(2027, 1, 1), tables) == "SXM"
    with pytest.raises(AmbiguousCode):
        to_letter_country("449", DAY, tables)


# --- drafting: China in the document's own system -----------------------------------------

OWNER = PartyRecord(ids.SOLAR_CUSTOMS_CODE, messages.MAKER_SCC, messages.MAKER_NAME)
AGENT = PartyRecord(ids.AGENT_CUSTOMS_CODE, messages.AGENT_SCC, messages.AGENT_NAME)
BOOK = BookFacts(book_no=ids.SOLAR_BOOK, district=ids.DISTRICT, owner=OWNER)
MODULE = ItemRecord(
    item_no=ids.MODULE,
    part_no="TSM-DE19",
    hs_code="8541430000",
    name="光伏组件",
    specification="",
    declared_unit="007",
    first_legal_unit="007",
    first_legal_factor=Decimal(1),
    second_legal_unit=None,
    second_legal_factor=None,
    is_finished_good=True,
)
AT = dt.datetime(2026, 11, 28, 9, 0, tzinfo=ids.SHANGHAI)


def _sale(currency: str, origin: str) -> DomesticSaleDraft:
    return DomesticSaleDraft(
        inner_no="SALE-CODES-1",
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        buyer="青海光伏电站建设有限公司",
        exchange_rate=Decimal("7.123400"),
        lines=(
            EntryLine(
                item_no=ids.MODULE,
                lot_no=ids.MODULE_LOT,
                location=ids.FINISHED_GOODS,
                quantity=Decimal(50),
                unit_price=Decimal("72.5000"),
                currency=currency,
                origin_country=origin,
                gross_weight=Decimal("1525"),
                net_weight=Decimal("1375"),
            ),
        ),
        material_values=(
            MaterialValue(item_no=ids.CELLS, unit_price=Decimal("0.0812"), currency=currency),
        ),
        vehicle=Vehicle(vehicle_no="青A·K7310", vehicle_weight=Decimal("8600")),
        filed_by="filer-li",
    )


@pytest.mark.parametrize(
    ("currency", "origin", "china"), [("502", "142", "142"), ("USD", "CHN", "CHN")]
)
def test_a_domestic_sale_names_china_in_the_system_of_its_own_codes(
    currency: str, origin: str, china: str
) -> None:
    upload = entry_list(
        _sale(currency, origin),
        book=BOOK,
        declarant=AGENT,
        items={ids.MODULE: MODULE},
        change_count=0,
        kind=DeclarationKind.FILE,
        at=AT,
    )
    assert upload.message.head.stship_trsarv_natcd == china
    assert upload.message.lines[0].destination_natcd == china
    assert code_problems(upload, default_tables(), on=AT.date()) == []


def test_an_in_zone_transfer_in_letter_codes_says_china_in_letters() -> None:
    draft = TransferDraft(
        transfer_no="TR-CODES-1",
        from_book_no=ids.SOLAR_BOOK,
        to_book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5034",
        lines=(
            TransferLine(
                from_item_no=ids.MODULE,
                from_lot_no=ids.MODULE_LOT,
                from_location=ids.FINISHED_GOODS,
                to_item_no=ids.MODULE,
                to_lot_no="MOD-CODES-1",
                to_location=ids.FINISHED_GOODS,
                quantity=Decimal(5),
                unit_price=Decimal("72.5000"),
                currency="USD",
            ),
        ),
        filed_by="filer-li",
    )
    upload = transfer_list(
        draft,
        side="out",
        book=BOOK,
        partner=BOOK,
        declarant=AGENT,
        items={ids.MODULE: MODULE},
        change_count=0,
        at=AT,
    )
    assert upload.message.head.stship_trsarv_natcd == "CHN"
    assert upload.message.lines[0].natcd == "CHN"
