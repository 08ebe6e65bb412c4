"""Every other path under ``/console``: the "not found" page in the reader's language
(signed in or not), never the API's problem+json. Included last, so it only answers
paths no page has; API paths (none starts with ``/console``) keep their JSON 404."""

from __future__ import annotations

from typing import NoReturn

from console.dependencies import AnyPage
from console.navigation import PREFIX
from console.routing import console_router, not_found

router = console_router()


@router.api_route(
    PREFIX, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], response_model=None
)
@router.api_route(
    f"{PREFIX}/{{rest:path}}",
    methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    response_model=None,
)
async def missing(page: AnyPage, rest: str = "") -> NoReturn:
    """(``page``: the header shows who is signed in, in their language.)"""
    raise not_found()
