"""A draft as form fields and back (pure): each leaf of the draft is one input named by
its path, the one path style of refusals (``lines[0].quantity``, ``vehicle.vehicle_no``),
so a refusal names the very input to fix. Lines can be corrected, not added or removed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeGuard, get_args, get_origin

from pydantic import BaseModel

from schemas.errors import field_path

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:(?:\.[A-Za-z_][A-Za-z0-9_]*)|(?:\[\d{1,4}\]))*")


def fields_of(value: Mapping[str, Any], *, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """``{path: text}`` for every leaf of a draft dumped as JSON (``None`` as empty)."""
    return {
        path: "" if leaf is None else str(leaf).lower() if isinstance(leaf, bool) else str(leaf)
        for path, leaf in _leaves(value, ())
        if path not in leave_out
    }


def _leaves(value: Any, at: tuple[str | int, ...]) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, (*at, key))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from _leaves(inner, (*at, index))
    else:
        yield field_path(at), value


def draft_of(fields: Mapping[str, str]) -> dict[str, Any]:
    """The draft back from its fields: paths rebuilt into objects and lists; an empty
    input is left out (its default applies, or the model names it as required)."""
    draft: dict[str, Any] = {}
    for path, text in fields.items():
        if text == "" or not _PATH.fullmatch(path):
            continue
        parts: list[str | int] = [
            name if name else int(index) for name, index in _PART.findall(path)
        ]
        _put(draft, parts, text)
    rebuilt: dict[str, Any] = _as_lists(draft)
    return rebuilt


def _put(into: dict[Any, Any], parts: list[str | int], text: str) -> None:
    """Put ``text`` at its path. A form may send a value and a nested field at one path
    (``lines[0]=x`` and ``lines[0].lot_no=y``): the first to arrive stands, and the draft's
    model refuses it by name, instead of the page failing."""
    *through, last = parts
    here = into
    for part in through:
        inner = here.setdefault(part, {})
        if not isinstance(inner, dict):
            return
        here = inner
    if not isinstance(here.get(last), dict):
        here[last] = text


def _as_lists(value: Any) -> Any:
    """Objects keyed by indexes become lists, in index order."""
    if not isinstance(value, dict):
        return value
    if value and all(isinstance(key, int) for key in value):
        return [_as_lists(value[key]) for key in sorted(value)]
    return {key: _as_lists(inner) for key, inner in value.items()}


def blank_fields(
    model: type[BaseModel], *, lines: int, leave_out: tuple[str, ...] = ()
) -> dict[str, str]:
    """``{path: default}`` for a new draft of ``model``: each field (its default, or
    empty), nested models' fields under their name, ``lines`` rows of a list of models."""
    return {path: text for path, text in _blank(model, "", lines) if path not in leave_out}


def _blank(model: type[BaseModel], prefix: str, lines: int) -> Iterator[tuple[str, str]]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        inner = get_args(annotation)
        if get_origin(annotation) is tuple and inner and _is_model(inner[0]):
            for row in range(lines):
                yield from _blank(inner[0], f"{path}[{row}].", lines)
        elif _is_model(annotation):
            yield from _blank(annotation, f"{path}.", lines)
        else:
            default = info.get_default(call_default_factory=True)
            yield path, "" if default is None or info.is_required() else str(default)


def _is_model(annotation: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
