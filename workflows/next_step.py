"""The next step of a lifecycle and who it waits for, from its stage (pure): each
workflow's table, and the one rule on top of it: customs' silence past the receipt
timeout, or a stage past its deadline (a stocktake's counts or payment), makes the
wait the liaison's. The status query and the work queue (which reads
the stage from visibility) both say it this way."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from schemas.lifecycle import Role, Stage

NextSteps = Mapping[Stage, tuple[str, Role | None]]


def next_step(
    table: NextSteps, stage: Stage, escalated: bool, overdue: Collection[Stage] = ()
) -> tuple[str, Role | None]:
    """(the next step in words, who it waits for). ``overdue``: the stages whose
    escalation means their deadline passed (the workflow escalates them)."""
    step, waiting_for = table[stage]
    if escalated and waiting_for is Role.CUSTOMS:
        return f"{step} (escalated: no receipt in time)", Role.LIAISON
    if escalated and stage in overdue:
        return f"{step} (escalated: past the deadline)", Role.LIAISON
    return step, waiting_for
