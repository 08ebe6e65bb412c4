"""What bondflow's own INV101 and SAS121 carry: what a real client fills in besides the
goods (dates, the declarant of the generated declaration, the declaration's type, the
linked declaration, the contact of the gate pass)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from customs.drafting import BookFacts, entry_gate_pass, entry_list
from demo import ids
from schemas.lifecycle import EntryLine, SecondLineEntryDraft, Vehicle
from schemas.messages.codes import DeclarationKind, DeclarationRoute
from schemas.snapshots import ItemRecord, PartyRecord
from tests.support import messages
from tests.workflows.conftest import entry_draft

AT = dt.datetime(2026, 11, 28, 9, 0, tzinfo=ids.SHANGHAI)
OWNER = PartyRecord(ids.SOLAR_CUSTOMS_CODE, messages.MAKER_SCC, messages.MAKER_NAME)
AGENT = PartyRecord(ids.AGENT_CUSTOMS_CODE, messages.AGENT_SCC, messages.AGENT_NAME)
BOOK = BookFacts(book_no=ids.SOLAR_BOOK, district=ids.DISTRICT, owner=OWNER)


def item(item_no: int) -> ItemRecord:
    return ItemRecord(
        item_no=item_no,
        part_no=f"P-{item_no}",
        hs_code="8541420000",
        name="单晶硅光伏电池片",
        specification="",
        declared_unit="007",
        first_legal_unit="007",
        first_legal_factor=Decimal(1),
        second_legal_unit=None,
        second_legal_factor=None,
        is_finished_good=False,
    )


ITEMS = {ids.CELLS: item(ids.CELLS), ids.GLASS: item(ids.GLASS)}


def second_line_draft(entry_id: str) -> SecondLineEntryDraft:
    return SecondLineEntryDraft(
        inner_no="SOLAR-2L-0001",
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supplier="XN-GLASS",
        linked_entry_id=entry_id,
        exchange_rate=Decimal("7.123400"),
        lines=(
            EntryLine(
                item_no=ids.GLASS,
                lot_no="SOLAR-2L-0001-1",
                location=ids.RAW_BIN,
                quantity=Decimal("500"),
                unit_price=Decimal("18.4000"),
                currency="142",
                origin_country="142",
                gross_weight=Decimal("10450"),
                net_weight=Decimal("10300"),
            ),
        ),
        vehicle=Vehicle(vehicle_no="青A·D2468", vehicle_weight=Decimal("9800")),
        filed_by="filer-li",
    )


def test_a_first_line_entry_list_names_the_declarant_of_the_declaration_it_generates() -> None:
    upload = entry_list(
        entry_draft("SOLAR-IN-0009"),
        book=BOOK,
        declarant=AGENT,
        items=ITEMS,
        change_count=0,
        kind=DeclarationKind.FILE,
        at=AT,
    )

    head = upload.message.head
    assert head.dclcus_typecd is DeclarationRoute.GENERATED
    assert (head.gen_dec_flag, head.dec_type) == ("1", "3")  # an inbound filing list
    assert (
        head.corr_entry_dcl_etps_no,
        head.corr_entry_dcl_etps_sccd,
        head.corr_entry_dcl_etps_nm,
    ) == (AGENT.customs_code, AGENT.credit_code, AGENT.name)
    assert head.input_time == head.invt_dcl_time == dt.date(2026, 11, 28)
    assert head.rlt_entry_no is None


def test_a_second_line_list_names_its_linked_declaration_and_its_type() -> None:
    exported = "960120260000012345"  # 9th digit 0: the supplier's export declaration
    imported = "960120261000012345"

    def head_for(entry_id: str) -> tuple[str | None, str | None, str, str | None]:
        head = entry_list(
            second_line_draft(entry_id),
            book=BOOK,
            declarant=AGENT,
            items=ITEMS,
            change_count=0,
            kind=DeclarationKind.FILE,
            at=AT,
        ).message.head
        return head.rlt_entry_no, head.dec_type, head.gen_dec_flag, head.corr_entry_dcl_etps_no

    assert head_for(exported) == (exported, "2", "2", None)
    assert head_for(imported) == (imported, "1", "2", None)


def test_a_gate_pass_carries_its_contact_and_declaration_day() -> None:
    upload = entry_gate_pass(
        entry_draft("SOLAR-IN-0009"),
        book=BOOK,
        declarant=AGENT,
        items=ITEMS,
        list_no="QD960126I000000123",
        at=AT,
    )

    head = upload.message.head
    assert (head.dcl_er_conc, head.dcl_time) == (AGENT.name, "20261128")
