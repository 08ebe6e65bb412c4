"""Every route of the OpenAPI document, walked with bad input: every 4xx it answers is
problem+json naming a non-empty field. The routes are read from ``app.openapi()``, so a
route added later is walked too. No Temporal: a request that gets that far answers 503,
which is not what this walks for (and never a 500)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from demo import ids
from tests.api.conftest import Api

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.heavy,
    pytest.mark.both_databases(
        reason="generated and hostile input reaches the database, and PostgreSQL refuses"
        " values SQLite stores (NUL characters, out-of-range numbers): each must still be"
        " answered with a problem, never a server error"
    ),
]

METHODS = ("get", "post", "put", "patch", "delete")
# A plausible value per path parameter (the walk is about bad input, not missing data).
GOOD_PATH = {
    "book_no": ids.SOLAR_BOOK,
    "workflow_id": "entry-MISSING",
    "file_name": "INV101__x.xml",
    "receipt_id": "1",
    "lot_no": "LOT-1",
}
# Values no parameter of any type takes: wrong for ints, dates, enums, patterns, bounds.
BAD_VALUES = ("@@@", "-1", "9" * 40, "")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    json_body: bool

    def url(self, **overrides: str) -> str:
        values = {name: GOOD_PATH.get(name, "X1") for name in self.path_params} | overrides
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], self.template)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.template}"


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            params = op.get("parameters", [])
            yield Operation(
                method=method,
                template=template,
                path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                query_params=tuple(p["name"] for p in params if p["in"] == "query"),
                json_body="application/json" in op.get("requestBody", {}).get("content", {}),
            )


def check(response: httpx.Response, asked: str, seen: list[str]) -> None:
    """A 4xx is problem+json with a field; nothing fails on the server's side."""
    status = response.status_code
    assert status != 500, f"{asked}: {response.text}"
    if 400 <= status < 500:
        assert response.headers["content-type"] == "application/problem+json", (asked, status)
        body = response.json()
        assert isinstance(body.get("field"), str), (asked, body)
        assert body["field"].strip(), (asked, body)
        assert body["status"] == status, (asked, body)
        seen.append(f"{status} {body['field']}")


async def test_every_route_answers_bad_input_with_a_problem_naming_a_field(api: Api) -> None:
    app = api.client._transport.app  # type: ignore[attr-defined]
    spec = app.openapi()
    found = list(operations(spec))
    assert len(found) >= 30  # the walk really walks the API
    seen: list[str] = []
    client = api.client
    users = ("solar-filer", "liaison", "auditor", "admin")

    for op in found:
        url = op.url()
        # No token, and a token that is not one.
        check(await client.request(op.method, url), f"{op} without a token", seen)
        bogus = {"Authorization": "Bearer bf_00000000_nope"}
        check(await client.request(op.method, url, headers=bogus), f"{op} bad token", seen)
        # An unknown method on the same path.
        unknown = next(m for m in METHODS if m not in spec["paths"][op.template])
        check(
            await client.request(unknown, url, headers=api.auth("admin")),
            f"{unknown.upper()} {op.template}",
            seen,
        )
        for user in users:
            headers = api.auth(user)
            # As each role (a wrong role is refused cheaply, before anything is asked).
            check(await client.request(op.method, url, headers=headers), f"{op} as {user}", seen)
            if op.method != "get":
                # A malformed JSON body, and bodies of the wrong type.
                for content in ('{"reason": ', "[1, 2]", '"text"', "null", "<x/>"):
                    sent = await client.request(
                        op.method,
                        url,
                        content=content,
                        headers=headers | {"Content-Type": "application/json"},
                    )
                    check(sent, f"{op} as {user} with body {content!r}", seen)
            for name in op.path_params:
                for bad in BAD_VALUES[:3]:
                    response = await client.request(
                        op.method, op.url(**{name: bad}), headers=headers
                    )
                    check(response, f"{op} as {user} with {name}={bad!r}", seen)
            for name in op.query_params:
                for bad in BAD_VALUES:
                    response = await client.request(
                        op.method, url, params={name: bad}, headers=headers
                    )
                    check(response, f"{op} as {user} with ?{name}={bad!r}", seen)

    # The walk met the refusals it is about (not only 404s).
    kinds = {entry.split()[0] for entry in seen}
    assert {"401", "403", "404", "405", "422"} <= kinds, sorted(kinds)
    fields = {entry.split()[1] for entry in seen}
    assert {"authorization", "role", "method", "body", "book_no", "limit"} <= fields, fields
