"""The customs identifiers as annotated types: one type per identifier, used by master
data, drafts, the customs messages, API bodies, paths and query parameters alike.

Each type checks its value with the rule in ``rules/identifiers.py`` (a refusal says in
words what the form is) and carries the rule's pattern, so the OpenAPI document, the
XSDs (compared with the models by a test) and hypothesis strategies see one pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from rules.identifiers import (
    BONDED_LIST_NO,
    BOOK_NO,
    CREDIT_CODE,
    CUSTOMS_CODE,
    CUSTOMS_DISTRICT,
    ENTRY_ID,
    GATE_PASS_NO,
    HS_CODE,
    PRE_ENTRY_NO,
    IdentifierError,
    IdentifierRule,
    validate_credit_code_checked,
)
from schemas.codes import BookType


@dataclass(frozen=True)
class Identifier:
    """The mark of an identifier type: its rule, and a stricter check where one applies."""

    rule: IdentifierRule
    check: Callable[[str], str] | None = None

    @property
    def pattern(self) -> str:
        return self.rule.pattern

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.check or self.rule.check, handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        described = handler(schema)
        described["pattern"] = self.rule.pattern
        described.setdefault("description", f"{self.rule.name}: {self.rule.form}")
        return described


CustomsCode = Annotated[str, Identifier(CUSTOMS_CODE)]
"""10-character enterprise customs code (海关编码), the district first."""
CreditCode = Annotated[str, Identifier(CREDIT_CODE)]
"""18-character unified social credit code (统一社会信用代码), its form: messages carry
other parties' codes as written (customs judges them)."""
CheckedCreditCode = Annotated[str, Identifier(CREDIT_CODE, validate_credit_code_checked)]
"""A credit code bondflow registers: the form and the GB 32100 check characters."""
CustomsDistrict = Annotated[str, Identifier(CUSTOMS_DISTRICT)]
"""4-digit customs district / port code (关区代码)."""
HsCode = Annotated[str, Identifier(HS_CODE)]
"""10-digit commodity code (商品编码)."""
BookNo = Annotated[str, Identifier(BOOK_NO)]
"""Account book or manual number (账册/手册编号): type letter, district, 7 more."""
BondedListNo = Annotated[str, Identifier(BONDED_LIST_NO)]
"""Bonded list number (核注清单编号): QD + district + year + I/E + 9 digits."""
GatePassNo = Annotated[str, Identifier(GATE_PASS_NO)]
"""Gate pass number (核放单编号): 16 to 24 characters."""
PreEntryNo = Annotated[str, Identifier(PRE_ENTRY_NO)]
"""18-character pre-entry number (预录入编号 / 统一编号)."""
EntryId = Annotated[str, Identifier(ENTRY_ID)]
"""18-digit customs declaration number (报关单号)."""


def _zone_book(book_no: str) -> str:
    kept = ", ".join(f"{t.value} ({t.name.lower()})" for t in BookType)
    if book_no[0] not in {t.value for t in BookType}:
        raise IdentifierError(
            f"book {book_no} is not a zone book: bondflow keeps books of type {kept}; "
            f"{book_no[0]!r} is another kind of book or manual (see the book_type code table)"
        )
    return book_no


def _processing_book(book_no: str) -> str:
    if book_no[0] != BookType.PROCESSING.value:
        raise IdentifierError(
            f"book {book_no} is not a processing book: only an {BookType.PROCESSING.value} "
            "book (加工账册) keeps processing and domestic sales of goods made in the zone"
        )
    return book_no


ZoneBookNo = Annotated[BookNo, AfterValidator(_zone_book)]
"""A book the zone engine keeps (a registered book, a draft's book): its type letter is
a ``BookType`` (H processing, T logistics), the letters the engine branches on."""
ProcessingBookNo = Annotated[ZoneBookNo, AfterValidator(_processing_book)]
"""A processing book (H): work orders and domestic sales of goods made in the zone."""
