"""Every error as RFC 9457 problem+json: a type, a title, the status, the detail, and
for bad input the field (a JSON pointer-ish path) and the reason."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.request_ids import current_request_id
from schemas.errors import BondflowError, field_path
from schemas.wording import plain_reason

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


# The field a problem names when its raiser named none: every 4xx says where to look.
DEFAULT_FIELDS: dict[int, str] = {
    400: "body",
    401: "authorization",  # the Authorization header
    403: "role",  # the token's user may not do this
    404: "path",  # no such route (objects name their path parameter)
    405: "method",
    406: "accept",
    409: "body",
    411: "content-length",
    413: "body",
    415: "content-type",
    422: "body",
    429: "request",
}


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
    if field is None and 400 <= status < 500:
        field = DEFAULT_FIELDS.get(status, "request")
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


# --- field paths: one style, relative to the body the caller sent ----------------------


def _location(loc: tuple[Any, ...]) -> str:
    # ("body", "lines", 0, "quantity") -> "lines[0].quantity"; the source part is dropped.
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else list(loc)
    return field_path(parts) or str(loc[0] if loc else "body")


def _reason(error: Mapping[str, Any]) -> str:
    """Pydantic's message in plain words ("Value error, " is pydantic's, not ours)."""
    return plain_reason(str(error.get("msg", "invalid")))


def _line_and_column(document: Any, offset: int) -> tuple[int, int] | None:
    if isinstance(document, bytes):
        document = document.decode("utf-8", errors="replace")
    if not isinstance(document, str) or offset < 0:
        return None
    before = document[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _not_json(error: Mapping[str, Any], document: Any) -> JSONResponse:
    """422 for a body that is not JSON at all: field "body", the position in words."""
    loc = tuple(error.get("loc", ()))
    offset = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else -1
    why = str((error.get("ctx") or {}).get("error", "malformed")).rstrip(".")
    where = _line_and_column(document, offset)
    position = f" at line {where[0]}, column {where[1]} (character {offset + 1})" if where else ""
    detail = f"the body is not valid JSON: {why[:1].lower()}{why[1:]}{position}"
    extra: dict[str, Any] = {"line": where[0], "column": where[1]} if where else {}
    return problem_response(
        422,
        "invalid request",
        detail,
        code="invalid_json",
        field="body",
        errors=[{"field": "body", "reason": detail}],
        extra=extra or None,
    )


def _invalid(
    found: Sequence[Any], where: Callable[[str], str] | None = None, document: Any = None
) -> JSONResponse:
    """422 naming the first field and reason, with every error listed."""
    for error in found:
        if error.get("type") == "json_invalid":
            return _not_json(error, document)
    rename = where or (lambda field: field)
    errors = [
        {"field": rename(_location(tuple(e.get("loc", ())))), "reason": _reason(e)} for e in found
    ]
    first = errors[0] if errors else {"field": "body", "reason": "invalid"}
    return problem_response(
        422,
        "invalid request",
        f"{first['field']}: {first['reason']}",
        code="invalid_request",
        field=first["field"],
        errors=errors,
    )


class InvalidPart(Exception):
    """A model built from a part of the body failed; its fields are renamed to the
    body's paths (raised by ``fields_under``)."""

    def __init__(self, error: ValidationError, where: Callable[[str], str]) -> None:
        super().__init__(str(error))
        self.error = error
        self.where = where


@contextmanager
def fields_under(where: Callable[[str], str]) -> Iterator[None]:
    """Refusals raised inside name fields relative to a part of the request (a draft
    inside a correction's body, an uploaded document's elements); ``where`` renames
    them to the path in what the caller sent: the one place a part's path is mapped."""
    try:
        yield
    except BondflowError as error:
        if error.field:
            error.field = where(error.field)
        raise
    except ValidationError as error:
        raise InvalidPart(error, where) from None


def under(prefix: str) -> Callable[[str], str]:
    """Fields of the part at ``prefix`` of the body ("draft" -> "draft.book_no")."""
    return lambda field: f"{prefix}.{field}" if field else prefix


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
        problems = getattr(error, "problems", ())  # and every other problem in it
        return problem_response(
            error.status,
            error.code.replace("_", " "),
            f"line {line}: {error.reason}" if line else error.reason,
            code=error.code,
            field=error.field,
            errors=[dict(problem) for problem in problems] if len(problems) > 1 else None,
            extra={"line": line} if line else None,
        )

    @app.exception_handler(ValidationError)
    async def _model(request: Request, error: ValidationError) -> JSONResponse:
        # A model built inside an endpoint from valid parts (a draft from an upload).
        return _invalid(error.errors())

    @app.exception_handler(InvalidPart)
    async def _part(request: Request, error: InvalidPart) -> JSONResponse:
        return _invalid(error.error.errors(), error.where)

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, error: RequestValidationError) -> JSONResponse:
        return _invalid(error.errors(), document=error.body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else "error"
        title = detail.lower()
        if error.status_code == 404:
            detail = f"no route {request.url.path}"
        elif error.status_code == 405:
            allowed = (error.headers or {}).get("allow") or (error.headers or {}).get("Allow")
            detail = f"{request.method} is not a method of {request.url.path}" + (
                f" (it takes {allowed})" if allowed else ""
            )
        return problem_response(
            error.status_code,
            title,
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
