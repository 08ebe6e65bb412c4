"""Formats of customs identifiers: one rule per identifier, used everywhere it is accepted.

Each identifier has a pattern (a regular expression over ASCII, written the way an XSD
``xs:pattern`` and an OpenAPI ``pattern`` can carry it) and a check that says in words
what is wrong. ``schemas/identifiers.py`` turns these into annotated types; nothing
else in bondflow writes these patterns again.

Only exact forms are accepted; nothing is trimmed, upper-cased or otherwise repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from rules.credit_code import CreditCodeError, validate_credit_code


class IdentifierError(ValueError):
    """An identifier that does not have the form customs expects."""


@dataclass(frozen=True)
class IdentifierRule:
    """One identifier's form: its name, the pattern and the pattern in words."""

    name: str
    pattern: str  # anchored, ASCII only
    form: str  # "must be ..." in plain words

    def check(self, value: str) -> str:
        if not re.fullmatch(self.pattern, value, flags=re.ASCII):
            raise IdentifierError(f"{self.name} must be {self.form}, got {value!r}")
        return value


CUSTOMS_CODE: Final = IdentifierRule(
    "an enterprise customs code (海关编码)",
    r"^[0-9]{4}[0-9A-Z]{6}$",
    "10 characters: a 4-digit customs district code, then 6 digits or capitals",
)
CREDIT_CODE: Final = IdentifierRule(
    "a unified social credit code (统一社会信用代码)",
    r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    "18 characters of GB 32100: digits and capitals (no I, O, Z, S, V), "
    "the 3rd to 8th an administrative division code",
)
CUSTOMS_DISTRICT: Final = IdentifierRule(
    "a customs district code (关区代码)", r"^[0-9]{4}$", "4 digits"
)
HS_CODE: Final = IdentifierRule(
    "a commodity code (商品编码)", r"^[0-9]{10}$", "10 digits (the Chinese tariff code)"
)
BOOK_NO: Final = IdentifierRule(
    "a book number (账册/手册编号)",
    r"^[A-Z][0-9]{4}[0-9A-Z]{7}$",
    "12 characters: the book type letter, the 4-digit customs district, then 7 digits or capitals",
)
"""Account book or manual number (账册号 / 手册号, 备案号).

Real numbers: ``H9601W104420`` (a zone processing book), ``T3111W000076`` (a logistics
book), ``C520719A0017`` (进料加工手册), ``B520819A0010`` (来料加工手册). The form is
the old H883 rule kept by H2000 and the golden-customs-II system: one type letter,
the district (关区) of the customs office that registered it, then seven digits or
capitals (the year and a kind letter, or a sequence). Which letters exist and what
they mean is data (``codetables/data/book_type.csv``), not this pattern: customs
adds book types, and a related book (RltPutrecNo) may be of any of them."""
BONDED_LIST_NO: Final = IdentifierRule(
    "a bonded list number (核注清单编号)",
    r"^QD[0-9]{4}[0-9]{2}[IE][0-9]{9}$",
    "QD, the 4-digit customs district, a 2-digit year, I or E, then 9 digits",
)
GATE_PASS_NO: Final = IdentifierRule(
    "a gate pass number (核放单编号)",
    r"^[0-9A-Z]{16,24}$",
    "16 to 24 digits or capitals",
)
"""HF + district + year + I/E + 9 digits from the simulator; real numbers such as
Z3111E240726000000000456 are longer."""
PRE_ENTRY_NO: Final = IdentifierRule(
    "a pre-entry number (预录入编号 / 统一编号)", r"^[0-9A-Z]{18}$", "18 digits or capitals"
)
ENTRY_ID: Final = IdentifierRule(
    "a declaration number (报关单号)",
    r"^[0-9]{18}$",
    "18 digits: the customs office, the year, 1 (import) or 0 (export), then 9 digits",
)


def validate_customs_code(code: str) -> str:
    """Enterprise customs registration code (海关编码): 10 characters, district first."""
    return CUSTOMS_CODE.check(code)


def validate_credit_code_form(code: str) -> str:
    """The form of a credit code, without its check characters (messages relayed as
    written: customs, not bondflow, is the judge of another party's code)."""
    return CREDIT_CODE.check(code)


def validate_credit_code_checked(code: str) -> str:
    """A credit code bondflow registers: its form and both GB 32100 / GB 11714 check
    characters."""
    CREDIT_CODE.check(code)
    try:
        return validate_credit_code(code)
    except CreditCodeError as error:
        raise IdentifierError(f"{CREDIT_CODE.name}: {error}") from error


def validate_hs_code(code: str) -> str:
    """Commodity code (商品编码): the 10-digit Chinese tariff code."""
    return HS_CODE.check(code)


def validate_book_no(book_no: str) -> str:
    """Account book or manual number (账册/手册编号): type letter, district, 7 more."""
    return BOOK_NO.check(book_no)


def validate_bonded_list_no(number: str) -> str:
    return BONDED_LIST_NO.check(number)


def validate_gate_pass_no(number: str) -> str:
    return GATE_PASS_NO.check(number)


def validate_pre_entry_no(number: str) -> str:
    return PRE_ENTRY_NO.check(number)


def validate_entry_id(number: str) -> str:
    return ENTRY_ID.check(number)
