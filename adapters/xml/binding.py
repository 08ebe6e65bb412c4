"""Bind message models to XML elements and back, driven by the models' own declarations.

Each model field with an alias is one element, written in field order; the marks in
``schemas.messages.fields`` choose the text format (fixed or free decimal places,
the three date styles, backslash-joined numbers, wrapped lists). Reading goes by
local name, so the same code reads documents with and without a namespace.

A refusal names the element path (``InvtMessage/InvtListType[3]/DclQty``), the line
and the reason; the model's own validators supply the reasons for values.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from lxml import etree
from pydantic import BaseModel

from schemas.messages.fields import (
    DOCUMENT_ZONE,
    AlsoRead,
    FixedPlaces,
    Joined,
    TimeStyle,
    UpToPlaces,
    WhenSet,
    Wrapped,
)
from schemas.quantities import places_of

M = TypeVar("M", bound=BaseModel)

_DECIMAL_TEXT = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$", re.ASCII)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_COMPACT_DATE = re.compile(r"^\d{8}$", re.ASCII)
_RECEIPT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", re.ASCII)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$", re.ASCII)
_COMPACT_TIME = re.compile(r"^\d{14}$", re.ASCII)  # YmdHis, as some clients write send_time


@dataclass(frozen=True)
class Scalar:
    """How one value becomes text and back."""

    to_text: Callable[[Any], str]
    from_text: Callable[[str], Any]


@dataclass(frozen=True)
class FieldPlan:
    name: str
    element: str
    required: bool
    model: type[BaseModel] | None = None  # a child element with children of its own
    repeated: bool = False  # a tuple of elements (or of items inside a wrapper)
    wrapper_item: str | None = None  # items live in <element><wrapper_item/>...</element>
    scalar: Scalar | None = None
    also: tuple[str, ...] = ()  # other spellings real producers write (AlsoRead)
    when_set: bool = False  # never written empty (WhenSet)


# --- scalar formats -------------------------------------------------------------------


def _decimal_from_text(text: str) -> Decimal:
    # Only plain decimal notation: no exponents, NaN, infinities or thousands separators.
    if not _DECIMAL_TEXT.match(text):
        raise ValueError(f"{text!r} is not a decimal number")
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern already guards
        raise ValueError(f"{text!r} is not a decimal number") from error


def _fixed(places: int) -> Scalar:
    def to_text(value: Decimal) -> str:
        # "f" formatting would round a value with more places: refuse it instead (the
        # model refuses them too; this guards values built around the model).
        exponent = value.as_tuple().exponent
        # As written with at most `places` places (the usual case), nothing to round;
        # otherwise trailing zeros may still make it fit (1.23000 for 4 places).
        if not (isinstance(exponent, int) and exponent >= -places) and places_of(value) > places:
            raise ValueError(f"{value} has more than {places} decimal places")
        return format(value, f".{places}f")

    return Scalar(to_text, _decimal_from_text)


def _free_decimal_text(value: Decimal) -> str:
    # The same text as schemas.quantities.plain (no exponent, no trailing zeros), without
    # normalising first: this runs for every quantity and weight of a document.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


_FREE_DECIMAL = Scalar(_free_decimal_text, _decimal_from_text)


def _compact_date_from_text(text: str) -> date:
    # Receipts (DEC_RESULT's D_DATE) sometimes carry ISO dates or times: the day counts.
    if _ISO_DATE.match(text):
        return date.fromisoformat(text)
    if _ISO_TIME.match(text):
        return _iso_time_from_text(text).astimezone(DOCUMENT_ZONE).date()
    if not _COMPACT_DATE.match(text):
        raise ValueError(f"{text!r} is not a date in the form yyyyMMdd")
    return datetime.strptime(text, "%Y%m%d").replace(tzinfo=DOCUMENT_ZONE).date()


def _receipt_time_to_text(value: datetime) -> str:
    return value.astimezone(DOCUMENT_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def _receipt_time_from_text(text: str) -> datetime:
    # Real producers write a time three ways (REAL-FORMATS 1.2): ISO (send_time,
    # DEC_RESULT), with a space (receipts, AutoIt's send_time) and YmdHis (PHP SDK).
    if _ISO_TIME.match(text):
        return _iso_time_from_text(text)
    if _COMPACT_TIME.match(text):
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=DOCUMENT_ZONE)
    if not _RECEIPT_TIME.match(text):
        raise ValueError(f"{text!r} is not a time in the form yyyy-MM-dd HH:mm:ss")
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=DOCUMENT_ZONE)


def _iso_time_to_text(value: datetime) -> str:
    # Beijing time without an offset, as real envelopes write it (2024-07-30T11:48:03).
    return value.astimezone(DOCUMENT_ZONE).strftime("%Y-%m-%dT%H:%M:%S")


def _iso_time_from_text(text: str) -> datetime:
    if not _ISO_TIME.match(text):
        if _RECEIPT_TIME.match(text) or _COMPACT_TIME.match(text):
            return _receipt_time_from_text(text)
        raise ValueError(f"{text!r} is not an ISO 8601 time (yyyy-MM-ddTHH:mm:ss)")
    parsed = datetime.fromisoformat(text)
    # A time without an offset in a customs document is Beijing time.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=DOCUMENT_ZONE)


_TEXT = Scalar(str, str)
_ENUM = Scalar(lambda value: str(value.value), str)
_INT = Scalar(str, lambda text: _int_from_text(text))
_TIMES = {
    TimeStyle.COMPACT_DATE: Scalar(lambda value: value.strftime("%Y%m%d"), _compact_date_from_text),
    TimeStyle.RECEIPT: Scalar(_receipt_time_to_text, _receipt_time_from_text),
    TimeStyle.ISO: Scalar(_iso_time_to_text, _iso_time_from_text),
}


_WHOLE = re.compile(r"-?[0-9]{1,18}", re.ASCII)


def _int_from_text(text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def _joined(separator: str) -> Scalar:
    def from_text(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(separator) if part.strip())

    return Scalar(lambda values: separator.join(values), from_text)


# --- plans ----------------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The base type, every Annotated mark on the way, and whether None is allowed."""
    marks: list[Any] = []
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            marks.extend(extra)
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            optional = optional or len(members) < len(get_args(annotation))
            if len(members) != 1:
                raise TypeError(f"cannot bind a union of {members}")
            annotation = members[0]
        else:
            return annotation, marks, optional


def _scalar_for(base: Any, marks: list[Any]) -> Scalar:
    for mark in marks:
        if isinstance(mark, FixedPlaces):
            return _fixed(mark.places)
        if isinstance(mark, UpToPlaces):
            return _FREE_DECIMAL
        if isinstance(mark, TimeStyle):
            return _TIMES[mark]
        if isinstance(mark, Joined):
            return _joined(mark.separator)
    if isinstance(base, type) and issubclass(base, Enum):
        return _ENUM
    if base is str:
        return _TEXT
    if base is int:
        return _INT
    if base is Decimal:
        return _FREE_DECIMAL
    raise TypeError(f"no XML text format for {base!r} with marks {marks!r}")


@cache
def plan_of(model: type[BaseModel]) -> tuple[FieldPlan, ...]:
    """The elements of ``model`` in the order they are written."""
    plans: list[FieldPlan] = []
    for name, info in model.model_fields.items():
        if info.alias is None:
            continue  # not an element: e.g. the envelope style or DecMessage's version
        base, marks, optional = _unwrap(info.annotation)
        marks.extend(info.metadata)
        required = info.is_required()
        wrapped = next((mark for mark in marks if isinstance(mark, Wrapped)), None)
        also = tuple(name for mark in marks if isinstance(mark, AlsoRead) for name in mark.names)
        joined = any(isinstance(mark, Joined) for mark in marks)
        if get_origin(base) is tuple and not joined:
            item = get_args(base)[0]
            item_base, _item_marks, _ = _unwrap(item)
            if not (isinstance(item_base, type) and issubclass(item_base, BaseModel)):
                raise TypeError(f"{model.__name__}.{name}: only lists of elements are bound")
            plans.append(
                FieldPlan(
                    name=name,
                    element=info.alias,
                    required=required,
                    model=item_base,
                    repeated=True,
                    wrapper_item=wrapped.item if wrapped else None,
                    also=also,
                )
            )
        elif isinstance(base, type) and issubclass(base, BaseModel):
            plans.append(
                FieldPlan(name=name, element=info.alias, required=required, model=base, also=also)
            )
        else:
            scalar = _scalar_for(base, marks)
            plans.append(
                FieldPlan(
                    name=name,
                    element=info.alias,
                    required=required and not optional,
                    scalar=scalar,
                    also=also,
                    when_set=any(isinstance(mark, WhenSet) for mark in marks),
                )
            )
    return tuple(plans)


@cache
def lookup_of(model: type[BaseModel]) -> tuple[dict[str, FieldPlan], dict[str, FieldPlan]]:
    """How to find a field by the name an element has in a file: exactly (the alias or
    another known spelling), then ignoring case (``passID`` / ``passId``)."""
    exact: dict[str, FieldPlan] = {}
    folded: dict[str, FieldPlan] = {}
    for plan in plan_of(model):
        for spelling in (plan.element, *plan.also):
            for table, key in ((exact, spelling), (folded, spelling.lower())):
                other = table.get(key)
                if other is not None and other is not plan:
                    raise TypeError(
                        f"{model.__name__}: {plan.element} and {other.element} are both read"
                        f" from {spelling!r}"
                    )
                table[key] = plan
    return exact, folded


def local_name(element: etree._Element) -> str:
    tag = element.tag
    assert isinstance(tag, str)
    return tag.rpartition("}")[2]


def child_elements(element: etree._Element) -> list[etree._Element]:
    """Element children only: comments and processing instructions are not content."""
    return [child for child in element if isinstance(child.tag, str)]
