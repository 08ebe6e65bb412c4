"""Dated tariff rates (税率表): duty, consumption tax and VAT rates by HS code and day.

The rates are one CSV file (``tariff/data/rates.csv``, see its README.md) with the columns
``hs_code,name_zh,duty_rate,consumption_rate,vat_rate,effective_from,effective_to,note``.
A line is in force on the days ``effective_from <= day < effective_to``; an empty
``effective_to`` means no end yet. A code has several lines when a rate changed (the
yearly tariff adjustment on 1 January, a VAT reform), and their periods must not overlap.

A malformed file is refused as a whole when loaded, naming the file, the line and the
reason (:class:`TariffFileError`): a half-read table would tax goods at a wrong rate.
Looking up a code that has no line in force on the day raises :class:`UnknownTariff`
naming the code and the day.

Rates are shares (13 % is ``0.13``), at least 0 and below 1, with at most 6 places. Only
ad valorem rates are held: specific and compound duties are not modelled.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from codetables.dated_csv import (
    DataFileError,
    PeriodsByKey,
    describe_period,
    overlap,
    parse_period,
    read_rows,
)
from rules.taxes import RATE_PLACES, TaxBill, tax_bill
from schemas.errors import BondflowError
from schemas.quantities import places_of

COLUMNS: Final = (
    "hs_code",
    "name_zh",
    "duty_rate",
    "consumption_rate",
    "vat_rate",
    "effective_from",
    "effective_to",
    "note",
)
#: A Chinese tariff code (商品编号): 10 ASCII digits (8 of the tariff + 2 of statistics).
HS_CODE: Final = re.compile(r"[0-9]{10}")
_RATE: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_PLAIN: Final = re.compile(r"[!-~]+")  # printable ASCII without spaces


# --- errors ---------------------------------------------------------------------------------


class UnknownTariff(BondflowError):
    """An HS code with no rate in force on the day asked about."""

    code = "unknown_tariff"
    status = 422

    def __init__(self, reason: str, *, hs_code: str, on: dt.date, field: str | None = None) -> None:
        super().__init__(reason, field=field)
        self.hs_code = hs_code
        self.on = on


class TariffFileError(DataFileError):
    """A rates file that cannot be used."""

    code = "tariff_file_error"


# --- rates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TariffRate:
    """The rates of one HS code during one period."""

    hs_code: str
    name_zh: str
    duty_rate: Decimal  # 进口关税税率 (the rate that applies: MFN or provisional)
    consumption_rate: Decimal  # 消费税从价税率, 0 for goods without consumption tax
    vat_rate: Decimal  # 增值税税率: 0.13, or 0.09 for the listed goods
    effective_from: dt.date
    effective_to: dt.date | None  # exclusive; None = open-ended
    note: str

    def in_force(self, on: dt.date) -> bool:
        """True on the days ``effective_from <= on < effective_to``."""
        _check_day(on)
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    @property
    def unverified(self) -> bool:
        """The data file marks this line as not checked against the official tariff."""
        return "unverified" in self.note.lower()

    def period(self) -> str:
        return describe_period(self)

    def tax_bill(self, cif: Decimal) -> TaxBill:
        """Duty, consumption tax and VAT on ``cif`` (CNY) at these rates."""
        return tax_bill(
            cif,
            duty_rate=self.duty_rate,
            consumption_rate=self.consumption_rate,
            vat_rate=self.vat_rate,
        )


def _check_day(on: object) -> None:
    # Which day an instant falls on depends on the time zone, which only the caller knows.
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise TypeError(f"pass the day as a datetime.date, not {type(on).__name__}")


class TariffTable:
    """Every dated rate line, looked up by HS code and day."""

    def __init__(self, rates: Iterable[TariffRate], *, source: str = "") -> None:
        by_code: dict[str, list[TariffRate]] = {}
        for rate in sorted(rates, key=lambda rate: (rate.hs_code, rate.effective_from)):
            history = by_code.setdefault(rate.hs_code, [])
            if history and overlap(history[-1], rate):
                raise ValueError(f"periods of HS code {rate.hs_code} overlap")
            history.append(rate)
        self._by_code: dict[str, tuple[TariffRate, ...]] = {
            code: tuple(history) for code, history in by_code.items()
        }
        self.source = source

    @classmethod
    def load(cls, path: Path | None = None) -> TariffTable:
        """Read a rates file; refuse the whole file if any line is wrong.

        Without a path, the rates shipped in the package (``tariff/data/rates.csv``). A
        deployment that keeps its own rates passes its edited copy.
        """
        file: Traversable = (
            files("tariff").joinpath("data").joinpath("rates.csv") if path is None else path
        )
        if not file.is_file():
            raise TariffFileError(str(file), None, "no such file")
        return cls(_read_rates(file), source=str(file))

    def __repr__(self) -> str:
        return f"TariffTable({len(self)} lines; from {self.source or '?'})"

    def __len__(self) -> int:
        return sum(len(history) for history in self._by_code.values())

    def __iter__(self) -> Iterator[TariffRate]:
        for history in self._by_code.values():
            yield from history

    def codes(self) -> frozenset[str]:
        """Every HS code the table has ever had a rate for."""
        return frozenset(self._by_code)

    def history(self, hs_code: str) -> tuple[TariffRate, ...]:
        """Every line of the code, oldest first (empty if the code is not in the table)."""
        return self._by_code.get(hs_code, ())

    def lookup(self, hs_code: str, on: dt.date) -> TariffRate | None:
        """The line of ``hs_code`` in force on ``on``, or None."""
        _check_day(on)
        for rate in self._by_code.get(hs_code, ()):
            if rate.in_force(on):
                return rate
        return None

    def rate_for(self, hs_code: str, on: dt.date, *, field: str | None = None) -> TariffRate:
        """The rates of ``hs_code`` in force on ``on``; else UnknownTariff naming both.

        ``field`` is where the code came from (e.g. ``DecMessage/DecLists/DecList[1]/
        CodeTS``): the error carries it so that the filer sees where to correct.
        """
        rate = self.lookup(hs_code, on)
        if rate is not None:
            return rate
        shown = hs_code if _PLAIN.fullmatch(hs_code) else repr(hs_code)
        history = self.history(hs_code)
        if history:
            periods = "; ".join(past.period() for past in history)
            reason = f"HS code {shown} has no tariff rate on {on.isoformat()} ({periods})"
        elif HS_CODE.fullmatch(hs_code) is None:
            reason = (
                f"HS code {shown} is not in the tariff (on {on.isoformat()}; "
                f"HS codes are 10 digits)"
            )
        else:
            reason = f"HS code {shown} is not in the tariff (on {on.isoformat()})"
        raise UnknownTariff(reason, hs_code=hs_code, on=on, field=field)


@functools.cache
def default_tariff() -> TariffTable:
    """The rates shipped with the package, read once per process."""
    return TariffTable.load()


# --- reading the file ------------------------------------------------------------------------


def _read_rates(file: Traversable) -> list[TariffRate]:
    name = str(file)
    seen: PeriodsByKey[TariffRate] = PeriodsByKey(name, TariffFileError, row="line", key="HS code")
    for number, fields in read_rows(file, COLUMNS, TariffFileError):
        rate = _parse_row(name, number, fields)
        seen.add(rate.hs_code, rate, number)
    if not seen:
        raise TariffFileError(name, None, "the file has no rate lines")
    return seen.items()


def _parse_row(file: str, number: int, fields: list[str]) -> TariffRate:
    hs_code, name_zh, duty, consumption, vat, start, end, note = fields
    if HS_CODE.fullmatch(hs_code) is None:
        raise TariffFileError(
            file, number, f"HS code {hs_code!r} is not 10 digits (0-9, no spaces or dots)"
        )
    if not name_zh.strip():
        raise TariffFileError(file, number, f"HS code {hs_code} has no name_zh")
    effective_from, effective_to = parse_period(file, number, start, end, TariffFileError)
    return TariffRate(
        hs_code=hs_code,
        name_zh=name_zh.strip(),
        duty_rate=_parse_rate(file, number, "duty_rate", duty),
        consumption_rate=_parse_rate(file, number, "consumption_rate", consumption),
        vat_rate=_parse_rate(file, number, "vat_rate", vat),
        effective_from=effective_from,
        effective_to=effective_to,
        note=note.strip(),
    )


def _parse_rate(file: str, number: int, column: str, text: str) -> Decimal:
    if _RATE.fullmatch(text) is None:
        raise TariffFileError(
            file, number, f"{column} {text!r} is not a rate (a share such as 0.13, not 13%)"
        )
    rate = Decimal(text)
    if not rate < 1:
        raise TariffFileError(file, number, f"{column} {text} is not below 1 (write 13 % as 0.13)")
    if places_of(rate) > RATE_PLACES:
        raise TariffFileError(
            file, number, f"{column} {text} has more than {RATE_PLACES} decimal places"
        )
    return rate
