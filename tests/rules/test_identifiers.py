"""Customs identifiers: enterprise customs codes (海关编码), HS codes (商品编码) and
account book numbers (账册编号). Only exact ASCII forms are accepted; nothing is
trimmed, upper-cased or otherwise repaired."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rules.credit_code import build_credit_code
from rules.identifiers import (
    IdentifierError,
    validate_bonded_list_no,
    validate_book_no,
    validate_credit_code_checked,
    validate_credit_code_form,
    validate_customs_code,
    validate_entry_id,
    validate_gate_pass_no,
    validate_hs_code,
    validate_pre_entry_no,
)


def test_identifier_errors_are_value_errors() -> None:
    assert issubclass(IdentifierError, ValueError)


# --- enterprise customs codes: 4-digit district, then 6 digits or capitals ------------------


@pytest.mark.parametrize("code", ["9601346001", "96013460A1", "9600A12345", "0000ZZZZZZ"])
def test_customs_codes_accepted(code: str) -> None:
    assert validate_customs_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("", id="empty"),
        pytest.param("960134600", id="9 characters"),
        pytest.param("96013460011", id="11 characters"),
        pytest.param("96A1346001", id="letter in the district"),
        pytest.param("96013460a1", id="lower case"),
        pytest.param("9601-46001", id="punctuation"),
        pytest.param(" 9601346001", id="leading space"),
        pytest.param("9601346001\n", id="trailing newline"),
        pytest.param("９６０１346001", id="full-width digits"),
    ],
)
def test_customs_codes_refused(code: str) -> None:
    with pytest.raises(IdentifierError, match="must be 10 characters"):
        validate_customs_code(code)


# --- HS codes: the 10-digit Chinese tariff code ----------------------------------------------


@pytest.mark.parametrize("code", ["8541430000", "7007190000", "0101210010"])
def test_hs_codes_accepted(code: str) -> None:
    assert validate_hs_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("", id="empty"),
        pytest.param("85414300", id="8 digits (HS-8)"),
        pytest.param("854143", id="6 digits (HS-6)"),
        pytest.param("85414300001", id="11 digits"),
        pytest.param("854143000A", id="letter"),
        pytest.param("8541.43.00", id="dotted"),
        pytest.param("8541430000 ", id="trailing space"),
        pytest.param("8541430000\n", id="trailing newline"),
        pytest.param("٨٥٤١٤٣٠٠٠٠", id="arabic-indic digits"),
    ],
)
def test_hs_codes_refused(code: str) -> None:
    with pytest.raises(IdentifierError, match="must be 10 digits") as refused:
        validate_hs_code(code)
    assert repr(code) in str(refused.value)


# --- book numbers: the type letter, the 4-digit district, then 7 digits or capitals ---------
# Real numbers from customs files: a zone processing book, a logistics book, and two
# processing-trade manuals (进料 C, 来料 B) as a list's related book would name them.
REAL_BOOK_NUMBERS = ["H9601W104420", "T3111W000076", "C520719A0017", "B520819A0010"]


@pytest.mark.parametrize("book_no", [*REAL_BOOK_NUMBERS, "H96012600001", "E96012600001"])
def test_book_numbers_accepted(book_no: str) -> None:
    assert validate_book_no(book_no) == book_no


@pytest.mark.parametrize(
    "book_no",
    [
        pytest.param("", id="empty"),
        pytest.param("h96012600001", id="lower-case type"),
        pytest.param("19601W104420", id="a digit for the type"),
        pytest.param("HW9601104420", id="a letter in the district"),
        pytest.param("H9601W10442", id="11 characters"),
        pytest.param("H9601W1044200", id="13 characters"),
        pytest.param("H9601w104420", id="lower case in the body"),
        pytest.param("H9601-104420", id="punctuation"),
        pytest.param("96012600001H", id="type at the end"),
        pytest.param("H9601W104420\n", id="trailing newline"),
        pytest.param("Ｈ9601W104420", id="full-width type letter"),
    ],
)
def test_book_numbers_refused(book_no: str) -> None:
    with pytest.raises(
        IdentifierError, match=r"book number .* must be 12 characters: the book type"
    ):
        validate_book_no(book_no)


# --- the other identifiers of the real files ---------------------------------------------


@pytest.mark.parametrize(
    ("validate", "good", "bad"),
    [
        pytest.param(validate_bonded_list_no, "QD520719E000023456", "QD5207E000023456", id="list"),
        pytest.param(validate_gate_pass_no, "Z3111E240726000000000456", "Z3111-24", id="pass"),
        pytest.param(validate_pre_entry_no, "E20190000341106667", "E2019000034110666", id="seq"),
        pytest.param(validate_entry_id, "960120261000000123", "96012026100000012A", id="entry"),
    ],
)
def test_document_numbers(validate: Callable[[str], str], good: str, bad: str) -> None:
    assert validate(good) == good
    with pytest.raises(IdentifierError, match="must be"):
        validate(bad)


def test_a_registered_credit_code_has_its_check_characters() -> None:
    """Given a code of the right form whose check character is wrong, when it is
    registered, then it is refused; a message carrying it keeps it (customs judges)."""
    good = build_credit_code("91", "630100", "MA7XN0A1")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert validate_credit_code_checked(good) == good
    assert validate_credit_code_form(wrong) == wrong
    with pytest.raises(IdentifierError, match="check character"):
        validate_credit_code_checked(wrong)
