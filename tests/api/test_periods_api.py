"""A book's periods through the API, and the two instants every inventory and audit
route takes: liaison staff close and reopen, readers list (their own books only), a
naive instant is refused naming its parameter."""

from __future__ import annotations

import pytest

from demo import ids
from tests.api.conftest import Api

pytestmark = pytest.mark.asyncio(loop_scope="session")

SOLAR = ids.SOLAR_BOOK
MARCH = {"kind": "month", "first_day": "2000-03-01", "last_day": "2000-03-31"}


async def test_the_liaison_closes_and_reopens_and_the_filer_lists(api: Api) -> None:
    """Given the demo, when the liaison closes March 2000 of the module maker's book and
    reopens it with a reason, then its filer lists the period reopened with who and why,
    the chain still verifies, and closing it twice is refused naming first_day."""
    url = f"/books/{SOLAR}/periods"
    closed = await api.post("liaison", f"{url}/close", json={**MARCH, "reason": "agreed"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["closed"], closed.json()["last_event"]["actor"]) == (True, "liaison")
    twice = await api.post("liaison", f"{url}/close", json={**MARCH, "reason": "again"})
    assert twice.status_code == 409
    assert twice.headers["content-type"].startswith("application/problem+json")
    assert twice.json()["field"] == "first_day"
    reopened = await api.post(
        "liaison",
        f"{url}/reopen",
        json={"first_day": "2000-03-01", "last_day": "2000-03-31", "reason": "late gate pass"},
    )
    assert reopened.status_code == 200, reopened.text
    listed = await api.get("solar-filer", url)
    assert listed.status_code == 200
    assert [(p["closed"], p["last_event"]["reason"]) for p in listed.json()] == [
        (False, "late gate pass")
    ]
    verified = await api.get("liaison", "/audit/ledger/verification")
    assert verified.json()["ok"] is True


@pytest.mark.parametrize("user", ["solar-filer", "auditor", "admin"])
async def test_only_liaison_staff_close_periods(api: Api, user: str) -> None:
    response = await api.post(user, f"/books/{SOLAR}/periods/close", json={**MARCH, "reason": "r"})
    assert response.status_code == 403
    assert response.json()["field"] == "role"


async def test_another_enterprises_periods_are_not_found(api: Api) -> None:
    response = await api.get("cold-filer", f"/books/{SOLAR}/periods")
    assert response.status_code == 404
    assert response.json()["field"] == "book_no"


async def test_a_month_that_is_not_whole_is_refused_naming_the_body(api: Api) -> None:
    response = await api.post(
        "liaison",
        f"/books/{SOLAR}/periods/close",
        json={**MARCH, "first_day": "2000-03-02", "reason": "r"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "url",
    [
        "/inventory/balances",
        f"/inventory/lots/{SOLAR}/{ids.CELL_LOT_1}/movements",
        f"/audit/lots/{SOLAR}/{ids.CELL_LOT_1}/trace?direction=backward",
    ],
)
@pytest.mark.parametrize("name", ["as_of", "known_at"])
async def test_a_naive_instant_is_refused_naming_its_parameter(
    api: Api, url: str, name: str
) -> None:
    joiner = "&" if "?" in url else "?"
    response = await api.get("auditor", f"{url}{joiner}{name}=2026-03-31T12:00:00")
    assert response.status_code == 422
    assert response.json()["field"] == name


async def test_as_known_before_anything_was_recorded_the_books_are_empty(api: Api) -> None:
    """Given the demo recorded today, when balances, a lot's movements, its trace and a
    reconciliation are asked as known in 2000, then nothing shows; as known now, they
    do."""
    known = {"known_at": "2000-01-01T00:00:00+08:00"}
    balances = (await api.get("auditor", "/inventory/balances", params=known)).json()
    assert (balances["total"], balances["known_at"]) == (0, "1999-12-31T16:00:00Z")
    moves = f"/inventory/lots/{SOLAR}/{ids.CELL_LOT_1}/movements"
    assert (await api.get("auditor", moves, params=known)).json()["total"] == 0
    assert (await api.get("auditor", moves)).json()["total"] > 0
    trace = await api.get(
        "auditor",
        f"/audit/lots/{SOLAR}/{ids.CELL_LOT_1}/trace",
        params={"direction": "backward", **known},
    )
    assert trace.status_code == 200, trace.text
    assert trace.json()["trace"]["steps"] == []
    period = {"book_no": SOLAR, "from": "2000-01-01", "to": "2099-12-31"}
    now = (await api.get("auditor", "/audit/reconciliation", params=period)).json()
    then = (await api.get("auditor", "/audit/reconciliation", params={**period, **known})).json()
    assert now["lines"]
    assert then["lines"] == []
