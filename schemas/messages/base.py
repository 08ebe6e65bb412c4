"""What every customs message model shares: frozen, strict, named by field or by element."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined


class MessageModel(BaseModel):
    """A part of a customs message.

    Field names are Python's (``seq_no``); each alias is the element's name in the
    real format (``SeqNo``). JSON from ``bondflow xml inspect`` uses the field names;
    both are accepted on input.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=False,
    )


def el(
    alias: str, default: Any = PydanticUndefined, *, zh: str | None = None, **constraints: Any
) -> Any:
    """A field written as the element ``alias``; ``zh`` is its Chinese label (中文名).

    The label is what people see next to the value (``bondflow xml inspect``, the
    receipt view, the console), so every element carries the name the customs
    specification gives it where a source gives one.
    """
    return Field(default, alias=alias, description=zh, **constraints)


class EnvelopeStyle(StrEnum):
    """How a Package is wrapped: all three occur in real files, so all three round-trip."""

    XMLDSIG = "xmldsig"  # <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><Object><Package>
    BARE = "bare"  # <Package> with no namespace (SAS22x receipts)
    XMLDSIG_PACKAGE = "xmldsig-package"  # <Package xmlns="...xmldsig#"> (INV20x receipts)
