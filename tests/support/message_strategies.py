"""Hypothesis strategies for every customs message, derived from the models themselves.

Each field's strategy follows its declared type: patterns become regular-expression
strategies, decimals get the places their mark allows, names are any XML-safe text
(Chinese included). Cross-field rules (a vehicle's total weight is its parts, lines
numbered 1..n) are then made true by a small fix-up per model, so that almost every
example is a valid message rather than a rejected one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, get_args, get_origin

import annotated_types
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.types import StringConstraints

from adapters.xml.binding import _unwrap
from adapters.xml.codec import KINDS, Layout
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import InvtHead, InvtLine, InvtMessage
from schemas.messages.codes import GatePassKind
from schemas.messages.declaration import DecHead, DeclarationMessage, DecList
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import (
    DOCUMENT_ZONE,
    FixedPlaces,
    Joined,
    TimeStyle,
    UpToPlaces,
)
from schemas.messages.gate_pass import PassportHead, PassPortMessage

# Text that XML 1.0 carries and that survives stripping: no control characters, no
# surrogates or unassigned points (U+FFFE/FFFF), no CR (a parser turns it into LF).
# Without surrogates every point is UTF-8, so no codec is named: hypothesis works a
# codec's table out from every code point (2.5 s) in a process that has not stored it
# in .hypothesis/ yet, as in a clean clone.
NAME_TEXT = (
    st.text(
        alphabet=st.characters(
            exclude_categories=("Cc", "Cs", "Cn"),
            include_characters="\t\n",
        ),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(bool)
)
CHINESE = st.text(
    alphabet="光伏组件电池片玻璃铝边框接线盒西宁综合保税区海关退单", min_size=1, max_size=12
)
SMALL_LIMIT = 10**9  # big enough for any weight or amount, small enough to add up safely


def _decimal(places: int, fixed: bool) -> st.SearchStrategy[Decimal]:
    strategy = st.decimals(
        min_value=0, max_value=SMALL_LIMIT, places=places, allow_nan=False, allow_infinity=False
    )
    if fixed:
        return strategy
    # Free-form: fewer places too, and trailing zeros that the writer drops.
    return st.integers(0, places).flatmap(
        lambda p: st.decimals(
            min_value=0, max_value=SMALL_LIMIT, places=p, allow_nan=False, allow_infinity=False
        )
    )


def _string(metadata: list[Any]) -> st.SearchStrategy[str]:
    # StringConstraints arrives whole inside unions, or taken apart (a general metadata
    # object with the pattern, MaxLen) on a field's own annotation.
    pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
    max_length = next(
        (
            m.max_length
            for m in metadata
            if isinstance(m, StringConstraints | annotated_types.MaxLen)
            and getattr(m, "max_length", None)
        ),
        None,
    )
    if pattern is not None:
        return st.from_regex(re.compile(pattern), fullmatch=True)
    text = st.one_of(NAME_TEXT, CHINESE)
    if max_length is not None:
        text = text.map(lambda value: value[:max_length].strip()).filter(bool)
    return text


def _bounds(metadata: list[Any]) -> tuple[int, int]:
    low, high = 0, 10**6
    for mark in metadata:
        if isinstance(mark, annotated_types.Ge):
            low = int(mark.ge)  # type: ignore[call-overload]
        if isinstance(mark, annotated_types.Le):
            high = int(mark.le)  # type: ignore[call-overload]
    return low, high


def _scalar(base: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    for mark in metadata:
        if isinstance(mark, FixedPlaces):
            return _decimal(mark.places, fixed=True)
        if isinstance(mark, UpToPlaces):
            return _decimal(mark.places, fixed=False)
        if mark is TimeStyle.COMPACT_DATE:
            return st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
        if mark in (TimeStyle.RECEIPT, TimeStyle.ISO):
            return st.datetimes(
                dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
                dt.datetime(2099, 12, 31),  # noqa: DTZ001
                timezones=st.just(DOCUMENT_ZONE),
            ).map(lambda value: value.replace(microsecond=0))
        if isinstance(mark, Joined):
            _, item_marks, _ = _unwrap(get_args(base)[0])
            return st.lists(_string(_flat(item_marks)), min_size=1, max_size=3).map(tuple)
    if isinstance(base, type) and issubclass(base, Enum):
        return st.sampled_from(list(base))
    if base is int:
        return st.integers(*_bounds(metadata))
    if base is str:
        return _string(metadata)
    if base is Decimal:
        return _decimal(5, fixed=False)
    raise TypeError(f"no strategy for {base!r}")


def _flat(marks: list[Any]) -> list[Any]:
    # Field(ge=1) inside Annotated stays a FieldInfo: its constraints are its metadata.
    flat: list[Any] = []
    for mark in marks:
        flat.extend(mark.metadata if isinstance(mark, FieldInfo) else [mark])
    return flat


def _field(annotation: Any, metadata: list[Any], required: bool) -> st.SearchStrategy[Any]:
    base, marks, optional = _unwrap(annotation)
    marks = _flat(marks + metadata)
    if get_origin(base) is tuple and not any(isinstance(m, Joined) for m in marks):
        item, _, _ = _unwrap(get_args(base)[0])
        low = next((m.min_length for m in marks if isinstance(m, annotated_types.MinLen)), 0)
        return st.lists(model_strategy(item), min_size=max(low, 0), max_size=3).map(tuple)
    if isinstance(base, type) and issubclass(base, BaseModel):
        strategy: st.SearchStrategy[Any] = model_strategy(base)
    else:
        strategy = _scalar(base, marks)
    if optional or not required:
        return st.one_of(st.none(), strategy) if optional else strategy
    return strategy


# --- fix-ups: make the cross-field rules true ---------------------------------------


def _fix_invt_head(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("dclcus_flag") is not None and values["dclcus_flag"].value == "1":
        values["dclcus_typecd"] = values.get("dclcus_typecd") or "2"
        values["dec_type"] = values.get("dec_type") or "3"
    return values


def _pair(first: str, second: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def fix(values: dict[str, Any]) -> dict[str, Any]:
        if (values.get(first) is None) != (values.get(second) is None):
            values[first] = values[second] = None
        return values

    return fix


def _renumber(field: str, number: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def fix(values: dict[str, Any]) -> dict[str, Any]:
        values[field] = tuple(
            item.model_copy(update={number: index})
            for index, item in enumerate(values.get(field, ()), start=1)
        )
        return values

    return fix


def _fix_passport_head(values: dict[str, Any]) -> dict[str, Any]:
    tare = (
        values["vehicle_wt"]
        + (values.get("vehicle_frame_wt") or 0)
        + (values.get("container_wt") or 0)
    )
    values["total_wt"] = tare + values["total_gross_wt"]
    values["total_net_wt"] = min(values["total_net_wt"], values["total_gross_wt"])
    return values


def _fix_passport_message(values: dict[str, Any]) -> dict[str, Any]:
    values = _renumber("lines", "passport_seqno")(values)
    if not values.get("documents"):
        values["head"] = values["head"].model_copy(
            update={"passport_typecd": GatePassKind.EMPTY_VEHICLE}
        )
    return values


def _fix_dec_head(values: dict[str, Any]) -> dict[str, Any]:
    for charge in ("fee", "insur", "other"):
        if (values.get(f"{charge}_mark") is None) != (values.get(f"{charge}_rate") is None):
            values[f"{charge}_mark"] = values[f"{charge}_rate"] = None
        if values.get(f"{charge}_mark") in ("2", "3") and values.get(f"{charge}_curr") is None:
            values[f"{charge}_curr"] = "142"
    values["net_wt"] = min(values["net_wt"], values["gross_wet"])
    return values


FIXUPS: dict[type[BaseModel], Callable[[dict[str, Any]], dict[str, Any]]] = {
    InvtHead: _fix_invt_head,
    InvtLine: _pair("secd_lawf_unitcd", "secd_lawf_qty"),
    InvtMessage: _renumber("lines", "gds_seqno"),
    PassportHead: _fix_passport_head,
    PassPortMessage: _fix_passport_message,
    DecHead: _fix_dec_head,
    DecList: _pair("second_qty", "second_unit"),
    DeclarationMessage: _renumber("lines", "g_no"),
}


@cache
def model_strategy(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    """Valid instances of any message model."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        if name == "style":
            fields[name] = st.sampled_from(list(EnvelopeStyle))
            continue
        if info.alias is None:
            continue  # DecMessage's version: a constant
        fields[name] = _field(info.annotation, list(info.metadata), info.is_required())
    fix = FIXUPS.get(model, lambda values: values)
    return st.fixed_dictionaries(fields).map(fix).map(model.model_validate)


def _with_envelope_type(model: type[BaseModel], message_type: Any) -> st.SearchStrategy[Any]:
    envelope = model_strategy(EnvelopInfo).map(
        lambda value: value.model_copy(update={"message_type": message_type})
    )
    return st.tuples(model_strategy(model), envelope).map(
        lambda pair: pair[0].model_copy(update={"envelope": pair[1]})
    )


def message_strategy(kind_index: int) -> st.SearchStrategy[Any]:
    kind = KINDS[kind_index]
    if kind.layout is Layout.ROOT:
        return model_strategy(kind.model)
    return _with_envelope_type(kind.model, kind.type)
