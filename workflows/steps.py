"""Typed references to the activities a workflow runs, by family.

A ``Step`` is an activity's type name with its argument and result types: the
workflow core runs ``self._run(steps.reserve, ReserveInput(...))`` and mypy checks
the argument and the result, where a name string checked nothing. The names are
built once from the lifecycle's prefix (``list_steps("export")``) and are the names
the activities are registered under (``activities.registry``); recorded histories
hold them, so they never change.

Light on purpose: the workflow sandbox imports this module (only ``schemas``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import (
        ReserveInput,
        ResolveInput,
        StocktakeAssessInput,
        StocktakeDuty,
        StocktakeOpened,
        StocktakeOpenInput,
        StocktakePostInput,
        SubmitGatePassInput,
        SubmitListInput,
        Submitted,
        TransferReserveInput,
        TransferSideInput,
        TransferValidateInput,
        ValidateInput,
        ValidationReport,
        WorkOrderCheck,
        WorkOrderCheckInput,
        WorkOrderPostInput,
        WriteOffCloseInput,
        WriteOffPrepared,
        WriteOffPrepareInput,
    )

A = TypeVar("A")
R = TypeVar("R")


@dataclass(frozen=True)
class Step(Generic[A, R]):
    """One activity: its registered type name, what it takes and what it returns."""

    name: str
    argument: type[A]
    result: type[R]


@dataclass(frozen=True)
class ListSteps:
    """The bonded-list family (entries, exports, domestic sales)."""

    validate: Step[ValidateInput, ValidationReport]
    reserve: Step[ReserveInput, str]
    resolve: Step[ResolveInput, str]
    submit_list: Step[SubmitListInput, Submitted]
    submit_gate_pass: Step[SubmitGatePassInput, Submitted]


def list_steps(prefix: str) -> ListSteps:
    return ListSteps(
        validate=Step(f"{prefix}.validate", ValidateInput, ValidationReport),
        reserve=Step(f"{prefix}.reserve", ReserveInput, str),
        resolve=Step(f"{prefix}.resolve", ResolveInput, str),
        submit_list=Step(f"{prefix}.submit_list", SubmitListInput, Submitted),
        submit_gate_pass=Step(f"{prefix}.submit_gate_pass", SubmitGatePassInput, Submitted),
    )


@dataclass(frozen=True)
class TransferSteps:
    """The in-zone transfer: both books at once, one list per side."""

    validate: Step[TransferValidateInput, ValidationReport]
    reserve: Step[TransferReserveInput, str]
    resolve: Step[ResolveInput, str]
    submit_list: Step[TransferSideInput, Submitted]


TRANSFER = TransferSteps(
    validate=Step("transfer.validate", TransferValidateInput, ValidationReport),
    reserve=Step("transfer.reserve", TransferReserveInput, str),
    resolve=Step("transfer.resolve", ResolveInput, str),
    submit_list=Step("transfer.submit_list", TransferSideInput, Submitted),
)


@dataclass(frozen=True)
class ProcessingSteps:
    """A work order: checked against the norms, posted once."""

    check: Step[WorkOrderCheckInput, WorkOrderCheck]
    post: Step[WorkOrderPostInput, str]


PROCESSING = ProcessingSteps(
    check=Step("processing.check", WorkOrderCheckInput, WorkOrderCheck),
    post=Step("processing.post", WorkOrderPostInput, str),
)


@dataclass(frozen=True)
class StocktakeSteps:
    """A stocktake: opened (the book's positions as of the count), its losses
    assessed, its accepted differences posted once."""

    open: Step[StocktakeOpenInput, StocktakeOpened]
    assess: Step[StocktakeAssessInput, StocktakeDuty]
    post: Step[StocktakePostInput, str]


STOCKTAKE = StocktakeSteps(
    open=Step("stocktake.open", StocktakeOpenInput, StocktakeOpened),
    assess=Step("stocktake.assess", StocktakeAssessInput, StocktakeDuty),
    post=Step("stocktake.post", StocktakePostInput, str),
)


@dataclass(frozen=True)
class WriteOffSteps:
    """A write-off: its statement prepared (the counted balances from the period's
    stocktake), the period closed once approved."""

    prepare: Step[WriteOffPrepareInput, WriteOffPrepared]
    close: Step[WriteOffCloseInput, str]


WRITE_OFF = WriteOffSteps(
    prepare=Step("write_off.prepare", WriteOffPrepareInput, WriteOffPrepared),
    close=Step("write_off.close", WriteOffCloseInput, str),
)
