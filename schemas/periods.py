"""A book's periods (账期): months, quarters and verification periods (核销周期), closed
and reopened by the liaison; what the ledger answers about them."""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.masterdata import BookNo


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    VERIFICATION = "verification"  # a processing book's verification period: any range


Reason = Annotated[str, Field(min_length=1, max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PeriodDays(_Model):
    """Which days a period covers (Beijing days, both included). A month starts on the
    1st and ends on its last day; a quarter starts in January, April, July or October
    and ends on the last day of its third month."""

    kind: PeriodKind
    first_day: dt.date
    last_day: dt.date

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        if self.kind is PeriodKind.VERIFICATION:
            return self
        months = 1 if self.kind is PeriodKind.MONTH else 3
        if self.first_day.day != 1 or (
            self.kind is PeriodKind.QUARTER and self.first_day.month % 3 != 1
        ):
            raise ValueError(f"a {self.kind.value} starts on the first day of its first month")
        end_month = self.first_day.month + months - 1
        last = calendar.monthrange(self.first_day.year, end_month)[1]
        if self.last_day != dt.date(self.first_day.year, end_month, last):
            raise ValueError(
                f"a {self.kind.value} starting {self.first_day} ends on "
                f"{dt.date(self.first_day.year, end_month, last)}"
            )
        return self


class CloseRequest(PeriodDays):
    reason: Reason


class ReopenRequest(_Model):
    first_day: dt.date
    last_day: dt.date
    reason: Reason


class PeriodEvent(_Model):
    """The latest close or reopen of a period, as chained."""

    operation: str
    actor: str
    reason: str
    recorded_at: dt.datetime
    chain_seq: int


class BookPeriod(_Model):
    book_no: BookNo
    kind: PeriodKind
    first_day: dt.date
    last_day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime  # exclusive: midnight (Beijing) after last_day
    closed: bool
    last_event: PeriodEvent
