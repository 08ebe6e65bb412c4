"""One style of error: every 4xx is problem+json naming a field, paths are relative to
the body the caller sent, malformed JSON says where, and messages read as English."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from adapters.db.models import LifecycleRow
from schemas.lifecycle import Lifecycle, Stage
from tests.api.conftest import Api
from workflows import search

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _problem(response: Any, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["field"] == field, body
    return body


async def test_a_malformed_json_body_names_the_body_and_where_it_breaks(api: Api) -> None:
    """Given a body cut short on its second line, when it is posted, then the answer
    names the body (not a character offset) and says the line and column in words."""
    broken = '{\n  "customs_code": "9601346009",\n  "name": '
    response = await api.client.post(
        "/enterprises",
        content=broken,
        headers=api.auth("admin") | {"Content-Type": "application/json"},
    )
    body = _problem(response, 422, "body")
    assert body["detail"].startswith("the body is not valid JSON: ")
    assert "line 3, column 11" in body["detail"], body["detail"]
    assert (body["line"], body["column"]) == (3, 11)


async def test_a_body_of_the_wrong_type_names_the_body(api: Api) -> None:
    response = await api.post("admin", "/enterprises", json=["not", "an", "object"])
    _problem(response, 422, "body")


async def test_refusals_before_the_route_name_a_field(api: Api) -> None:
    _problem(await api.client.get("/books"), 401, "authorization")
    no_route = _problem(await api.get("auditor", "/no-such-route"), 404, "path")
    assert "/no-such-route" in no_route["detail"]
    wrong_method = _problem(await api.client.delete("/books"), 405, "method")
    assert wrong_method["detail"].startswith("DELETE is not a method of /books")


@pytest.mark.parametrize(
    ("user", "expected"),
    [("auditor", "an auditor only reads"), ("admin", "an admin only reads")],
)
async def test_a_role_that_may_not_act_is_named_with_its_article(
    api: Api, user: str, expected: str
) -> None:
    response = await api.post(user, "/lifecycles/entry-X/cancel", json={"reason": "x"})
    body = _problem(response, 403, "role")
    assert body["detail"].startswith(expected), body["detail"]


async def test_a_liaison_may_not_register_master_data_and_is_told_so_in_english(
    api: Api,
) -> None:
    response = await api.post("liaison", "/enterprises", json={})
    body = _problem(response, 403, "role")
    assert "not a liaison" in body["detail"]


async def test_a_refused_book_number_is_named_by_the_path_parameter_in_plain_words(
    api: Api,
) -> None:
    body = _problem(await api.get("auditor", "/books/H9601-104420"), 422, "book_no")
    assert not body["detail"].startswith("book_no: Value error")
    assert "the book type letter, the 4-digit customs district" in body["detail"]


async def test_a_lettered_book_is_found_by_the_queue_filter(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given two lifecycles waiting for the liaison, one on a real lettered book, when
    the queue is filtered by that book, then only its lifecycle is listed; a number of
    another form is refused naming the parameter."""
    services = api.client._transport.app.state.services  # type: ignore[attr-defined]
    with api.db.transaction() as session:
        session.add_all([_row("entry-A", "H9601W104420"), _row("entry-B", "H96012600001")])
    listed = _Visibility(["entry-A", "entry-B"])

    async def client() -> _Visibility:
        return listed

    monkeypatch.setattr(services.lifecycles, "_client", client)
    response = await api.get("liaison", "/queue", params={"book_no": "H9601W104420"})
    assert response.status_code == 200, response.text
    assert [i["workflow_id"] for i in response.json()["items"]] == ["entry-A"]
    assert "BondflowBook = 'H9601W104420'" in listed.queries[-1]
    refused = await api.get("liaison", "/queue", params={"book_no": "H9601W10442"})
    _problem(refused, 422, "book_no")


class _Visibility:
    """Temporal's visibility listing the given workflows as waiting for sign-off
    (whatever the query: the lifecycles table narrows them)."""

    def __init__(self, workflow_ids: list[str]) -> None:
        self.workflow_ids = workflow_ids
        self.queries: list[str] = []

    async def list_workflows(self, query: str, page_size: int) -> AsyncIterator[Any]:
        self.queries.append(query)
        waiting = TypedSearchAttributes(
            [SearchAttributePair(search.STATUS, Stage.AWAITING_SIGN_OFF.value)]
        )
        for workflow_id in self.workflow_ids:
            yield SimpleNamespace(id=workflow_id, typed_search_attributes=waiting)


def _row(workflow_id: str, book_no: str) -> LifecycleRow:
    return LifecycleRow(
        workflow_id=workflow_id,
        lifecycle=Lifecycle.FIRST_LINE_ENTRY.value,
        business_no=workflow_id,
        enterprise_code="9601346001",
        book_no=book_no,
        partner_code=None,
        partner_book_no=None,
        filed_by="solar-filer",
        started_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
