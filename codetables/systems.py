"""Numeric and letter codes of countries and currencies: which table, and the other system.

Real files write a country (国别(地区)) or a currency (币制) in either system: the customs
numeric code (``142``, ``502``) or, in the single window since the 2018 reform, the letter
code (``CHN``, ``USD``); one file may even mix them (BeeCustom's 2019 INV101: ``Natcd`` CHN,
``DestinationNatcd`` 142). This module is the one rule for them:

- :func:`table_for` says which table checks a code (``DEU`` against ``country_letter``);
- ``to_numeric_country`` / ``to_letter_country`` / ``to_numeric_currency`` /
  ``to_letter_currency`` give a code in the other system on a day (``DEU`` -> ``304``,
  ``502`` -> ``USD``), a code already in that system coming back as it is;
- :func:`same_country` / :func:`same_currency` compare two codes in one system;
- :func:`written_like` writes a code in the system another code is written in (China as
  ``CHN`` in a document whose lines say ``DEU``).

Pure functions of the code, the day and the tables (the shipped ones by default).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Final

from codetables.tables import LETTER_TABLES, CodeTables, default_tables

#: 中国 in the customs numeric system (国别(地区)代码表); ``written_like`` gives it as CHN.
CHINA: Final = "142"

_NUMERIC = re.compile(r"[0-9]{3}")
_LETTER = re.compile(r"[A-Z]{3}")


class CodeSystem(enum.Enum):
    """The two ways a country or a currency is written."""

    NUMERIC = "numeric"  # the customs codes: 142, 502
    LETTER = "letter"  # ISO 3166-1 alpha-3 / ISO 4217: CHN, USD


def system_of(code: str) -> CodeSystem | None:
    """NUMERIC for 3 digits, LETTER for 3 capitals, None for anything else."""
    if _NUMERIC.fullmatch(code):
        return CodeSystem.NUMERIC
    if _LETTER.fullmatch(code):
        return CodeSystem.LETTER
    return None


def table_for(table: str, code: str) -> str:
    """The table that checks ``code`` of a field bound to ``table``: the letter table for a
    letter code of a table that has one (``country``, ``DEU`` -> ``country_letter``), else
    ``table`` itself (whose refusal then says what form its codes have)."""
    letter_table = LETTER_TABLES.get(table)
    if letter_table is not None and system_of(code) is CodeSystem.LETTER:
        return letter_table
    return table


def in_system(
    table: str,
    code: str,
    system: CodeSystem,
    on: dt.date,
    tables: CodeTables | None = None,
    *,
    field: str | None = None,
) -> str:
    """``code`` of ``table`` (``country`` or ``currency``) written in ``system`` on ``on``.

    A code already in ``system`` comes back unchanged (it is not looked up: checking it is
    :mod:`codetables.checks`' job); another raises UnknownCode (or AmbiguousCode) when the
    correspondence has no single code for it on the day, naming ``field`` if given.
    """
    current = system_of(code)
    if current is None:
        raise ValueError(f"{table} code {code!r} is neither 3 digits nor 3 capitals")
    if current is system:
        return code
    pairs = (tables or default_tables()).correspondence(table)
    if system is CodeSystem.NUMERIC:
        return pairs.to_numeric(code, on, field=field)
    return pairs.to_letter(code, on, field=field)


def to_numeric_country(code: str, on: dt.date, tables: CodeTables | None = None) -> str:
    """The customs numeric code of a country (``DEU`` -> ``304``; ``304`` -> ``304``)."""
    return in_system("country", code, CodeSystem.NUMERIC, on, tables)


def to_letter_country(code: str, on: dt.date, tables: CodeTables | None = None) -> str:
    """The letter code of a country (``304`` -> ``DEU``; ``499`` -> ``ZSA``, the preferred
    letter of a shared code)."""
    return in_system("country", code, CodeSystem.LETTER, on, tables)


def to_numeric_currency(code: str, on: dt.date, tables: CodeTables | None = None) -> str:
    """The customs numeric code of a currency (``USD`` -> ``502``)."""
    return in_system("currency", code, CodeSystem.NUMERIC, on, tables)


def to_letter_currency(code: str, on: dt.date, tables: CodeTables | None = None) -> str:
    """The letter code of a currency (``502`` -> ``USD``)."""
    return in_system("currency", code, CodeSystem.LETTER, on, tables)


def _same(table: str, first: str, second: str, on: dt.date, tables: CodeTables | None) -> bool:
    if first == second:
        return True
    # Numeric is the common system: every letter has one numeric code, while a numeric code
    # may stand for several letters (499: AIA, BLM...). Two letters compare as letters.
    if system_of(first) is system_of(second) is CodeSystem.LETTER:
        return False
    numeric = CodeSystem.NUMERIC
    return in_system(table, first, numeric, on, tables) == in_system(
        table, second, numeric, on, tables
    )


def same_country(first: str, second: str, on: dt.date, tables: CodeTables | None = None) -> bool:
    """Do the two codes name the same country on ``on``, whatever their systems?
    (``DEU`` and ``304``: yes. ``AIA`` and ``499``: yes, 499 covers Anguilla.)"""
    return _same("country", first, second, on, tables)


def same_currency(first: str, second: str, on: dt.date, tables: CodeTables | None = None) -> bool:
    """Do the two codes name the same currency on ``on`` (``USD`` and ``502``: yes)?"""
    return _same("currency", first, second, on, tables)


def written_like(
    table: str, code: str, like: str, on: dt.date, tables: CodeTables | None = None
) -> str:
    """``code`` of ``table`` in the system ``like`` is written in (a country or a currency
    code of the same document): ``written_like("country", CHINA, "DEU", day)`` is ``CHN``,
    with ``"304"`` it is ``142``."""
    system = system_of(like)
    if system is None:
        raise ValueError(f"{like!r} is neither 3 digits nor 3 capitals")
    return in_system(table, code, system, on, tables)
