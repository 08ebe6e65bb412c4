"""The filer's console against a running zone (dev server, worker, simulator): an
uploaded INV101 becomes a lifecycle; returned by the liaison, it is corrected in the
form prefilled from the draft as it stands, and filed again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client

from access import AccessService
from adapters.simulator.behaviour import SimulatorBehaviour
from api.app import create_app
from bondflow.settings import Settings
from console.draft_fields import fields_of
from console.pages.filer import NOT_TYPED
from console.templating import exact_number
from demo import ids
from tests.api.conftest import Api, entry_body, live, until_stage, zone
from tests.console.conftest import Console, password_of
from tests.console.test_filer_pages import extras, inv101, upload
from tests.workflows.conftest import Zone, entry_draft
from tests.workflows.test_domestic_sale import sale

__all__ = ["live", "zone"]

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def running(zone: Zone, live: Api) -> AsyncIterator[Console]:
    """The console on the zone's database and task queue; the API's users get passwords."""

    async def temporal() -> Client:
        return zone.client

    access = AccessService(zone.db)
    for name in ("solar-filer", "liaison"):
        access.set_password(name, password_of(name))
    app = create_app(Settings(task_queue=zone.task_queue), database=zone.db, temporal=temporal)
    yield Console(zone.db, httpx.ASGITransport(app=app))


async def test_a_returned_upload_is_corrected_in_the_prefilled_form_and_filed_again(
    running: Console, live: Api, tmp_path: Path
) -> None:
    # Given an INV101 the filer uploaded in the console, returned by the liaison
    draft = entry_draft(live.no("PAGE-FIX"))
    async with running.browser() as filer:
        await filer.sign_in("solar-filer")
        filed = await upload(filer, inv101(running.app_db, draft, tmp_path), extras(draft))
        assert filed.status_code == 303, filed.text
        page = filed.headers["location"]
        workflow_id = page.rsplit("/", 1)[1]
        await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
        listed = await filer.get("/console/filer/lifecycles")
        returned = await live.post(
            "liaison", f"/lifecycles/{workflow_id}/return", json={"reason": "gross weight wrong"}
        )
        assert returned.status_code == 200, returned.text
        await until_stage(live, "solar-filer", workflow_id, "returned")
        shown = await filer.get(page)

        # When the filer opens the correction form
        form = await filer.get(f"{page}/correction")
        # Then every field is filled as the draft stands
        assert form.status_code == 200, form.text
        assert f'name="draft.book_no" value="{draft.book_no}"' in form.text
        weight = re.search(r'name="draft.lines\[0\].gross_weight" value="([^"]*)"', form.text)
        assert weight is not None
        assert weight.group(1) == str(draft.lines[0].gross_weight)
        assert "draft.filed_by" not in form.text

        # When a corrected value is refused, the input it came from is named
        fields = dict(re.findall(r'name="(draft\.[^"]+)" value="([^"]*)"', form.text))
        bad = await filer.submit(
            f"{page}/correction",
            f"{page}/correction",
            **(fields | {"draft.lines[0].quantity": "-1", "reason": "weighed again"}),
        )
        # And a good correction is filed again
        good = await filer.submit(
            f"{page}/correction",
            f"{page}/correction",
            **(fields | {"draft.lines[0].gross_weight": "1234.5", "reason": "weighed again"}),
        )
    assert f"/console/filer/lifecycles/{workflow_id}" in listed.text
    assert "待审批" in listed.text
    assert "/correction" in shown.text  # the returned lifecycle offers its correction
    assert bad.status_code == 422
    assert '<code class="field">draft.lines[0].quantity</code>' in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert good.status_code == 303, good.text
    detail = await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
    assert detail["status"]["change_count"] >= 0
    assert any("weighed again" in entry["note"] for entry in detail["status"]["timeline"])


async def test_a_domestic_sale_shows_both_duty_bills_and_the_filer_confirms_the_chosen_one(
    running: Console, live: Api
) -> None:
    # Given a domestic sale signed off and released, waiting for its duties
    body = sale(live.no("PAGE-DS")).model_dump(mode="json")
    del body["filed_by"]
    filed = await live.post("solar-filer", "/lifecycles/domestic_sale", json=body)
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "liaison", workflow_id, "awaiting_sign_off")
    signed = await live.post(
        "liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
    )
    assert signed.status_code == 200, signed.text
    owed = await until_stage(live, "solar-filer", workflow_id, "awaiting_payment")
    taxes = owed["status"]["taxes"]
    page = f"/console/filer/lifecycles/{workflow_id}"
    async with running.browser() as filer:
        await filer.sign_in("solar-filer")
        # When the filer opens it
        shown = await filer.get(page)
        # Then both bills are side by side, the chosen one marked, the payable prefilled
        bills = re.findall(r'<table class="data bill( chosen)?" data-basis="(\w+)">', shown.text)
        assert sorted(basis for _, basis in bills) == ["finished_goods", "materials"]
        assert [basis for chosen, basis in bills if chosen] == [taxes["chosen"]]
        for bill in ("on_materials", "on_finished_goods"):
            assert exact_number(taxes[bill]["total"]) in shown.text
        assert (
            f'name="amount" required inputmode="decimal" value="{taxes["payable"]["total"]}"'
            in (shown.text)
        )
        # When a wrong amount is confirmed, the workflow's refusal is on the page
        wrong = await filer.submit(page, f"{page}/payment", reference="ICBC-1", amount="1.00")
        # And the chosen bill's exact amount is confirmed
        paid = await filer.submit(
            page, f"{page}/payment", reference="ICBC-2", amount=taxes["payable"]["total"]
        )
    assert wrong.status_code == 409, wrong.text
    assert '<code class="field">amount</code>' in wrong.text
    assert paid.status_code == 303, paid.text
    await until_stage(live, "solar-filer", workflow_id, "completed", "awaiting_departure")


async def test_a_returned_gate_pass_is_filed_again_with_the_vehicle_the_filer_corrects(
    running: Console, live: Api, zone: Zone
) -> None:
    # Given an entry whose gate pass customs returned (the vehicle does not match)
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"gate_return_rate": 1.0}
    )
    body = entry_body(live.no("PAGE-GATE"))
    filed = await live.post("solar-filer", "/lifecycles/first_line_entry", json=body)
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "liaison", workflow_id, "awaiting_sign_off")
    signed = await live.post(
        "liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
    )
    assert signed.status_code == 200, signed.text
    await until_stage(live, "solar-filer", workflow_id, "gate_pass_returned")
    page = f"/console/filer/lifecycles/{workflow_id}"
    async with running.browser() as filer:
        await filer.sign_in("solar-filer")
        # When the filer opens it, the vehicle form is offered
        shown = await filer.get(page)
        # And it is filled with the vehicle as the draft stands
        vehicle = dict(
            re.findall(r'<input name="(vehicle_no|\w+_weight)"[^>]* value="([^"]*)"', shown.text)
        )
        # And the same vehicle again is refused with the workflow's reason
        same = await filer.submit(page, f"{page}/vehicle-correction", **vehicle, reason="再报")
        # Then the real vehicle files the pass again
        corrected = await filer.submit(
            page,
            f"{page}/vehicle-correction",
            **(vehicle | {"vehicle_no": "青A·D5678"}),
            reason="实际承运车辆为青A·D5678",
        )
    assert 'action="/console/filer/lifecycles/' in shown.text
    assert "/vehicle-correction" in shown.text
    assert vehicle["vehicle_no"] == body["vehicle"]["vehicle_no"]
    assert sorted(vehicle) == [
        "container_weight",
        "frame_weight",
        "vehicle_no",
        "vehicle_weight",
    ]
    assert same.status_code == 409, same.text
    assert '<code class="field">vehicle</code>' in same.text
    assert corrected.status_code == 303, corrected.text
    await until_stage(live, "solar-filer", workflow_id, "completed")


async def test_an_entry_typed_in_the_form_is_filed_and_a_bad_line_is_named(
    running: Console, live: Api
) -> None:
    # Given an entry's fields as a filer would type them
    draft = entry_draft(live.no("PAGE-FORM"))
    typed = {
        f"draft.{path}": text
        for path, text in fields_of(draft.model_dump(mode="json"), leave_out=NOT_TYPED).items()
    }
    form = "/console/filer/new/first_line_entry"
    async with running.browser() as filer:
        await filer.sign_in("solar-filer")
        blank = await filer.get(form)
        # When a line's quantity is not positive, the line's input is named
        bad = await filer.submit(form, form, **(typed | {"draft.lines[0].quantity": "0"}))
        # And the whole draft files the lifecycle
        good = await filer.submit(form, form, **typed)
    assert blank.status_code == 200
    assert 'name="draft.lines[4].quantity"' in blank.text
    assert f'name="draft.declarant_code" value="{ids.SOLAR_CUSTOMS_CODE}"' in blank.text
    assert bad.status_code == 422
    assert '<code class="field">lines[0].quantity</code>' in bad.text
    assert good.status_code == 303, good.text
    workflow_id = good.headers["location"].rsplit("/", 1)[1]
    await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
