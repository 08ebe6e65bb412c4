"""Every step a workflow runs is an activity the worker registers, under the name
recorded histories hold, with the argument type the step says."""

from __future__ import annotations

import typing
from typing import cast

from temporalio import activity

from activities.dependencies import Dependencies
from activities.registry import all_activities
from workflows.domestic_sale import DomesticSaleWorkflow
from workflows.export import ExportWorkflow
from workflows.first_line_entry import FirstLineEntryWorkflow
from workflows.second_line_entry import SecondLineEntryWorkflow
from workflows.steps import PROCESSING, STOCKTAKE, TRANSFER, WRITE_OFF, ListSteps, Step

# The activities only keep their dependencies until they run: none are needed here.
REGISTERED = {
    activity._Definition.must_from_callable(fn).name: fn
    for fn in all_activities(cast(Dependencies, None))
}


def _steps(steps: object) -> list[Step[object, object]]:
    return [value for value in vars(steps).values() if isinstance(value, Step)]


def test_the_bonded_lists_keep_todays_activity_names() -> None:
    prefixes = {
        FirstLineEntryWorkflow: "entry",
        SecondLineEntryWorkflow: "second_line_entry",
        ExportWorkflow: "export",
        DomesticSaleWorkflow: "domestic_sale",
    }
    for workflow, prefix in prefixes.items():
        steps: ListSteps = workflow.STEPS
        assert {step.name for step in _steps(steps)} == {
            f"{prefix}.{name}"
            for name in ("validate", "reserve", "resolve", "submit_list", "submit_gate_pass")
        }


def test_every_step_is_registered_and_takes_the_steps_argument() -> None:
    workflows = (
        FirstLineEntryWorkflow,
        SecondLineEntryWorkflow,
        ExportWorkflow,
        DomesticSaleWorkflow,
    )
    steps = [step for w in workflows for step in _steps(w.STEPS)]
    steps += _steps(TRANSFER) + _steps(PROCESSING) + _steps(STOCKTAKE) + _steps(WRITE_OFF)
    assert {step.name for step in steps} == set(REGISTERED)
    for step in steps:
        hints = typing.get_type_hints(REGISTERED[step.name])
        argument = next(value for name, value in hints.items() if name != "return")
        accepted = typing.get_args(argument) or (argument,)
        assert step.argument in accepted, step.name
        assert hints["return"] is step.result, step.name
