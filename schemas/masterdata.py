"""Master data: enterprises, account books (账册), book items, consumption norms (单耗),
locations and lots. These models are the input vocabulary; storage lives in adapters/db."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.norms import check_norm
from schemas.codes import BookType, EnterpriseRole, LocationKind
from schemas.identifiers import CheckedCreditCode, CustomsCode, CustomsDistrict, HsCode, ZoneBookNo
from schemas.quantities import Factor

CreditCode = CheckedCreditCode
BookNo = ZoneBookNo  # master data holds the books the zone engine keeps
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{3}$", description="3-digit customs unit code")]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_.\-/]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class EnterpriseIn(_Model):
    """A zone enterprise (区内企业) or declaring agent."""

    customs_code: CustomsCode
    credit_code: CreditCode
    name: Annotated[str, Field(min_length=1, max_length=200)]
    roles: Annotated[frozenset[EnterpriseRole], Field(min_length=1)]


class AccountBookIn(_Model):
    """An account book (账册) of a zone enterprise: H for processing, T for logistics.

    The book number's first letter is its type and must be the ``book_type``: the
    engine branches on it (norms and work orders for H, storage only for T). A B, C
    or E number (来料/进料加工手册, 电子账册) is a valid book number, and a list may
    name one as its related book, but it is not registered here: such manuals and
    books belong to processing-trade enterprises outside the special zones, whose
    movements are not bonded-zone stock and whose rules (manual write-off, deep
    processing transfers) the zone engine does not implement. Registering one would
    let lists be filed against rules it does not keep.
    """

    book_no: BookNo
    book_type: BookType
    enterprise_customs_code: CustomsCode
    valid_from: dt.date
    valid_to: dt.date
    customs_district: CustomsDistrict

    @model_validator(mode="after")
    def _consistent(self) -> AccountBookIn:
        if self.book_no[0] != self.book_type.value:
            raise ValueError(
                f"book number {self.book_no} starts with {self.book_no[0]!r} "
                f"but the book type is {self.book_type.value!r}"
            )
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class BookItemIn(_Model):
    """A registered item of a book (备案料件/成品): 备案序号 + 料号 + HS code + units."""

    book_no: BookNo
    item_no: Annotated[int, Field(ge=1, le=999_999_999, description="备案序号")]
    part_no: Annotated[str, Field(min_length=1, max_length=64, description="料号")]
    hs_code: HsCode
    name: Annotated[str, Field(min_length=1, max_length=255)]
    specification: Annotated[str, Field(max_length=255)] = ""
    declared_unit: UnitCode
    first_legal_unit: UnitCode
    first_legal_factor: Factor = Field(description="legal quantity per declared unit")
    second_legal_unit: UnitCode | None = None
    second_legal_factor: Factor | None = None
    is_finished_good: bool = Field(default=False, description="成品 (E) rather than 料件 (I)")

    @model_validator(mode="after")
    def _factors(self) -> BookItemIn:
        if self.first_legal_factor <= 0:
            raise ValueError("first_legal_factor must be greater than zero")
        if (self.second_legal_unit is None) != (self.second_legal_factor is None):
            raise ValueError("second_legal_unit and second_legal_factor go together")
        if self.second_legal_factor is not None and self.second_legal_factor <= 0:
            raise ValueError("second_legal_factor must be greater than zero")
        if self.declared_unit == self.first_legal_unit and self.first_legal_factor != 1:
            raise ValueError("declared and first legal unit are the same: the factor must be 1")
        return self


class ConsumptionNormIn(_Model):
    """A consumption norm (单耗) version: material per unit of a finished item."""

    book_no: BookNo
    finished_item_no: Annotated[int, Field(ge=1)]
    material_item_no: Annotated[int, Field(ge=1)]
    version: Annotated[int, Field(ge=1, description="单耗版本号")]
    net_consumption: Factor = Field(description="净耗")
    loss_rate: Factor = Field(description="工艺损耗率, 0 <= rate < 1")
    effective_from: dt.date

    @model_validator(mode="after")
    def _sane(self) -> ConsumptionNormIn:
        check_norm(self.net_consumption, self.loss_rate)
        if self.finished_item_no == self.material_item_no:
            raise ValueError("a norm links a finished item to a different material item")
        return self


class LocationIn(_Model):
    """A place in the zone: an area (cold chain, logistics warehouse), warehouse or bin,
    of one enterprise or, with none, of the whole zone (the zone operator's)."""

    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: LocationKind
    parent_code: Code | None = None
    enterprise_customs_code: CustomsCode | None = Field(
        default=None, description="the enterprise it belongs to; none: zone-wide"
    )
    cold_store: bool = Field(default=False, description="冷库: a temperature-controlled store")


class LocationView(_Model):
    """A registered location; a retired one is kept for its history but takes no stock."""

    code: str
    name: str
    kind: LocationKind
    parent_code: str | None
    enterprise_customs_code: str | None
    cold_store: bool
    retired_at: dt.datetime | None
    retired_by: str | None


class LotIn(_Model):
    """A lot (批次) of one book item; it keeps its identity across locations and statuses."""

    book_no: BookNo
    item_no: Annotated[int, Field(ge=1)]
    lot_no: Code
    origin: Annotated[str, Field(max_length=255)] = ""


class NormView(_Model):
    book_no: str
    finished_item_no: int
    material_item_no: int
    version: int
    net_consumption: Decimal
    loss_rate: Decimal
    effective_from: dt.date


class ImportRow(_Model):
    """A refused row of an imported file: its line (the header is row 1), the column as
    the file names it (none for a rule over several columns) and the reason."""

    row: int
    column: str | None
    field: str
    reason: str


class ImportSummary(_Model):
    """What an import did: importing the same file again creates nothing."""

    book_no: str
    created: int
    unchanged: int
