"""Reading a dated CSV data file: rows with an effective_from and an effective_to date.

Shared by the code tables (:mod:`codetables.tables`) and the tariff rates
(:mod:`tariff.rates`), whose files have the same form:

- UTF-8, a byte-order mark accepted; only ``\\n``, ``\\r\\n`` and ``\\r`` end a row (a
  U+2028 in a note is text, not a new row);
- blank lines and lines starting with ``#`` are skipped;
- every other line is one strict CSV row, the first of them exactly the header;
- ``effective_from`` and ``effective_to`` are ``yyyy-mm-dd`` dates, ``effective_to``
  empty (no end yet) or after ``effective_from``;
- the periods ``[effective_from, effective_to)`` of one key (a code) do not overlap.

Each caller keeps its own error class (``CodeTableFileError``, ``TariffFileError``): it
passes it as ``error``, called as ``error(file, line, problem)``, and every refusal names
the file and, where there is one, the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from importlib.resources.abc import Traversable
from typing import Final, Generic, Protocol, TypeAlias, TypeVar

from schemas.errors import BondflowError

#: Builds the exception to raise from the file, the line (None: the whole file) and the problem.
FileError: TypeAlias = Callable[[str, int | None, str], Exception]


class DataFileError(BondflowError):
    """A data file that cannot be used: it names the file, the line and what is wrong.
    Each kind of file has its own subclass (and code)."""

    code = "data_file_error"
    status = 500

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.line = line
        self.problem = problem


_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Dated(Protocol):
    """Anything in force on the days ``effective_from <= day < effective_to``."""

    @property
    def effective_from(self) -> dt.date: ...

    @property
    def effective_to(self) -> dt.date | None: ...  # exclusive; None = open-ended


DatedT = TypeVar("DatedT", bound=Dated)


def read_rows(
    file: Traversable, columns: Sequence[str], error: FileError
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` of each data row of ``file``, numbered from 1.

    The file is decoded, comments and blank lines skipped, the header checked against
    ``columns`` and every row checked to be CSV with ``len(columns)`` fields; a file with
    no header at all is refused once all its lines are read.
    """
    name = str(file)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise error(name, None, f"not UTF-8 text ({problem.reason})") from None
    header = ",".join(columns)
    header_seen = False
    # Only \n, \r\n and \r end a line: a U+2028 in a note is text, not a new row.
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(rows, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([raw], strict=True))
        except csv.Error as problem:
            raise error(name, number, f"not a CSV row ({problem})") from None
        if not header_seen:
            if tuple(field.strip() for field in fields) != tuple(columns):
                raise error(name, number, f"the first row must be the header {header}")
            header_seen = True
            continue
        if len(fields) != len(columns):
            raise error(name, number, f"{len(fields)} columns, expected {len(columns)} ({header})")
        yield number, fields
    if not header_seen:
        raise error(name, None, f"no header row {header}")


def parse_period(
    file: str, line: int, start: str, end: str, error: FileError
) -> tuple[dt.date, dt.date | None]:
    """The ``effective_from`` and ``effective_to`` columns of a row, checked."""
    effective_from = _parse_date(file, line, "effective_from", start, error)
    if effective_from is None:
        raise error(file, line, "effective_from is empty")
    effective_to = _parse_date(file, line, "effective_to", end, error)
    if effective_to is not None and effective_to <= effective_from:
        raise error(
            file,
            line,
            f"effective_to {effective_to.isoformat()} is not after "
            f"effective_from {effective_from.isoformat()}",
        )
    return effective_from, effective_to


def _parse_date(file: str, line: int, column: str, text: str, error: FileError) -> dt.date | None:
    if text == "":
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise error(file, line, f"{column} {text!r} is not a date (yyyy-mm-dd)")


def overlap(first: Dated, second: Dated) -> bool:
    """Do the two periods share a day? (Both are half-open: [from, to).)"""
    first_ends_after = first.effective_to is None or first.effective_to > second.effective_from
    second_ends_after = second.effective_to is None or second.effective_to > first.effective_from
    return first_ends_after and second_ends_after


def describe_period(dated: Dated) -> str:
    """``from 2000-01-01``, or ``from 2000-01-01 until 2010-01-01``."""
    if dated.effective_to is None:
        return f"from {dated.effective_from.isoformat()}"
    return f"from {dated.effective_from.isoformat()} until {dated.effective_to.isoformat()}"


class PeriodsByKey(Generic[DatedT]):
    """The rows of one file read so far, by key, refusing a period that overlaps another.

    ``row`` and ``key`` word the refusal: with ``row="entry"`` and ``key="code"``, "duplicate
    entry for code 1 on line 3 (...)" or "period overlaps the entry of code 1 on line 3
    (...)", the line being that of the earlier row.
    """

    def __init__(self, file: str, error: FileError, *, row: str, key: str) -> None:
        self.file = file
        self.error = error
        self.row = row
        self.key = key
        self._seen: dict[str, list[tuple[DatedT, int]]] = {}  # key -> (row, line number)

    def add(self, key: str, item: DatedT, line: int) -> None:
        """Keep ``item``, read on ``line``; refuse it if it shares a day with one of ``key``."""
        for other, other_line in self._seen.get(key, ()):
            if overlap(other, item):
                same = (other.effective_from, other.effective_to) == (
                    item.effective_from,
                    item.effective_to,
                )
                what = f"duplicate {self.row} for" if same else f"period overlaps the {self.row} of"
                raise self.error(
                    self.file,
                    line,
                    f"{what} {self.key} {key} on line {other_line} "
                    f"({describe_period(other)}; this one {describe_period(item)})",
                )
        self._seen.setdefault(key, []).append((item, line))

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._seen.values())

    def items(self) -> list[DatedT]:
        """Every row kept, grouped by key (keys in the order first read, rows as read)."""
        return [item for rows in self._seen.values() for item, _ in rows]
