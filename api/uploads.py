"""Uploaded files: the body read no further than a limit, so a huge upload is refused
(413) while it streams in, not after it filled the memory."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.problems import Problem

# A sheet's body in the OpenAPI (items, norms, a stocktake's counts), and its refusal.
SHEET_BODY = {
    "requestBody": {
        "required": True,
        "description": "A CSV (UTF-8 or GB18030) or XLSX file; the first row names the "
        "columns (our field names or the Chinese headers).",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in (
                "text/csv",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
    }
}
IMPORT_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Bad rows: nothing was imported; `errors` lists every one "
        "({row, column, field, reason}; the header is row 1)."
    }
}


async def body_within(request: Request, limit: int) -> bytes:
    """The request body, read no further than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> Problem:
    return Problem(
        413, "too large", f"the upload is over {limit} bytes", code="too_large", field="body"
    )
