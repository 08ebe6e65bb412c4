"""The console's cookies: the session (HttpOnly, SameSite=Lax, Secure over HTTPS), the
CSRF token of a browser not signed in yet, the language and the flash messages. The
session's id is random and only its SHA-256 is stored (``access/sessions.py``)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Final, Literal

from starlette.requests import Request
from starlette.responses import Response

SESSION: Final = "bf_session"
ANONYMOUS_CSRF: Final = "bf_csrf"
FLASH: Final = "bf_flash"
YEAR: Final = 365 * 24 * 3600


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    http_only: bool = True,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=http_only,
        samesite="lax",
        secure=is_https(request),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=is_https(request))


@dataclass(frozen=True)
class Flash:
    """A message shown once on the page after a redirect (POST-redirect-GET)."""

    text: str  # already in the page's language
    kind: Literal["ok", "error"] = "ok"


def encode_flashes(flashes: list[Flash]) -> str:
    data = json.dumps([[f.kind, f.text] for f in flashes], ensure_ascii=False)
    return base64.urlsafe_b64encode(data.encode("utf-8")).decode("ascii")


def decode_flashes(value: str | None) -> list[Flash]:
    """The flashes of the cookie; anything malformed is dropped (it is only a message)."""
    if not value:
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(value.encode("ascii")))
        return [Flash(str(text), "error" if kind == "error" else "ok") for kind, text in data][:5]
    except (ValueError, TypeError):
        return []
