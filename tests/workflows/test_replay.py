"""Recorded histories of every entry path replay against today's workflow code.

A change that would break workflows already running (a new activity, a different
order of commands) fails here. Such a change must be guarded with
``workflow.patched``: ``entry_returned_corrected_v1`` was recorded before the
re-validation of corrected drafts was added, ``..._v2`` after; both replay.
Record new histories with ``BONDFLOW_RECORD_HISTORIES=1 pytest tests/workflows``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from bondflow.worker import WORKFLOWS
from tests.support.sandbox import ValidatedOnce

HISTORIES = sorted(Path(__file__).with_name("histories").glob("*.json"))


def test_there_are_histories_for_each_path() -> None:
    names = {path.stem for path in HISTORIES}
    assert {
        "entry_completed",
        "entry_cancelled_before_filing",
        "entry_returned_corrected_v1",
        "entry_returned_corrected_v2",
        "entry_returned_cancelled",
        "entry_inspected",
        "entry_weight_refused",
        "export_completed",
        "export_returned_corrected",
        "entry_gate_pass_returned",
        "work_order_completed",
        "work_order_deviation_approved",
        "work_order_cancelled",
        "entry_escalated",
        "domestic_sale_completed",
        "second_line_entry_completed",
        "transfer_completed",
        "transfer_in_returned_corrected",
        "stocktake_differences_accepted",
        "stocktake_recounted",
        "stocktake_loss_paid",
        "stocktake_damage_waived",
        "write_off_agreed",
        "write_off_difference_explained",
        "write_off_returned_corrected",
        "write_off_statement_changed",
        "write_off_correction_overdue",
    } <= names


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_a_recorded_history_replays_with_todays_code(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, json.loads(path.read_text("utf-8")))
    # Each replay runs in the sandbox; the classes are checked once per process
    # (tests/support/sandbox.py), not again for each of the ~30 histories.
    replayer = Replayer(
        workflows=WORKFLOWS,
        data_converter=pydantic_data_converter,
        workflow_runner=ValidatedOnce(),
    )
    await replayer.replay_workflow(history)


def _patches(name: str) -> set[str]:
    """The workflow.patched ids a history recorded (core_patch markers)."""
    path = Path(__file__).with_name("histories") / f"{name}.json"
    found = set()
    for event in json.loads(path.read_text("utf-8"))["events"]:
        marker = event.get("markerRecordedEventAttributes")
        if marker and marker["markerName"] == "core_patch":
            for payload in marker["details"]["patch-data"]["payloads"]:
                found.add(json.loads(base64.b64decode(payload["data"]))["id"])
    return found


def test_the_patch_marker_is_in_the_new_history_only() -> None:
    """v1 ran before the patch, v2 after: the marker tells them apart on replay."""
    assert "validate-corrections" not in _patches("entry_returned_corrected_v1")
    assert "validate-corrections" in _patches("entry_returned_corrected_v2")


def test_each_path_of_a_correction_replays_from_its_own_marker() -> None:
    """v1: reserved again on top of the first reservation; v2: checked again first;
    today: the first reservation is voided before the correction is checked and
    reserved. Each history replays the path it ran (test above)."""
    assert "release-before-correcting" not in _patches("entry_returned_corrected_v2")
    assert _patches("export_returned_corrected") == {"release-before-correcting"}


def test_transfers_recorded_before_escalation_replay_without_its_timer() -> None:
    assert "transfer-escalation" not in _patches("transfer_completed")
    assert "transfer-escalation" in _patches("transfer_in_returned_corrected")


def test_the_escalations_upsert_is_behind_its_patch() -> None:
    """An entry escalated on the core upserts the queue's attributes (the marker);
    histories from before it replay without the upsert."""
    assert "queue-attributes" in _patches("entry_escalated")
    assert "queue-attributes" not in _patches("entry_completed")


def test_write_offs_recorded_before_their_patches_replay_the_old_path() -> None:
    """An approval refused because the statement changed goes back to the review
    (``write-off-statement-changed``); a returned write-off waits for its correction
    with a deadline and a decision ends an escalation (``write-off-deadlines``).
    Histories from before either replay without them (the test above)."""
    for old in ("write_off_agreed", "write_off_returned_corrected"):
        assert not {"write-off-statement-changed", "write-off-deadlines"} & _patches(old)
    assert "write-off-statement-changed" in _patches("write_off_statement_changed")
    assert "write-off-deadlines" in _patches("write_off_correction_overdue")
