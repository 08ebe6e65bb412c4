"""Dated customs code tables (海关参数代码表): loading, checking and looking codes up.

Each table is one CSV file named after the table (``supervision_mode.csv``...) with the
columns ``code,name_zh,name_en,effective_from,effective_to,note``. An entry is in force on
the days ``effective_from <= day < effective_to``; an empty ``effective_to`` means it has
no end yet. A code may have several entries (a renamed or withdrawn and re-issued code)
as long as their periods do not overlap.

A malformed file is refused as a whole when the tables are loaded, with the file, the
line and the reason (``CodeTableFileError``): a half-read table would let wrong codes
through. Looking a code up that is absent, or not in force on the day, raises
``UnknownCode`` naming the table, the code, the day and the message field.

Pure Python, no database: the tables are small and read once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Final

from codetables.correspondence import Correspondence, read_correspondence
from codetables.dated_csv import (
    PeriodsByKey,
    describe_period,
    overlap,
    parse_period,
    read_rows,
)
from codetables.errors import CodeTableFileError as CodeTableFileError  # re-exported
from codetables.errors import UnknownCode as UnknownCode
from codetables.errors import UnknownCodeTable as UnknownCodeTable
from codetables.errors import check_day

COLUMNS: Final = ("code", "name_zh", "name_en", "effective_from", "effective_to", "note")
_PLAIN = re.compile(r"[!-~]+")  # printable ASCII without spaces


@dataclass(frozen=True)
class TableSpec:
    """What a table holds and the form of its codes, checked for every entry at load."""

    name: str
    title_zh: str
    title_en: str
    pattern: str  # a regular expression the whole code must match (ASCII only)
    form: str  # the pattern in words, for error messages

    def matches(self, code: str) -> bool:
        return re.fullmatch(self.pattern, code) is not None


def _spec(name: str, title_zh: str, title_en: str, pattern: str, form: str) -> TableSpec:
    return TableSpec(name=name, title_zh=title_zh, title_en=title_en, pattern=pattern, form=form)


#: The tables of one thing in two code systems, numeric and letter (新旧代码), and the folder
#: of their correspondences: ``correspondence/country.csv`` pairs ``country`` and
#: ``country_letter`` (see :mod:`codetables.correspondence`).
LETTER_TABLES: Final[Mapping[str, str]] = MappingProxyType(
    {"country": "country_letter", "currency": "currency_letter"}
)
CORRESPONDENCE_FOLDER: Final = "correspondence"

#: Every table bondflow knows, keyed by name (= the CSV file's stem). A data folder must
#: hold exactly these files; a new table needs a line here first.
TABLE_SPECS: Final[Mapping[str, TableSpec]] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _spec("supervision_mode", "监管方式", "supervision mode", r"[0-9]{4}", "4 digits"),
            _spec(
                "transport_mode", "运输方式", "transport mode", r"[0-9A-Z]", "1 digit or capital"
            ),
            _spec("unit", "计量单位", "unit of measure", r"[0-9]{3}", "3 digits"),
            _spec("currency", "币制", "currency", r"[0-9]{3}", "3 digits"),
            _spec(
                "currency_letter",
                "货币(字母代码)",
                "currency (letter code)",
                r"[A-Z]{3}",
                "3 capitals",
            ),
            _spec("country", "国别(地区)", "country or region", r"[0-9]{3}", "3 digits"),
            _spec(
                "country_letter",
                "国别(地区)(字母代码)",
                "country or region (letter code)",
                r"[A-Z]{3}",
                "3 capitals",
            ),
            _spec("customs_district", "关区代码", "customs district", r"[0-9]{4}", "4 digits"),
            _spec("duty_treatment", "征免方式", "duty treatment", r"[0-9]", "1 digit"),
            _spec("channel", "报关单通道/状态", "declaration channel", r"[A-Z]", "1 capital"),
            _spec("incoterm", "成交方式", "incoterm (terms of delivery)", r"[0-9]", "1 digit"),
            _spec("book_type", "手册/账册类型", "book or manual type", r"[A-Z]", "1 capital"),
        )
    }
)


# --- entries and tables ------------------------------------------------------------------


@dataclass(frozen=True)
class CodeEntry:
    """One dated entry of a code table: a code and its names during a period."""

    table: str
    code: str
    name_zh: str
    name_en: str
    effective_from: dt.date
    effective_to: dt.date | None  # exclusive; None = open-ended
    note: str

    def in_force(self, on: dt.date) -> bool:
        """True on the days ``effective_from <= on < effective_to``."""
        check_day(on)
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    @property
    def unverified(self) -> bool:
        """The data file marks this entry as not checked against the official table."""
        return "unverified" in self.note.lower()

    def period(self) -> str:
        return describe_period(self)


class CodeTable:
    """One code table: its entries, and lookups by code and day."""

    def __init__(self, name: str, entries: Iterable[CodeEntry]) -> None:
        self.name = name
        self.entries: tuple[CodeEntry, ...] = tuple(
            sorted(entries, key=lambda entry: (entry.code, entry.effective_from))
        )
        by_code: dict[str, list[CodeEntry]] = {}
        for entry in self.entries:
            if entry.table != name:
                raise ValueError(f"entry {entry.code} belongs to {entry.table}, not {name}")
            earlier = by_code.setdefault(entry.code, [])
            if earlier and overlap(earlier[-1], entry):
                raise ValueError(f"{name}: periods of code {entry.code} overlap")
            earlier.append(entry)
        self._by_code: dict[str, tuple[CodeEntry, ...]] = {
            code: tuple(history) for code, history in by_code.items()
        }

    def __repr__(self) -> str:
        return f"CodeTable({self.name!r}, {len(self.entries)} entries)"

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[CodeEntry]:
        return iter(self.entries)

    @property
    def spec(self) -> TableSpec | None:
        return TABLE_SPECS.get(self.name)

    def history(self, code: str) -> tuple[CodeEntry, ...]:
        """Every entry of the code, oldest first (empty if the code was never in the table)."""
        return self._by_code.get(code, ())

    def lookup(self, code: str, on: dt.date) -> CodeEntry | None:
        """The entry of ``code`` in force on ``on``, or None."""
        check_day(on)
        for entry in self._by_code.get(code, ()):
            if entry.in_force(on):
                return entry
        return None

    def require(self, code: str, on: dt.date, *, field: str | None = None) -> CodeEntry:
        """The entry of ``code`` in force on ``on``; else UnknownCode naming table and code.

        ``field`` is the message field the code came from (e.g.
        ``InvtMessage/InvtHeadType/SupvModecd``): the error carries it so that the filer
        sees where to correct.
        """
        entry = self.lookup(code, on)
        if entry is not None:
            return entry
        history = self.history(code)
        shown = code if _PLAIN.fullmatch(code) else repr(code)  # show stray spaces, ''
        if history:
            periods = "; ".join(past.period() for past in history)
            reason = f"{self.name}: code {shown} is not in force on {on.isoformat()} ({periods})"
        elif self.spec is not None and not self.spec.matches(code):
            reason = (
                f"{self.name}: code {shown} is not in the table "
                f"(on {on.isoformat()}; {self.name} codes are {self.spec.form})"
            )
        else:
            reason = f"{self.name}: code {shown} is not in the table (on {on.isoformat()})"
        raise UnknownCode(reason, table=self.name, code_value=code, on=on, field=field)

    def codes_in_force(self, on: dt.date) -> frozenset[str]:
        """Every code with an entry in force on ``on``."""
        check_day(on)
        return frozenset(entry.code for entry in self.entries if entry.in_force(on))

    def codes(self) -> frozenset[str]:
        """Every code the table has ever had, whatever the day."""
        return frozenset(self._by_code)


class CodeTables:
    """All the code tables, loaded from one data folder."""

    def __init__(
        self,
        tables: Iterable[CodeTable],
        *,
        correspondences: Iterable[Correspondence] = (),
        source: str = "",
    ) -> None:
        self._tables: dict[str, CodeTable] = {}
        for table in tables:
            if table.name in self._tables:
                raise ValueError(f"two tables named {table.name}")
            self._tables[table.name] = table
        self._correspondences = {pairs.numeric_table: pairs for pairs in correspondences}
        self.source = source

    @classmethod
    def load(cls, directory: Path | None = None) -> CodeTables:
        """Read every table of a data folder; refuse the whole folder if any file is wrong.

        Without a directory, the data shipped in the package (``codetables/data``). A
        deployment that edits its tables passes its own folder: a full copy of the
        shipped one, since a missing table is refused rather than silently taken from
        elsewhere.
        """
        folder: Traversable = (
            files("codetables").joinpath("data") if directory is None else directory
        )
        if not folder.is_dir():
            raise CodeTableFileError(str(folder), None, "no such directory")
        found = {
            item.name[: -len(".csv")]: item
            for item in folder.iterdir()
            if item.name.endswith(".csv") and item.is_file()
        }
        unknown = sorted(set(found) - set(TABLE_SPECS))
        if unknown:
            raise CodeTableFileError(
                str(found[unknown[0]]),
                None,
                f"unknown table {unknown[0]!r}: declare it in TABLE_SPECS "
                f"(codetables/tables.py) first",
            )
        missing = sorted(set(TABLE_SPECS) - set(found))
        if missing:
            raise CodeTableFileError(
                str(folder),
                None,
                "missing table file(s) " + ", ".join(f"{name}.csv" for name in missing),
            )
        tables = [_read_table(TABLE_SPECS[name], found[name]) for name in TABLE_SPECS]
        by_name = {table.name: table for table in tables}
        pairs_folder = folder.joinpath(CORRESPONDENCE_FOLDER)
        correspondences = []
        for numeric, letter in LETTER_TABLES.items():
            file = pairs_folder.joinpath(f"{numeric}.csv")
            if not file.is_file():
                raise CodeTableFileError(
                    str(folder),
                    None,
                    f"missing correspondence file {CORRESPONDENCE_FOLDER}/{numeric}.csv",
                )
            correspondences.append(
                read_correspondence(
                    numeric,
                    letter,
                    file,
                    numeric_codes=by_name[numeric].codes(),
                    letter_codes=by_name[letter].codes(),
                )
            )
        return cls(tables, correspondences=correspondences, source=str(folder))

    def __getitem__(self, name: str) -> CodeTable:
        try:
            return self._tables[name]
        except KeyError:
            raise UnknownCodeTable(name, self._tables) from None

    def __contains__(self, name: object) -> bool:
        return name in self._tables

    def __repr__(self) -> str:
        return f"CodeTables({', '.join(self._tables)}; from {self.source or '?'})"

    def names(self) -> tuple[str, ...]:
        return tuple(self._tables)

    def correspondence(self, numeric_table: str) -> Correspondence:
        """The pairs between ``numeric_table`` (``country``) and its letter table."""
        try:
            return self._correspondences[numeric_table]
        except KeyError:
            raise UnknownCodeTable(
                f"{numeric_table} correspondence",
                (f"{name} correspondence" for name in self._correspondences),
            ) from None

    def require(self, table: str, code: str, on: dt.date, *, field: str | None = None) -> CodeEntry:
        """Shorthand for ``tables[table].require(code, on, field=field)``."""
        return self[table].require(code, on, field=field)


@functools.cache
def default_tables() -> CodeTables:
    """The tables shipped with the package, read once per process."""
    return CodeTables.load()


# --- reading a file --------------------------------------------------------------------------


def _read_table(spec: TableSpec, file: Traversable) -> CodeTable:
    name = str(file)
    seen: PeriodsByKey[CodeEntry] = PeriodsByKey(name, CodeTableFileError, row="entry", key="code")
    for number, fields in read_rows(file, COLUMNS, CodeTableFileError):
        entry = _parse_row(spec, name, number, fields)
        seen.add(entry.code, entry, number)
    if not seen:
        raise CodeTableFileError(name, None, "the table has no entries")
    return CodeTable(spec.name, seen.items())


def _parse_row(spec: TableSpec, file: str, number: int, fields: list[str]) -> CodeEntry:
    code, name_zh, name_en, start, end, note = fields
    if not spec.matches(code):
        raise CodeTableFileError(
            file, number, f"code {code!r} is not a valid {spec.name} code: {spec.form}"
        )
    if not name_zh.strip():
        raise CodeTableFileError(file, number, f"code {code} has no name_zh")
    effective_from, effective_to = parse_period(file, number, start, end, CodeTableFileError)
    return CodeEntry(
        table=spec.name,
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        effective_from=effective_from,
        effective_to=effective_to,
        note=note.strip(),
    )
