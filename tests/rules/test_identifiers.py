"""Customs identifiers: enterprise customs codes (海关编码), HS codes (商品编码) and
account book numbers (账册编号). Only exact ASCII forms are accepted; nothing is
trimmed, upper-cased or otherwise repaired."""

from __future__ import annotations

import pytest

from rules.identifiers import (
    IdentifierError,
    validate_book_no,
    validate_customs_code,
    validate_hs_code,
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


# --- book numbers: H (processing) or T (logistics), then 11 digits or capitals ---------------


@pytest.mark.parametrize(
    "book_no", ["H96001234567", "T96012600002", "H9601A260001", "TABCDEFGHJKL"]
)
def test_book_numbers_accepted(book_no: str) -> None:
    assert validate_book_no(book_no) == book_no


@pytest.mark.parametrize(
    "book_no",
    [
        pytest.param("", id="empty"),
        pytest.param("E96012600001", id="E is not a book type"),
        pytest.param("B96012600001", id="B is not a book type"),
        pytest.param("h96012600001", id="lower-case type"),
        pytest.param("H9601260000", id="10 after the type"),
        pytest.param("H960126000011", id="12 after the type"),
        pytest.param("H9601a260001", id="lower case in the body"),
        pytest.param("H9601-260001", id="punctuation"),
        pytest.param("96012600001H", id="type at the end"),
        pytest.param("H96012600001\n", id="trailing newline"),
    ],
)
def test_book_numbers_refused(book_no: str) -> None:
    with pytest.raises(IdentifierError, match=r"must be 12 characters: H .* or T"):
        validate_book_no(book_no)
