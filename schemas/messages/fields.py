"""Field types of the customs messages and the marks that say how each is written in XML.

The models in this package are plain pydantic: each field's alias is the element's
name in the real format (``SeqNo``, ``DelcareFlag``...), and the marks below, kept
in the field's ``Annotated`` metadata, tell the XML binding in ``adapters/xml`` how
the text looks. No lxml here: the vocabulary stays importable from workflows.

The real formats use three date styles (DOMAIN.md): ``yyyyMMdd`` in upload heads,
``yyyy-MM-dd HH:mm:ss`` in receipts and ISO 8601 in the envelope. Times in the
documents are Beijing time (Asia/Shanghai); the models hold aware datetimes only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from schemas.quantities import MAX_QUANTITY, check_places

DOCUMENT_ZONE = ZoneInfo("Asia/Shanghai")

# --- marks read by the XML binding -------------------------------------------------


class TimeStyle(Enum):
    COMPACT_DATE = "yyyyMMdd"  # upload heads: 20261128
    RECEIPT = "yyyy-MM-dd HH:mm:ss"  # receipts: 2026-11-28 14:03:00 (Beijing time)
    ISO = "ISO 8601"  # envelope send_time: 2026-11-28T14:03:00+08:00


@dataclass(frozen=True)
class FixedPlaces:
    """Written with exactly this many decimal places (prices 4, totals 2)."""

    places: int


@dataclass(frozen=True)
class UpToPlaces:
    """Written as given, without trailing zeros, and refused beyond this many places."""

    places: int


@dataclass(frozen=True)
class Wrapped:
    """A list written inside a container element: ``<DecLists><DecList/>...</DecLists>``."""

    item: str


@dataclass(frozen=True)
class AlsoRead:
    """Other spellings of the element that real producers write, read as this field.

    The first spelling (the alias) is the one written. Matching is also
    case-insensitive (``passID`` / ``passId``), so list only spellings that differ
    by more than case (``RltEntryRcvgdetpsNm``) or document them for the reader.
    """

    names: tuple[str, ...]

    def __init__(self, *names: str) -> None:
        object.__setattr__(self, "names", names)


@dataclass(frozen=True)
class WhenSet:
    """Written only with a value, even where customs writes every other element empty:
    an element the HDE schema declares but real receipts leave out (col2-col4)."""


SchemaOnlyText = Annotated[str, WhenSet()]


@dataclass(frozen=True)
class Joined:
    """Several values in one element's text, joined by a separator.

    Receipts join related numbers with a backslash: ``QD9601...\\QD9601...``.
    """

    separator: str = "\\"


# --- numbers -------------------------------------------------------------------------


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("give numbers as strings or Decimals, not floats")
    return value


def _places(places: int, what: str, *, positive: bool = False) -> AfterValidator:
    def check(value: Decimal) -> Decimal:
        check_places(value, places, what)
        if value < 0 or value.is_signed() or (positive and value == 0):
            raise ValueError(f"{what} must be {'greater than zero' if positive else 'at least 0'}")
        if value > MAX_QUANTITY:
            raise ValueError(f"{what} must be at most {MAX_QUANTITY}")
        return value

    return AfterValidator(check)


Quantity = Annotated[Decimal, BeforeValidator(_no_float), _places(5, "quantity"), UpToPlaces(5)]
"""Declared, legal and second legal quantities: up to 5 decimal places."""

Weight = Annotated[Decimal, BeforeValidator(_no_float), _places(5, "weight"), UpToPlaces(5)]
"""Kilograms, up to 5 decimal places."""

UnitPrice = Annotated[Decimal, BeforeValidator(_no_float), _places(4, "unit price"), FixedPlaces(4)]
"""Declared unit price (申报单价): 4 decimal places."""

Total = Annotated[Decimal, BeforeValidator(_no_float), _places(2, "total"), FixedPlaces(2)]
"""Declared totals (申报总价) and other money: 2 decimal places (fen)."""

Rate = Annotated[Decimal, BeforeValidator(_no_float), _places(5, "rate"), UpToPlaces(5)]
"""Freight, insurance and other rates or amounts in the declaration head."""


# --- dates and times --------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a time zone (documents use Asia/Shanghai, +08:00)")
    return value


def _whole_seconds(value: datetime) -> datetime:
    if value.microsecond:
        raise ValueError("document times are to the second")
    return value


CompactDate = Annotated[date, TimeStyle.COMPACT_DATE]
ReceiptTime = Annotated[
    datetime, AfterValidator(_aware), AfterValidator(_whole_seconds), TimeStyle.RECEIPT
]
EnvelopeTime = Annotated[
    datetime, AfterValidator(_aware), AfterValidator(_whole_seconds), TimeStyle.ISO
]


# --- codes and texts ----------------------------------------------------------------


def _code(pattern: str) -> StringConstraints:
    return StringConstraints(pattern=pattern)


# Countries (国别(地区)) and currencies (币制) are written in two systems: the customs numeric
# codes (142 China, 502 USA / US dollar) and, in the single window since the 2018 reform, the
# ISO letter codes (CHN, USD). Real files carry both (codetables.systems converts them).
Country = Annotated[str, _code(r"^([0-9]{3}|[A-Z]{3})$")]
Currency = Annotated[str, _code(r"^([0-9]{3}|[A-Z]{3})$")]
Unit = Annotated[str, _code(r"^[0-9]{3}$")]
SupervisionMode = Annotated[str, _code(r"^[0-9]{4}$")]
TransportMode = Annotated[str, _code(r"^[0-9A-Z]$")]
# The identifiers (CustomsCode, CreditCode, CustomsDistrict, HsCode, BookNo, BondedListNo,
# GatePassNo, PreEntryNo, EntryId) are schemas.identifiers' types: one rule for drafts,
# master data, the API and the messages.


# XML 1.0 Char, minus CR: a parser turns CR into LF, so it could not come back.
_NOT_XML_CHAR = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def no_control_characters(value: str) -> str:
    bad = _NOT_XML_CHAR.search(value)
    if bad is not None:
        raise ValueError(f"contains a character XML cannot carry: U+{ord(bad.group()):04X}")
    return value


Text = Annotated[str, AfterValidator(no_control_characters)]
"""Any text, kept exactly as written: the type of every element bondflow keeps and
shows but does not interpret (and of everything customs sends: no pattern of ours may
refuse a receipt)."""


# Text of at most N characters: the published maximum of an upload field (the PHP
# SDK's validator and the HDE XSD's facets, REAL-FORMATS.md). Written out per length
# because a type checker needs each alias spelled out.
Text1 = Annotated[str, StringConstraints(max_length=1), AfterValidator(no_control_characters)]
Text3 = Annotated[str, StringConstraints(max_length=3), AfterValidator(no_control_characters)]
Text4 = Annotated[str, StringConstraints(max_length=4), AfterValidator(no_control_characters)]
Text6 = Annotated[str, StringConstraints(max_length=6), AfterValidator(no_control_characters)]
Text8 = Annotated[str, StringConstraints(max_length=8), AfterValidator(no_control_characters)]
Text10 = Annotated[str, StringConstraints(max_length=10), AfterValidator(no_control_characters)]
Text18 = Annotated[str, StringConstraints(max_length=18), AfterValidator(no_control_characters)]
Text19 = Annotated[str, StringConstraints(max_length=19), AfterValidator(no_control_characters)]
Text20 = Annotated[str, StringConstraints(max_length=20), AfterValidator(no_control_characters)]
Text25 = Annotated[str, StringConstraints(max_length=25), AfterValidator(no_control_characters)]
Text32 = Annotated[str, StringConstraints(max_length=32), AfterValidator(no_control_characters)]
Text64 = Annotated[str, StringConstraints(max_length=64), AfterValidator(no_control_characters)]
Text128 = Annotated[str, StringConstraints(max_length=128), AfterValidator(no_control_characters)]
Text255 = Annotated[str, StringConstraints(max_length=255), AfterValidator(no_control_characters)]
Text256 = Annotated[str, StringConstraints(max_length=256), AfterValidator(no_control_characters)]
Text512 = Annotated[str, StringConstraints(max_length=512), AfterValidator(no_control_characters)]
Text4000 = Annotated[str, StringConstraints(max_length=4000), AfterValidator(no_control_characters)]


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=512),
    AfterValidator(no_control_characters),
]
"""Names of enterprises and goods, Chinese allowed."""
