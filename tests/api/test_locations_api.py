"""Locations through the API: a filer registers and retires its own enterprise's, an
admin any (zone-wide included); readers see their enterprises' and the zone-wide ones;
another enterprise's location answers 404 like a missing one; auditors only read."""

from __future__ import annotations

import pytest

from demo import ids
from tests.api.conftest import Api

pytestmark = pytest.mark.asyncio(loop_scope="session")

SOLAR_ROOM = {
    "code": "SOLAR-WH-9",
    "name": "组件暂存仓",
    "kind": "warehouse",
    "parent_code": "XN-PROC",
    "enterprise_customs_code": ids.SOLAR_CUSTOMS_CODE,
}


async def test_a_filer_registers_its_own_location_and_others_do_not_see_it(api: Api) -> None:
    created = await api.post("solar-filer", "/locations", json=SOLAR_ROOM)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["enterprise_customs_code"] == ids.SOLAR_CUSTOMS_CODE
    assert (body["cold_store"], body["retired_at"]) == (False, None)
    again = await api.post("solar-filer", "/locations", json=SOLAR_ROOM)
    assert (again.status_code, again.json()) == (201, body)

    assert (await api.get("solar-filer", "/locations/SOLAR-WH-9")).status_code == 200
    assert (await api.get("auditor", "/locations/SOLAR-WH-9")).status_code == 200
    hidden = await api.get("cold-filer", "/locations/SOLAR-WH-9")
    missing = await api.get("cold-filer", "/locations/NO-SUCH-PLACE")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["field"] == missing.json()["field"] == "code"

    cold_list = (await api.get("cold-filer", "/locations", params={"limit": 500})).json()
    codes = [loc["code"] for loc in cold_list["items"]]
    assert "SOLAR-WH-9" not in codes
    assert ids.COLD_BIN in codes  # zone-wide: everyone reads it
    solar_only = await api.get(
        "auditor", "/locations", params={"enterprise": ids.SOLAR_CUSTOMS_CODE}
    )
    assert [loc["code"] for loc in solar_only.json()["items"]] == ["SOLAR-WH-9"]


async def test_who_may_register_which_location(api: Api) -> None:
    zone_wide = SOLAR_ROOM | {"code": "XN-GATE-2", "enterprise_customs_code": None}
    refused = await api.post("solar-filer", "/locations", json=zone_wide)
    assert refused.status_code == 403
    assert refused.json()["field"] == "enterprise_customs_code"
    assert (await api.post("admin", "/locations", json=zone_wide)).status_code == 201

    foreign = SOLAR_ROOM | {"enterprise_customs_code": ids.COLD_CHAIN_CUSTOMS_CODE}
    not_found = await api.post("solar-filer", "/locations", json=foreign)
    assert not_found.status_code == 404
    assert not_found.json()["field"] == "enterprise_customs_code"

    # Under another enterprise's location: as if it did not exist.
    await api.post("solar-filer", "/locations", json=SOLAR_ROOM)
    cold_bin = SOLAR_ROOM | {
        "code": "COLD-X",
        "parent_code": "SOLAR-WH-9",
        "enterprise_customs_code": ids.COLD_CHAIN_CUSTOMS_CODE,
    }
    hidden_parent = await api.post("cold-filer", "/locations", json=cold_bin)
    assert hidden_parent.status_code == 404
    assert hidden_parent.json()["field"] == "parent_code"

    assert (await api.post("auditor", "/locations", json=SOLAR_ROOM)).status_code == 403
    assert (await api.post("liaison", "/locations", json=SOLAR_ROOM)).status_code == 403
    bad_kind = await api.post("admin", "/locations", json=SOLAR_ROOM | {"kind": "shelf"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["field"] == "kind"


async def test_retiring_keeps_the_location_refuses_one_holding_stock_and_is_idempotent(
    api: Api,
) -> None:
    await api.post("solar-filer", "/locations", json=SOLAR_ROOM)
    retired = await api.post("solar-filer", "/locations/SOLAR-WH-9/retire")
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired_by"] == "solar-filer"
    again = await api.post("solar-filer", "/locations/SOLAR-WH-9/retire")
    assert again.json() == retired.json()
    listed = (await api.get("solar-filer", "/locations", params={"limit": 500})).json()
    assert "SOLAR-WH-9" not in [loc["code"] for loc in listed["items"]]
    with_retired = await api.get(
        "solar-filer", "/locations", params={"limit": 500, "include_retired": True}
    )
    assert "SOLAR-WH-9" in [loc["code"] for loc in with_retired.json()["items"]]

    # The demo's raw-material bin holds stock: refused, the balance named.
    held = await api.post("admin", f"/locations/{ids.RAW_BIN}/retire")
    assert held.status_code == 409
    assert held.json()["field"] == "code"
    assert "still holds stock" in held.json()["detail"]
    # A filer does not retire zone-wide locations, nor another enterprise's.
    assert (await api.post("solar-filer", f"/locations/{ids.RAW_BIN}/retire")).status_code == 403
    assert (await api.post("cold-filer", "/locations/SOLAR-WH-9/retire")).status_code == 404
    assert (await api.post("auditor", "/locations/SOLAR-WH-9/retire")).status_code == 403
