"""Every field of a message for people: element path, its Chinese name and the text.

A receipt is shown whole, as customs sent it (issue #11: "show every field customs
sent, not a subset"): the text tree flattened in the model's order, each leaf with
the label its model gives it (``保税清单编号``), elements bondflow does not know with
none. The API's receipt view and ``bondflow gateway receipt`` print this.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from adapters.xml.binding import plan_of
from adapters.xml.codec import ENVELOPE_KEYS, Document, Layout, read_document
from adapters.xml.tree import join
from schemas.customs import ReceiptContent, ReceiptField
from schemas.messages.envelope import EnvelopInfo, PocketInfo


@dataclass(frozen=True)
class LabelledField:
    element: str  # the element path: INV201/BondInvtBsc/bondInvtNo
    label: str | None  # 中文名 from the model; None for an element bondflow does not know
    value: str


def fields_of(document: Document) -> list[LabelledField]:
    """Every leaf of the document, in the canonical order, then unknown ones."""
    tree = document.tree
    fields: list[LabelledField] = []
    if document.kind.layout is not Layout.ROOT:
        fields += _walk(tree.get("EnvelopInfo", {}), EnvelopInfo, "EnvelopInfo")
        if isinstance(tree.get("PocketInfo"), Mapping):
            fields += _walk(tree["PocketInfo"], PocketInfo, "PocketInfo")
        body = {key: value for key, value in tree.items() if key not in ENVELOPE_KEYS}
        fields += _walk(body, document.kind.model, "", skip=ENVELOPE_KEYS)
    else:
        fields += _walk(tree, document.kind.model, document.kind.element)
    return fields


def _walk(
    tree: Mapping[str, Any],
    model: type[BaseModel] | None,
    path: str,
    skip: frozenset[str] = frozenset(),
) -> Iterator[LabelledField]:
    known: set[str] = set(skip)
    if model is not None:
        for plan in plan_of(model):
            known.add(plan.element)
            if plan.element in skip or plan.element not in tree:
                continue
            value = tree[plan.element]
            where = join(path, plan.element)
            label = model.model_fields[plan.name].description
            if plan.repeated:
                base = join(where, plan.wrapper_item) if plan.wrapper_item else where
                for index, item in enumerate(value if isinstance(value, list) else [value], 1):
                    if isinstance(item, Mapping):
                        yield from _walk(item, plan.model, f"{base}[{index}]")
            elif plan.model is not None:
                if isinstance(value, Mapping):
                    yield from _walk(value, plan.model, where)
            elif isinstance(value, str):
                yield LabelledField(where, label, value)
            else:
                yield from _walk_unknown(where, value)
    for key, value in tree.items():
        if key in known or key.startswith("@") or key == "#text":
            continue
        yield from _walk_unknown(join(path, key), value)


def _walk_unknown(path: str, value: Any) -> Iterator[LabelledField]:
    if isinstance(value, str):
        yield LabelledField(path, None, value)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _walk_unknown(f"{path}[{index}]", item)
    elif isinstance(value, Mapping):
        if "#text" in value and isinstance(value["#text"], str):
            yield LabelledField(path, None, value["#text"])
        for key, item in value.items():
            if key == "#text":
                continue
            if key.startswith("@"):
                yield LabelledField(f"{path}/{key}", None, str(item))
            else:
                yield from _walk_unknown(join(path, key), item)


def receipt_content(receipt_id: int, payload: bytes) -> ReceiptContent:
    """A stored receipt (its bytes as they arrived) with every field, for people."""
    document = read_document(payload, source=f"receipt {receipt_id}")
    return ReceiptContent(
        id=receipt_id,
        message_type=document.kind.type.value,
        transport=document.transport.wrapper if document.transport else None,
        fields=[
            ReceiptField(element=field.element, label=field.label, value=field.value)
            for field in fields_of(document)
        ],
    )
