"""Which fields of which messages take their codes from which table, and the check.

A message is checked against the tables in force on a day (the declaration day):
each problem names the table, the code and the element path, so a filer and the
simulated customs say the same thing, e.g. ``InvtMessage/InvtListType[2]/DclUnitcd:
unit: code 999 is not in the table``. A country or currency written in letters (CHN,
USD) is checked against its letter table (``country_letter``, ``currency_letter``), in
digits against the numeric one: real files write both (:mod:`codetables.systems`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from codetables.systems import table_for
from codetables.tables import CodeTables, UnknownCode
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.declaration import DeclarationMessage
from schemas.messages.gate_pass import GatePassUpload

Checked = BondedListUpload | GatePassUpload | DeclarationMessage


@dataclass(frozen=True)
class CodeProblem:
    table: str
    code: str
    field: str  # element path
    reason: str


# (table, element, attribute) for the head and for each line.
_INVT_HEAD = (
    ("supervision_mode", "SupvModecd", "supv_modecd"),
    ("transport_mode", "TrspModecd", "trsp_modecd"),
    ("customs_district", "DclPlcCuscd", "dcl_plc_cuscd"),
    ("customs_district", "ImpexpPortcd", "impexp_portcd"),
    ("country", "StshipTrsarvNatcd", "stship_trsarv_natcd"),
)
_INVT_LINE = (
    ("unit", "DclUnitcd", "dcl_unitcd"),
    ("unit", "LawfUnitcd", "lawf_unitcd"),
    ("unit", "SecdLawfUnitcd", "secd_lawf_unitcd"),
    ("country", "Natcd", "natcd"),
    ("country", "DestinationNatcd", "destination_natcd"),
    ("currency", "DclCurrcd", "dcl_currcd"),
    ("duty_treatment", "LvyrlfModecd", "lvyrlf_modecd"),
)
_PASS_HEAD = (("customs_district", "MasterCuscd", "master_cuscd"),)
_PASS_LINE = (("unit", "DclUnitcd", "dcl_unitcd"),)
_DEC_HEAD = (
    ("customs_district", "CustomMaster", "custom_master"),
    ("customs_district", "IEPort", "ie_port"),
    ("country", "TradeCountry", "trade_country"),
    ("country", "TradeAreaCode", "trade_area_code"),
    ("supervision_mode", "TradeMode", "trade_mode"),
    ("transport_mode", "TrafMode", "traf_mode"),
    ("incoterm", "TransMode", "trans_mode"),
    ("currency", "FeeCurr", "fee_curr"),
    ("currency", "InsurCurr", "insur_curr"),
    ("currency", "OtherCurr", "other_curr"),
)
_DEC_LINE = (
    ("country", "OriginCountry", "origin_country"),
    ("country", "DestinationCountry", "destination_country"),
    ("currency", "TradeCurr", "trade_curr"),
    ("unit", "GUnit", "g_unit"),
    ("unit", "FirstUnit", "first_unit"),
    ("unit", "SecondUnit", "second_unit"),
    ("duty_treatment", "DutyMode", "duty_mode"),
)


# Book numbers (备案号) of heads: their first letter is a book type (book_type table).
_BOOKS = (
    ("PutrecNo", "putrec_no"),
    ("RltPutrecNo", "rlt_putrec_no"),
    ("AreainOriactNo", "areain_oriact_no"),
    ("ManualNo", "manual_no"),
)


def _fields(message: Checked) -> Iterator[tuple[str, str, str]]:
    """(table, code, path) of every coded field that is set."""
    groups: list[tuple[str, object, tuple[tuple[str, str, str], ...]]] = []
    if isinstance(message, BondedListUpload):
        groups.append(("InvtMessage/InvtHeadType", message.message.head, _INVT_HEAD))
        groups.extend(
            (f"InvtMessage/InvtListType[{index}]", line, _INVT_LINE)
            for index, line in enumerate(message.message.lines, start=1)
        )
    elif isinstance(message, GatePassUpload):
        groups.append(("PassPortMessage/PassportHead", message.message.head, _PASS_HEAD))
        groups.extend(
            (f"PassPortMessage/PassportList[{index}]", line, _PASS_LINE)
            for index, line in enumerate(message.message.lines, start=1)
        )
    else:
        groups.append(("DecMessage/DecHead", message.head, _DEC_HEAD))
        groups.extend(
            (f"DecMessage/DecLists/DecList[{index}]", line, _DEC_LINE)
            for index, line in enumerate(message.lines, start=1)
        )
    for prefix, part, fields in groups:
        for table, element, attribute in fields:
            code = getattr(part, attribute)
            if code is not None:  # a letter code against the letter table (CHN: country_letter)
                yield table_for(table, str(code)), str(code), f"{prefix}/{element}"
        for element, attribute in _BOOKS:
            book_no = getattr(part, attribute, None)
            if book_no is not None:  # the type letter of a book number (备案号)
                yield "book_type", str(book_no)[0], f"{prefix}/{element}"


def code_problems(message: Checked, tables: CodeTables, *, on: dt.date) -> list[CodeProblem]:
    """Every coded field whose code is not in force on ``on``, in document order."""
    problems = []
    for table, code, path in _fields(message):
        try:
            tables[table].require(code, on, field=path)
        except UnknownCode as error:
            problems.append(CodeProblem(table=table, code=code, field=path, reason=error.reason))
    return problems


def check_codes(message: Checked, tables: CodeTables, *, on: dt.date) -> None:
    """Raise UnknownCode for the first code not in force, naming table, code and path."""
    for table, code, path in _fields(message):
        tables[table].require(code, on, field=path)
