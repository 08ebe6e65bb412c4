"""Activities of a second-line entry (二线入区): goods from the domestic market become
zone stock that is not bonded (非保税); the domestic party files the declaration."""

from __future__ import annotations

from temporalio import activity

from activities.checking import draft_and_day
from activities.entry import EntryActivities
from schemas.codes import CustomsStatus, OutsideKind
from schemas.lifecycle import (
    ReserveInput,
    ResolveInput,
    SecondLineEntryDraft,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    ValidateInput,
    ValidationReport,
)


class SecondLineEntryActivities(EntryActivities):
    @activity.defn(name="second_line_entry.validate")
    def validate(  # type: ignore[override]
        self, data: ValidateInput | SecondLineEntryDraft
    ) -> ValidationReport:
        return self._check(*draft_and_day(data))

    @activity.defn(name="second_line_entry.reserve")
    def reserve(self, data: ReserveInput) -> str:
        return self._reserve_in(
            data,
            OutsideKind.DOMESTIC,
            CustomsStatus.NON_BONDED,
            f"second-line entry {data.draft.inner_no}: domestic goods, awaiting the gate",
        )

    @activity.defn(name="second_line_entry.resolve")
    def resolve(self, data: ResolveInput) -> str:
        return super().resolve(data)

    @activity.defn(name="second_line_entry.submit_list")
    def submit_list(self, data: SubmitListInput) -> Submitted:
        return super().submit_list(data)

    @activity.defn(name="second_line_entry.submit_gate_pass")
    def submit_gate_pass(self, data: SubmitGatePassInput) -> Submitted:
        return super().submit_gate_pass(data)
