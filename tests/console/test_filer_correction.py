"""The filer's console against a running zone (dev server, worker, simulator), in
process: a gate pass customs returned is filed again with the vehicle the filer
corrects; an entry typed in the form is filed and a bad line is named. (A returned
upload corrected in the prefilled form and a domestic sale's two bills are journeys in
Chromium: ``test_browser_journeys.py``.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client

from access import AccessService
from adapters.simulator.behaviour import SimulatorBehaviour
from console.draft_fields import fields_of
from console.pages.filer import NOT_TYPED
from demo import ids
from tests.api.conftest import Api, entry_body, live, until_stage, zone
from tests.console.conftest import Console, password_of
from tests.support.apps import app_serving
from tests.support.settings import zone_settings
from tests.workflows.conftest import Zone, entry_draft

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
    app = app_serving(zone.db, temporal, zone_settings(zone.task_queue))
    yield Console(zone.db, httpx.ASGITransport(app=app))


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
