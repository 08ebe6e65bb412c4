"""Dated correspondences (新旧代码对照) between the numeric and the letter code of a thing.

Countries (国别(地区)) and currencies (币制) have two code systems: the customs numeric
codes (``country``: 142 China; ``currency``: 502 US dollar) and, in the single window since
the 2018 reform, the letter codes (``country_letter``: CHN; ``currency_letter``: USD).
A correspondence pairs them, each pair in force during a period, read from
``codetables/data/correspondence/<table>.csv`` with the columns
``letter,numeric,preferred,effective_from,effective_to,note``.

Each letter code has one numeric code on a day; a numeric code may stand for several
letters (the old table had one code for a group: 499 other Latin America for AIA, BLM...).
The pair marked ``preferred`` (``yes``) is the letter such a shared numeric code converts
to; without one, converting it is refused (:class:`AmbiguousCode`), as the thing it names is
not known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Final

from codetables.dated_csv import PeriodsByKey, describe_period, parse_period, read_rows
from codetables.errors import CodeTableFileError, UnknownCode, check_day

COLUMNS: Final = ("letter", "numeric", "preferred", "effective_from", "effective_to", "note")
_PREFERRED: Final = {"yes": True, "": False}


@dataclass(frozen=True)
class CodePair:
    """The letter and the numeric code of one thing during a period."""

    letter: str
    numeric: str
    preferred: bool  # the letter a numeric code shared by several letters converts to
    effective_from: dt.date
    effective_to: dt.date | None  # exclusive; None = open-ended
    note: str

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


class AmbiguousCode(UnknownCode):
    """A numeric code that stands for several letter codes, none of them preferred."""

    code = "ambiguous_code"


class Correspondence:
    """The pairs between a numeric table (``country``) and its letter table
    (``country_letter``), and the conversions both ways on a day."""

    def __init__(self, numeric_table: str, letter_table: str, pairs: Iterable[CodePair]) -> None:
        self.numeric_table = numeric_table
        self.letter_table = letter_table
        self.pairs: tuple[CodePair, ...] = tuple(pairs)

    def __repr__(self) -> str:
        return (
            f"Correspondence({self.numeric_table!r} <-> {self.letter_table!r}, "
            f"{len(self.pairs)} pairs)"
        )

    def __len__(self) -> int:
        return len(self.pairs)

    def to_numeric(self, letter: str, on: dt.date, *, field: str | None = None) -> str:
        """The numeric code of ``letter`` on ``on`` (``DEU`` -> ``304``)."""
        check_day(on)
        for pair in self.pairs:
            if pair.letter == letter and pair.in_force(on):
                return pair.numeric
        raise self._unknown(self.letter_table, letter, on, field)

    def to_letter(self, numeric: str, on: dt.date, *, field: str | None = None) -> str:
        """The letter code of ``numeric`` on ``on`` (``502`` -> ``USD``); of a numeric
        code shared by several letters, the preferred one (``499`` -> ``ZSA``)."""
        check_day(on)
        found = [pair for pair in self.pairs if pair.numeric == numeric and pair.in_force(on)]
        if len(found) == 1:
            return found[0].letter
        preferred = [pair for pair in found if pair.preferred]
        if preferred:
            return preferred[0].letter
        if not found:
            raise self._unknown(self.numeric_table, numeric, on, field)
        letters = ", ".join(pair.letter for pair in found)
        raise AmbiguousCode(
            f"{self.numeric_table}: code {numeric} stands for several {self.letter_table} "
            f"codes on {on.isoformat()} ({letters}) and none is preferred",
            table=self.numeric_table,
            code_value=numeric,
            on=on,
            field=field,
        )

    def _unknown(self, table: str, code: str, on: dt.date, field: str | None) -> UnknownCode:
        periods = "; ".join(
            describe_period(pair) for pair in self.pairs if code in (pair.letter, pair.numeric)
        )
        other = self.numeric_table if table == self.letter_table else self.letter_table
        when = f" ({periods})" if periods else ""
        return UnknownCode(
            f"{table}: code {code} has no {other} code on {on.isoformat()}{when}",
            table=table,
            code_value=code,
            on=on,
            field=field,
        )


def read_correspondence(
    numeric_table: str,
    letter_table: str,
    file: Traversable,
    *,
    numeric_codes: frozenset[str],
    letter_codes: frozenset[str],
) -> Correspondence:
    """Read and check one correspondence file; refuse it whole, naming the line.

    Every code must be in its table (``numeric_codes``, ``letter_codes``: every code the
    table ever had); the periods of one letter must not overlap, nor those of two preferred
    pairs of one numeric code.
    """
    name = str(file)
    by_letter: PeriodsByKey[CodePair] = PeriodsByKey(
        name, CodeTableFileError, row="pair", key="letter code"
    )
    preferred: PeriodsByKey[CodePair] = PeriodsByKey(
        name, CodeTableFileError, row="preferred pair", key="numeric code"
    )
    for number, fields in read_rows(file, COLUMNS, CodeTableFileError):
        letter, numeric, mark, start, end, note = (field.strip() for field in fields)
        if letter not in letter_codes:
            raise CodeTableFileError(
                name, number, f"letter code {letter!r} is not in {letter_table}"
            )
        if numeric not in numeric_codes:
            raise CodeTableFileError(
                name, number, f"numeric code {numeric!r} is not in {numeric_table}"
            )
        if mark not in _PREFERRED:
            raise CodeTableFileError(name, number, f"preferred is {mark!r}: write yes or nothing")
        effective_from, effective_to = parse_period(name, number, start, end, CodeTableFileError)
        pair = CodePair(
            letter=letter,
            numeric=numeric,
            preferred=_PREFERRED[mark],
            effective_from=effective_from,
            effective_to=effective_to,
            note=note,
        )
        by_letter.add(letter, pair, number)
        if pair.preferred:
            preferred.add(numeric, pair, number)
    if not by_letter:
        raise CodeTableFileError(name, None, "the correspondence has no pairs")
    return Correspondence(numeric_table, letter_table, by_letter.items())
