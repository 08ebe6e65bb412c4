"""The document a lifecycle is about (单证), as the liaison reads it: the draft as filed,
or as last corrected, read from the workflow's own history (its start input, then
each accepted ``correct`` update), never from a second copy; and shown as a head and
lines, each code with the code table it comes from (币制, 国别, 监管方式, 运输方式)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel
from temporalio.api.common.v1 import Payloads
from temporalio.client import Client
from temporalio.service import RPCError

from lifecycles.kinds import Kind
from lifecycles.service import TEMPORAL_TIMEOUT, Unavailable

CORRECT: Final = "correct"

# The code table of each field that holds a code (by the field's name in any draft).
CODE_TABLES: Final[dict[str, str]] = {
    "currency": "currency",
    "origin_country": "country",
    "departure_country": "country",
    "destination_country": "country",
    "supervision_mode": "supervision_mode",
    "transport_mode": "transport_mode",
}
LEFT_OUT: Final = frozenset({"kind", "lines"})


@dataclass(frozen=True)
class Cell:
    name: str  # the field's path in the draft (vehicle.vehicle_no)
    value: str | Decimal | None
    table: str | None  # the code table the value is a code of

    @property
    def number(self) -> bool:
        return isinstance(self.value, Decimal)


@dataclass(frozen=True)
class DocumentTable:
    head: tuple[Cell, ...]
    columns: tuple[str, ...]
    lines: tuple[tuple[Cell, ...], ...]
    corrected: bool  # the draft is a correction's, not the first filing's


def _cells(values: dict[str, Any], prefix: str = "") -> list[Cell]:
    cells: list[Cell] = []
    for name, value in values.items():
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            cells.extend(_cells(dict(value), f"{path}."))
        elif isinstance(value, Decimal | str | int) or value is None:
            shown = value if isinstance(value, Decimal | str) or value is None else str(value)
            cells.append(Cell(path, shown, CODE_TABLES.get(name)))
        else:
            cells.append(Cell(path, str(value), None))
    return cells


def table_of(draft: BaseModel, corrected: bool) -> DocumentTable:
    fields = dict(draft)
    head = tuple(_cells({k: v for k, v in fields.items() if k not in LEFT_OUT}))
    lines = tuple(tuple(_cells(dict(line))) for line in fields.get("lines", ()))
    columns = tuple(cell.name for cell in lines[0]) if lines else ()
    return DocumentTable(head, columns, lines, corrected)


async def current_draft(client: Client, workflow_id: str, kind: Kind) -> DocumentTable:
    """The lifecycle's draft now: the last accepted correction's, else the filed one."""
    try:
        history = await asyncio.wait_for(
            client.get_workflow_handle(workflow_id).fetch_history(), TEMPORAL_TIMEOUT
        )
    except (RPCError, TimeoutError) as error:
        raise Unavailable(f"Temporal did not give the history of {workflow_id}: {error}") from error
    found: dict[str, Any] | None = None
    corrected = False
    for event in history.events:
        if event.HasField("workflow_execution_started_event_attributes"):
            found = await _first(client, event.workflow_execution_started_event_attributes.input)
        elif event.HasField("workflow_execution_update_accepted_event_attributes"):
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            if request.input.name == CORRECT:
                found = await _first(client, request.input.args)
                corrected = True
    if found is None or "draft" not in found:
        raise Unavailable(f"the history of {workflow_id} holds no draft")
    return table_of(kind.draft.model_validate(found["draft"]), corrected)


async def _first(client: Client, payloads: Payloads) -> dict[str, Any] | None:
    values = await client.data_converter.decode(payloads.payloads)
    value = values[0] if values else None
    return value if isinstance(value, dict) else None
