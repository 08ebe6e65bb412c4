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
from pydantic import BaseModel, ValidationError

from adapters.xml.errors import XmlMessageError
from schemas.messages.fields import (
    DOCUMENT_ZONE,
    FixedPlaces,
    Joined,
    TimeStyle,
    UpToPlaces,
    Wrapped,
)
from schemas.quantities import places_of, plain
from schemas.wording import plain_reason

M = TypeVar("M", bound=BaseModel)

_DECIMAL_TEXT = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$", re.ASCII)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_COMPACT_DATE = re.compile(r"^\d{8}$", re.ASCII)
_RECEIPT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", re.ASCII)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$", re.ASCII)


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
        if places_of(value) > places:
            raise ValueError(f"{value} has more than {places} decimal places")
        return format(value, f".{places}f")

    return Scalar(to_text, _decimal_from_text)


_FREE_DECIMAL = Scalar(plain, _decimal_from_text)


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
    if _ISO_TIME.match(text):
        return _iso_time_from_text(text)  # some receipts (DEC_RESULT) write ISO times
    if not _RECEIPT_TIME.match(text):
        raise ValueError(f"{text!r} is not a time in the form yyyy-MM-dd HH:mm:ss")
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=DOCUMENT_ZONE)


def _iso_time_to_text(value: datetime) -> str:
    return value.astimezone(DOCUMENT_ZONE).isoformat(timespec="seconds")


def _iso_time_from_text(text: str) -> datetime:
    if not _ISO_TIME.match(text):
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


def _int_from_text(text: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,18}", text):
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
                )
            )
        elif isinstance(base, type) and issubclass(base, BaseModel):
            plans.append(FieldPlan(name=name, element=info.alias, required=required, model=base))
        else:
            scalar = _scalar_for(base, marks)
            plans.append(
                FieldPlan(
                    name=name,
                    element=info.alias,
                    required=required and not optional,
                    scalar=scalar,
                )
            )
    return tuple(plans)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


# --- writing --------------------------------------------------------------------------


def write_fields(
    parent: etree._Element,
    model: BaseModel,
    namespace: str | None,
    exclude: frozenset[str] = frozenset(),
    path: str = "",
) -> None:
    """Append one element per set field of ``model`` (but ``exclude``) to ``parent``.

    ``path`` is the parent's path for refusals; "" when the children start it.
    """
    qualify = (lambda name: f"{{{namespace}}}{name}") if namespace else (lambda name: name)
    for plan in plan_of(type(model)):
        if plan.name in exclude:
            continue
        value = getattr(model, plan.name)
        if value is None:
            continue
        if plan.repeated:
            if not value:
                continue
            holder = parent
            item_name = plan.element
            item_path = path
            if plan.wrapper_item is not None:
                holder = etree.SubElement(parent, qualify(plan.element))
                item_name = plan.wrapper_item
                item_path = _join(path, plan.element)
            for index, item in enumerate(value, start=1):
                child = etree.SubElement(holder, qualify(item_name))
                write_fields(child, item, namespace, path=_join(item_path, f"{item_name}[{index}]"))
        elif plan.model is not None:
            child = etree.SubElement(parent, qualify(plan.element))
            write_fields(child, value, namespace, path=_join(path, plan.element))
        else:
            assert plan.scalar is not None
            if isinstance(value, tuple) and not value:
                continue
            try:
                text = plan.scalar.to_text(value)
            except ValueError as error:
                raise XmlMessageError(str(error), path=_join(path, plan.element)) from None
            etree.SubElement(parent, qualify(plan.element)).text = text


# --- reading --------------------------------------------------------------------------


def local_name(element: etree._Element) -> str:
    tag = element.tag
    assert isinstance(tag, str)
    return tag.rpartition("}")[2]


def child_elements(element: etree._Element) -> list[etree._Element]:
    """Element children only: comments and processing instructions are not content."""
    return [child for child in element if isinstance(child.tag, str)]


@dataclass
class _Place:
    path: str
    line: int | None


def read_model(
    element: etree._Element,
    model: type[M],
    path: str,
    source: str | None = None,
    given: dict[str, Any] | None = None,
    lenient: bool = False,
) -> M:
    """Build ``model`` from ``element``'s children, refusing what does not fit.

    ``given`` holds fields already read from elsewhere (an upload's envelope sits
    beside its BussinessData, not inside it); those are not looked for here.
    ``lenient`` skips elements the model does not know (receipts carry more than we
    use; the file itself is kept byte for byte); uploads are read strictly.
    """
    given = given or {}
    plans = {plan.element: plan for plan in plan_of(model) if plan.name not in given}
    values: dict[str, Any] = dict(given)
    places: dict[str, _Place] = {}
    counts: dict[str, int] = {}
    for child in element.iterchildren(etree.Element):  # elements only, filtered in C
        tag = child.tag
        assert isinstance(tag, str)
        name = tag.rpartition("}")[2]
        plan = plans.get(name)
        counts[name] = counts.get(name, 0) + 1
        child_path = _join(path, name)
        if plan is None:
            if lenient:
                continue
            raise XmlMessageError(
                f"unexpected element {name} in {local_name(element)}",
                path=child_path,
                line=child.sourceline,
                source=source,
            )
        if plan.repeated:
            index = counts[name]
            if plan.wrapper_item is not None:
                if index > 1:
                    raise _twice(child, child_path, source)
                items = []
                for position, item in enumerate(child_elements(child), start=1):
                    item_name = local_name(item)
                    item_path = f"{child_path}/{item_name}[{position}]"
                    if item_name != plan.wrapper_item:
                        raise XmlMessageError(
                            f"unexpected element {item_name} in {name}",
                            path=item_path,
                            line=item.sourceline,
                            source=source,
                        )
                    assert plan.model is not None
                    items.append(read_model(item, plan.model, item_path, source, lenient=lenient))
                values[plan.name] = tuple(items)
            else:
                assert plan.model is not None
                item_path = f"{child_path}[{index}]"
                values.setdefault(plan.name, []).append(
                    read_model(child, plan.model, item_path, source, lenient=lenient)
                )
            places.setdefault(plan.name, _Place(child_path, child.sourceline))
            continue
        if counts[name] > 1:
            raise _twice(child, child_path, source)
        places[plan.name] = _Place(child_path, child.sourceline)
        if plan.model is not None:
            values[plan.name] = read_model(child, plan.model, child_path, source, lenient=lenient)
            continue
        assert plan.scalar is not None
        text = child.text or ""
        if len(child):
            if child_elements(child):
                raise XmlMessageError(
                    f"{name} holds a value, not elements",
                    path=child_path,
                    line=child.sourceline,
                    source=source,
                )
            # Comments and processing instructions inside a value are not part of it,
            # but the text after them is: <note>a<!-- x -->b</note> reads "ab".
            text += "".join(part.tail or "" for part in child)
        text = text.strip()
        if not text:
            continue  # an empty optional element (<Rmk/>) is the same as an absent one
        try:
            values[plan.name] = plan.scalar.from_text(text)
        except ValueError as error:
            raise XmlMessageError(
                str(error), path=child_path, line=child.sourceline, source=source
            ) from None
    for plan in plans.values():
        if plan.required and plan.name not in values:
            raise XmlMessageError(
                f"required element {plan.element} is missing or empty",
                path=_join(path, plan.element),
                line=element.sourceline,
                source=source,
            )
        if plan.repeated and isinstance(values.get(plan.name), list):
            values[plan.name] = tuple(values[plan.name])
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise _located(error, model, places, path, element.sourceline, source) from None


def _twice(child: etree._Element, path: str, source: str | None) -> XmlMessageError:
    return XmlMessageError(
        f"{local_name(child)} appears more than once",
        path=path,
        line=child.sourceline,
        source=source,
    )


def _located(
    error: ValidationError,
    model: type[BaseModel],
    places: dict[str, _Place],
    path: str,
    line: int | None,
    source: str | None,
) -> XmlMessageError:
    first = error.errors(include_url=False)[0]
    loc = first["loc"]
    reason = plain_reason(first["msg"])
    place = _Place(path, line)
    if loc:
        key = str(loc[0])
        by_alias = {info.alias: name for name, info in model.model_fields.items() if info.alias}
        name = by_alias.get(key, key)
        place = places.get(name, place)
        info = model.model_fields.get(name)
        element = info.alias if info is not None and info.alias else key
        if place.path == path:
            place = _Place(_join(path, element), line)
    more = error.error_count() - 1
    if more:
        reason = f"{reason} (and {more} more problem{'s' if more > 1 else ''})"
    return XmlMessageError(reason, path=place.path or None, line=place.line, source=source)
