"""CSRF tokens (跨站请求伪造防护): every console form carries a hidden ``csrf_token``;
every console POST is refused (403 page) unless it equals the session's token (signed
in) or the browser's double-submit cookie (the sign-in form). SameSite=Lax cookies are
the second guard."""

from __future__ import annotations

import hmac
from typing import Annotated, Final

from fastapi import Depends
from starlette.requests import Request

from console.dependencies import any_page
from console.page import Page
from console.routing import csrf_refused

FIELD: Final = "csrf_token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


async def check_csrf(request: Request, page: Annotated[Page, Depends(any_page)]) -> None:
    if request.method in SAFE_METHODS:
        return
    form = await request.form()  # kept by Starlette: the page reads the same form
    sent = form.get(FIELD)
    if not isinstance(sent, str) or not page.csrf_token:
        raise csrf_refused()
    if not hmac.compare_digest(sent.encode("utf-8"), page.csrf_token.encode("utf-8")):
        raise csrf_refused()
