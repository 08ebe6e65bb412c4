"""Formats of customs identifiers: enterprise customs codes, HS codes, book numbers."""

import re


class IdentifierError(ValueError):
    """An identifier that does not have the form customs expects."""


_CUSTOMS_CODE = re.compile(r"^[0-9]{4}[0-9A-Z]{6}$")
_HS_CODE = re.compile(r"^[0-9]{10}$")
_BOOK_NO = re.compile(r"^[HT][0-9A-Z]{11}$")


def validate_customs_code(code: str) -> str:
    """Enterprise customs registration code (海关编码): 10 characters, district first."""
    if not _CUSTOMS_CODE.fullmatch(code):
        raise IdentifierError(
            "must be 10 characters: a 4-digit customs district code, then 6 digits or capitals"
        )
    return code


def validate_hs_code(code: str) -> str:
    """Commodity code (商品编码): the 10-digit Chinese tariff code."""
    if not _HS_CODE.fullmatch(code):
        raise IdentifierError(f"must be 10 digits, got {code!r}")
    return code


def validate_book_no(book_no: str) -> str:
    """Account book number (账册编号): H (processing) or T (logistics) + 11 characters."""
    if not _BOOK_NO.fullmatch(book_no):
        raise IdentifierError(
            "must be 12 characters: H (processing) or T (logistics), then 11 digits or capitals"
        )
    return book_no
