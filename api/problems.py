"""Every error as RFC 9457 problem+json: a type, a title, the status, the detail, and
for bad input the field (a JSON pointer-ish path) and the reason."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.request_ids import current_request_id
from schemas.errors import BondflowError

log = logging.getLogger("bondflow.api")
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from an endpoint to answer with a problem."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        code: str = "problem",
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
        self.field = field
        self.headers = headers


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    code: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://bondflow.dev/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field is not None:
        body["field"] = field
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _location(loc: tuple[Any, ...]) -> str:
    # ("body", "lines", 0, "quantity") -> "lines[0].quantity"; the source part is dropped.
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else list(loc)
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or str(loc[0] if loc else "request")


def _invalid(found: Sequence[Any]) -> JSONResponse:
    """422 naming the first field and reason, with every error listed."""
    errors = [
        {"field": _location(tuple(e.get("loc", ()))), "reason": e.get("msg", "invalid")}
        for e in found
    ]
    first = errors[0] if errors else {"field": "request", "reason": "invalid"}
    return problem_response(
        422,
        "invalid request",
        f"{first['field']}: {first['reason']}",
        code="invalid_request",
        field=first["field"],
        errors=errors,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(
            error.status,
            error.title,
            error.detail,
            code=error.code,
            field=error.field,
            headers=error.headers,
        )

    @app.exception_handler(BondflowError)
    async def _domain(request: Request, error: BondflowError) -> JSONResponse:
        line = getattr(error, "line", None)  # an uploaded document's refusal names its line
        return problem_response(
            error.status,
            error.code.replace("_", " "),
            f"line {line}: {error.reason}" if line else error.reason,
            code=error.code,
            field=error.field,
            extra={"line": line} if line else None,
        )

    @app.exception_handler(ValidationError)
    async def _model(request: Request, error: ValidationError) -> JSONResponse:
        # A model built inside an endpoint from valid parts (a draft from an upload).
        return _invalid(error.errors())

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, error: RequestValidationError) -> JSONResponse:
        return _invalid(error.errors())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else "error"
        return problem_response(
            error.status_code,
            detail,
            detail,
            code=f"http_{error.status_code}",
            headers=dict(error.headers or {}),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            "internal error",
            "the server failed; the request id names it in the logs",
            code="internal_error",
        )
