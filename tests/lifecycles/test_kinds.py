"""KINDS describes each lifecycle once: what its workflow takes, what it is corrected
with, which upload files it, and what the work queue offers in each stage."""

from __future__ import annotations

import pytest
from temporalio import workflow

from bondflow.worker import WORKFLOWS
from lifecycles.actions import ACTIONS, CANCEL, CORRECTION, RETURN, SIGN_OFF
from lifecycles.kinds import KINDS, upload_kind
from lifecycles.service import QueueFilter
from schemas.lifecycle import Lifecycle, NextStep, Role, Stage
from schemas.messages.codes import ImpExp
from tests.lifecycles.test_from_xml import with_head
from tests.support import messages
from workflows.next_step import NEXT_STEP_WORDS

DEFINITIONS = {
    definition.name: definition
    for definition in (workflow._Definition.must_from_class(cls) for cls in WORKFLOWS)
}


@pytest.mark.parametrize("lifecycle", list(Lifecycle))
def test_a_kind_offers_exactly_the_updates_its_workflow_takes(lifecycle: Lifecycle) -> None:
    """Given a lifecycle's kind, when its actions are compared with the updates its
    registered workflow defines, then they are the same set, and the correction the
    API sends is the model the workflow's `correct` update takes."""
    kind = KINDS[lifecycle]
    definition = DEFINITIONS[kind.workflow]

    assert {action.update for action in kind.actions} == set(definition.updates)
    assert definition.updates["correct"].arg_types == [kind.correction]
    for action in kind.actions:
        if action.decision is not None:
            assert definition.updates[action.update].arg_types == [action.decision]


@pytest.mark.parametrize("lifecycle", list(Lifecycle))
def test_a_kind_offers_actions_in_its_workflows_stages_only_to_whom_it_waits_for(
    lifecycle: Lifecycle,
) -> None:
    """Given a stage the workflow has, what the queue offers there is decided by
    whom the stage waits for."""
    kind = KINDS[lifecycle]
    for stage, (_, waiting_for) in kind.next_steps.items():
        for action in kind.offered(stage):
            assert waiting_for in action.by or action is CANCEL, (stage, action.path)


def test_every_action_has_its_own_path_and_update() -> None:
    assert len({a.path for a in ACTIONS}) == len({a.update for a in ACTIONS}) == len(ACTIONS)


def test_the_queue_offers_the_step_forward_then_sending_back_then_withdrawing() -> None:
    """Given an entry or a transfer awaiting sign-off, the queue offers sign-off, return,
    cancel (both run the core's sign-off loop); a returned entry, correction and cancel."""
    entry = KINDS[Lifecycle.FIRST_LINE_ENTRY]
    transfer = KINDS[Lifecycle.TRANSFER]

    assert entry.offered(Stage.AWAITING_SIGN_OFF) == (SIGN_OFF, RETURN, CANCEL)
    assert entry.offered(Stage.RETURNED) == (CORRECTION, CANCEL)
    assert transfer.offered(Stage.AWAITING_SIGN_OFF) == (SIGN_OFF, RETURN, CANCEL)
    assert entry.offered(Stage.AWAITING_REVIEW) == ()


def test_customs_silence_makes_the_wait_the_liaisons() -> None:
    entry = KINDS[Lifecycle.FIRST_LINE_ENTRY]

    assert entry.next_step(Stage.AWAITING_REVIEW, escalated=False).waiting_for is Role.CUSTOMS
    escalated = entry.next_step(Stage.AWAITING_REVIEW, escalated=True)
    assert escalated.waiting_for is Role.LIAISON
    assert escalated.step is NextStep.CUSTOMS_REVIEW
    assert escalated.words.endswith("(escalated: no receipt in time)")


def test_every_next_step_has_english_words() -> None:
    """The API's next_step is the code's words: every code has some."""
    assert set(NEXT_STEP_WORDS) == set(NextStep)


def test_an_upload_files_the_lifecycle_its_message_and_direction_say() -> None:
    """An INV101 marked I files a first-line entry, marked E an export; a DecMessage
    a second-line entry; a gate pass files nothing."""
    inbound = messages.bonded_list()
    outbound = with_head(inbound, impexp_markcd=ImpExp.EXPORT)

    assert _lifecycle(upload_kind(inbound)) is Lifecycle.FIRST_LINE_ENTRY
    assert _lifecycle(upload_kind(outbound)) is Lifecycle.EXPORT
    assert _lifecycle(upload_kind(messages.declaration())) is Lifecycle.SECOND_LINE_ENTRY
    assert upload_kind(messages.gate_pass()) is None


def _lifecycle(kind: object) -> Lifecycle | None:
    return getattr(kind, "lifecycle", None)


def test_the_queue_asks_visibility_what_its_attributes_can_answer() -> None:
    """Given a liaison's queue filtered by lifecycle, stage, escalation and book, the
    visibility query names each attribute; a book also lets transfers through (their
    BOOK is the giving side's, the table decides), and escalated=false is not asked
    (a lifecycle that never upserted it has none)."""
    wanted = QueueFilter(
        Role.LIAISON, Lifecycle.EXPORT, Stage.INSPECTION, True, None, "H9601W104420"
    )

    assert wanted.query() == (
        "ExecutionStatus = 'Running' AND BondflowWaitingFor = 'liaison'"
        " AND BondflowLifecycle = 'export' AND BondflowStatus = 'inspection'"
        " AND BondflowEscalated = true"
        " AND (BondflowBook = 'H9601W104420' OR BondflowLifecycle = 'transfer')"
    )
    assert "Escalated" not in QueueFilter(Role.FILER, escalated=False).query()
