"""The filer's pages in process (no Temporal): its lifecycles scoped as the API scopes
them, an upload refused with the line and element of each problem, its books."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest

from activities.bonded_list import BondedListActivities
from activities.dependencies import Dependencies
from adapters.db.engine import Database
from adapters.db.models import LifecycleRow
from adapters.gateway.folders import ExchangeFolders
from adapters.xml.codec import render
from customs.drafting import entry_list
from demo import ids
from lifecycles.kinds import KINDS
from schemas.lifecycle import EntryDraft, Lifecycle
from schemas.messages.codes import DeclarationKind
from tests.console.conftest import Browser, Console, csrf_of
from tests.workflows.conftest import entry_draft

pytestmark = pytest.mark.asyncio(loop_scope="session")


def a_lifecycle(db: Database, number: str, enterprise: str, book_no: str) -> str:
    """A lifecycle as the API records it when filing (its workflow is not asked here)."""
    row = LifecycleRow(
        workflow_id=f"entry-{number}",
        lifecycle=Lifecycle.FIRST_LINE_ENTRY.value,
        business_no=number,
        enterprise_code=enterprise,
        book_no=book_no,
        partner_code=None,
        partner_book_no=None,
        filed_by="someone",
        started_at=dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC),
    )
    with db.transaction() as session:
        session.add(row)
    return row.workflow_id


def inv101(db: Database, draft: EntryDraft, tmp: Path) -> bytes:
    """The list as the enterprise's own software would write it."""
    policy = KINDS[Lifecycle.FIRST_LINE_ENTRY].activities
    assert policy is not None
    deps = Dependencies.build(db, ExchangeFolders.under(tmp / "x").create())
    book, declarant, items = BondedListActivities(deps, policy)._facts(draft)
    upload = entry_list(
        draft,
        book=book,
        declarant=declarant,
        items=items,
        change_count=0,
        kind=DeclarationKind.FILE,
        at=dt.datetime(2026, 11, 28, 9, 0, tzinfo=ids.SHANGHAI),
    )
    return render(upload)


def extras(draft: EntryDraft) -> dict[str, str]:
    return {
        "location": ids.RAW_BIN,
        "exchange_rate": str(draft.exchange_rate),
        "vehicle_no": draft.vehicle.vehicle_no,
        "vehicle_weight": str(draft.vehicle.vehicle_weight),
        "container_weight": str(draft.vehicle.container_weight),
        "arrival_date": draft.arrival_date.isoformat(),
    }


async def upload(filer: Browser, document: bytes, fields: dict[str, str]) -> httpx.Response:
    form = await filer.get("/console/filer/upload")
    return await filer.client.post(
        "/console/filer/upload",
        data={"csrf_token": csrf_of(form.text), **fields},
        files={"document": ("list.xml", document, "application/xml")},
    )


async def test_a_filer_lands_on_its_own_lifecycles_and_another_enterprises_is_not_found(
    console: Console,
) -> None:
    # Given a lifecycle of the filer's enterprise and one of another enterprise
    mine = a_lifecycle(console.app_db, "SOLAR-PAGE-1", ids.SOLAR_CUSTOMS_CODE, ids.SOLAR_BOOK)
    theirs = a_lifecycle(
        console.app_db, "COLD-PAGE-1", ids.COLD_CHAIN_CUSTOMS_CODE, ids.COLD_CHAIN_BOOK
    )
    async with console.browser() as filer:
        # When the solar filer signs in and opens its list and the other's page
        signed = await filer.sign_in("solar-filer")
        listed = await filer.get(signed.headers["location"])
        foreign = await filer.get(f"/console/filer/lifecycles/{theirs}")
        missing = await filer.get("/console/filer/lifecycles/entry-NO-SUCH-LIST")
    # Then it lands on its lifecycles, sees its own and not the other's
    assert signed.headers["location"] == "/console/filer/lifecycles"
    assert listed.status_code == 200
    assert f'href="/console/filer/lifecycles/{mine}"' in listed.text
    assert "COLD-PAGE-1" not in listed.text
    assert "暂时无法获取状态" in listed.text  # no Temporal here: the row still shows
    # And another enterprise's lifecycle is the same "not found" as a missing one
    assert foreign.status_code == missing.status_code == 404
    assert foreign.text.replace(theirs, "ID") == missing.text.replace("entry-NO-SUCH-LIST", "ID")


async def test_an_upload_with_a_bad_element_lists_each_problem_with_its_line_and_element(
    console: Console, tmp_path: Path
) -> None:
    # Given an INV101 with an unknown element and a quantity with too many decimals
    draft = entry_draft("PAGE-XML-1")
    document = inv101(console.app_db, draft, tmp_path)
    document = document.replace(b"<GdsMtno>", b"<Extra>1</Extra><GdsMtno>", 1)
    document = re.sub(rb"<DclQty>[^<]*</DclQty>", b"<DclQty>1.1234567</DclQty>", document, count=1)
    async with console.browser() as filer:
        await filer.sign_in("solar-filer")
        # When the filer uploads it
        refused = await upload(filer, document, extras(draft))
    # Then the page lists both problems, each with its line and element, and keeps the form
    assert refused.status_code == 422
    problems = re.findall(
        r'<span class="line">第 (\d+) 行</span> <code class="field">([^<]+)</code>', refused.text
    )
    assert [element for _, element in problems] == [
        "InvtMessage/InvtListType[1]/Extra",
        "InvtMessage/InvtListType[1]/DclQty",
    ]
    assert all(int(line) > 1 for line, _ in problems)
    assert f'value="{ids.RAW_BIN}"' in refused.text


async def test_a_missing_parameter_or_another_enterprises_book_is_refused_where_it_came_from(
    console: Console, tmp_path: Path
) -> None:
    draft = entry_draft("PAGE-XML-2")
    document = inv101(console.app_db, draft, tmp_path)
    no_arrival = {k: v for k, v in extras(draft).items() if k != "arrival_date"}
    async with console.browser() as solar, console.browser() as cold:
        await solar.sign_in("solar-filer")
        await cold.sign_in("cold-filer")
        without = await upload(solar, document, no_arrival)
        foreign = await upload(cold, document, extras(draft))
    assert without.status_code == 422
    assert '<code class="field">arrival_date</code>' in without.text
    assert foreign.status_code == 404
    assert '<code class="field">InvtMessage/InvtHeadType/PutrecNo</code>' in foreign.text


async def test_a_filer_browses_its_books_items_and_norms_but_not_anothers(
    console: Console,
) -> None:
    async with console.browser() as filer:
        await filer.sign_in("solar-filer")
        books = await filer.get("/console/filer/books")
        book = await filer.get(f"/console/filer/books/{ids.SOLAR_BOOK}")
        foreign = await filer.get(f"/console/filer/books/{ids.COLD_CHAIN_BOOK}")
    assert books.status_code == 200
    assert ids.SOLAR_BOOK in books.text
    assert ids.COLD_CHAIN_BOOK not in books.text
    assert book.status_code == 200
    assert "<h2>单耗</h2>" in book.text
    assert foreign.status_code == 404


async def test_only_a_filer_opens_the_filer_pages(console: Console) -> None:
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        refused = await auditor.get("/console/filer/lifecycles")
    assert refused.status_code == 403
