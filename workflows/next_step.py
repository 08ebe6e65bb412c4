"""The next step of a lifecycle and who it waits for, from its stage (pure): each
workflow's table, and the one rule on top of it: customs' silence past the receipt
timeout makes the wait the liaison's. The status query and the work queue (which reads
the stage from visibility) both say it this way."""

from __future__ import annotations

from collections.abc import Mapping

from schemas.lifecycle import Role, Stage

NextSteps = Mapping[Stage, tuple[str, Role | None]]


def next_step(table: NextSteps, stage: Stage, escalated: bool) -> tuple[str, Role | None]:
    """(the next step in words, who it waits for)."""
    step, waiting_for = table[stage]
    if escalated and waiting_for is Role.CUSTOMS:
        return f"{step} (escalated: no receipt in time)", Role.LIAISON
    return step, waiting_for
