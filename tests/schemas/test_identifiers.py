"""One rule per identifier: the book number a registration accepts is the one every
draft, message and query accepts; a book type the engine does not keep is refused
where the engine would need it, and nowhere else."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from codetables import default_tables
from schemas.identifiers import BookNo, ProcessingBookNo
from schemas.lifecycle import DomesticSaleDraft, EntryDraft, TransferDraft, WorkOrderDraft
from schemas.masterdata import AccountBookIn
from tests.workflows.conftest import entry_draft

ZONE_BOOKS = ["H9601W104420", "T3111W000076"]
MANUALS = ["C520719A0017", "B520819A0010"]


class _Any(BaseModel):
    book_no: BookNo


@pytest.mark.parametrize("book_no", ZONE_BOOKS)
def test_a_draft_on_a_lettered_zone_book_is_accepted(book_no: str) -> None:
    """Given a real book number with letters after the district, when a draft names
    it, then the draft model accepts it (it used to demand 11 digits)."""
    data = entry_draft("IN-LETTERS").model_dump()
    assert EntryDraft.model_validate({**data, "book_no": book_no}).book_no == book_no


@pytest.mark.parametrize("book_no", ZONE_BOOKS)
def test_a_lettered_book_registers_with_its_type(book_no: str) -> None:
    book = AccountBookIn(
        book_no=book_no,
        book_type=book_no[0],
        enterprise_customs_code="9601346001",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2030, 12, 31),
        customs_district=book_no[1:5],
    )
    assert book.book_no == book_no


@pytest.mark.parametrize("book_no", MANUALS)
def test_a_manual_is_a_book_number_but_not_a_zone_book(book_no: str) -> None:
    """Given a processing-trade manual (B/C), then it is a valid book number (a list
    may name it as its related book) but neither registered nor drafted on."""
    assert _Any(book_no=book_no).book_no == book_no
    with pytest.raises(ValidationError, match="is not a zone book"):
        AccountBookIn(
            book_no=book_no,
            book_type="H",
            enterprise_customs_code="9601346001",
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2030, 12, 31),
            customs_district=book_no[1:5],
        )
    data = entry_draft("IN-MANUAL").model_dump()
    with pytest.raises(ValidationError, match="is not a zone book"):
        EntryDraft.model_validate({**data, "book_no": book_no})


def test_processing_lifecycles_take_only_processing_books() -> None:
    """A work order and a domestic sale of goods made in the zone need an H book."""
    for model in (WorkOrderDraft, DomesticSaleDraft):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({"book_no": "T3111W000076"})
        on_book = [e["msg"] for e in refused.value.errors() if e["loc"] == ("book_no",)]
        assert on_book
        assert "not a processing book" in on_book[0]

    class _Processing(BaseModel):
        book_no: ProcessingBookNo

    assert _Processing(book_no="H9601W104420").book_no == "H9601W104420"


def test_a_transfer_names_both_books_with_the_same_rule() -> None:
    for name in ("from_book_no", "to_book_no"):
        schema = TransferDraft.model_json_schema()["properties"][name]
        assert schema["pattern"] == BookNo.__metadata__[0].pattern  # type: ignore[attr-defined]


def test_a_refused_book_number_says_what_the_form_is() -> None:
    with pytest.raises(ValidationError) as refused:
        _Any(book_no="H9601-104420")
    message = refused.value.errors()[0]["msg"]
    assert "12 characters: the book type letter, the 4-digit customs district" in message


@pytest.mark.parametrize("book_no", [*ZONE_BOOKS, *MANUALS])
def test_the_type_letter_of_every_real_number_is_in_the_book_type_table(book_no: str) -> None:
    table = default_tables()["book_type"]
    assert table.require(book_no[0], dt.date(2026, 12, 5), field="PutrecNo").code == book_no[0]
