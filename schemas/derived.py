"""Computed fields that travel: written into JSON, read back without complaint.

A pydantic computed field is part of a model's JSON (so the API's response and its
OpenAPI schema carry it) but not of its input: a model with ``extra="forbid"`` would
refuse its own JSON when it is read back, which Temporal's pydantic converter does
with every query answer and activity result, and FastAPI with every response. A model
built on :class:`ReadsBackComputedFields` drops its computed fields from the input,
validates the rest, and refuses the input only when a computed value it was given
disagrees with the one the other fields give (a value changed on the way).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Self

from pydantic import BaseModel, ModelWrapValidatorHandler, TypeAdapter, model_validator


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


class ReadsBackComputedFields(BaseModel):
    """A model whose computed fields may be given back to it, as they were written."""

    @model_validator(mode="wrap")
    @classmethod
    def _computed_fields_read_back(
        cls, data: Any, handler: ModelWrapValidatorHandler[Self]
    ) -> Self:
        computed = cls.model_computed_fields
        if not computed or not isinstance(data, dict) or computed.keys().isdisjoint(data):
            return handler(data)
        given = {name: data[name] for name in computed if name in data}
        model = handler({key: value for key, value in data.items() if key not in computed})
        for name, value in given.items():
            if _adapter(computed[name].return_type).validate_python(value) != getattr(model, name):
                raise ValueError(
                    f"{name}: {value!r} is not what the fields it is computed from give"
                )
        return model
