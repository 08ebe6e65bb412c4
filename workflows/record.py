"""What every lifecycle workflow keeps about itself: its stage, its timeline, its
search attributes, and the refusal of a decision in the wrong role or stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import Lifecycle, Role, Stage, TimelineEntry


class LifecycleRecord:
    LIFECYCLE: ClassVar[Lifecycle]
    NEXT_STEP: ClassVar[Mapping[Stage, tuple[str, Role | None]]]

    _stage: Stage
    _timeline: list[TimelineEntry]

    def _search_values(self) -> list[Any]:
        """The search attributes to upsert (each workflow says which)."""
        raise NotImplementedError

    def _indexed(self) -> bool:
        return True

    def _set(self, stage: Stage) -> None:
        if stage is not self._stage:
            self._stage = stage
            self._upsert()

    def _note(self, stage: Stage, actor: str, role: Role, note: str) -> None:
        self._set(stage)
        self._timeline.append(
            TimelineEntry(at=workflow.now(), stage=stage, actor=actor, role=role, note=note)
        )

    def _upsert(self) -> None:
        if self._indexed():
            workflow.upsert_search_attributes(self._search_values())

    def _require(self, role: Role, roles: set[Role], action: str, stages: set[Stage]) -> None:
        """Refuse (an update's validator) a decision in the wrong role or stage."""
        if role not in roles:
            allowed = " or ".join(sorted(r.value for r in roles))
            raise ApplicationError(f"role: only a {allowed} may {action}", type="Refused")
        if self._stage not in stages:
            raise ApplicationError(
                f"stage: cannot {action} while {self._stage.value}"
                f" (waiting for {self.NEXT_STEP[self._stage][0]})",
                type="Refused",
            )
