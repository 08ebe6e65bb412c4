"""Console routes: excluded from the OpenAPI, their refusals rendered as pages (a missing
object and another enterprise's are the same "not found" page; not signed in goes to
the sign-in form), and every POST checked for its CSRF token before the page runs.

Every page router is made by ``console_router`` (so no POST escapes the CSRF check)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.i18n import N_
from console.refusals import ShownRefusal
from schemas.errors import NotFound

log = logging.getLogger("bondflow.console")


class NotSignedIn(Exception):
    """A page that needs someone signed in: the browser goes to the sign-in form."""


class PageRefused(Exception):
    """A refusal shown as a whole page with its status (403 forbidden, 404 not found)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title  # English msgids, translated when shown
        self.detail = detail


def not_found() -> PageRefused:
    return PageRefused(
        404, N_("Not found"), N_("There is nothing here, or it is not yours to see.")
    )


def forbidden() -> PageRefused:
    return PageRefused(403, N_("Not allowed"), N_("Your role may not open this page."))


def csrf_refused() -> PageRefused:
    return PageRefused(
        403,
        N_("Form refused"),
        N_(
            "The form did not carry this session's security token (CSRF), so nothing was"
            " done. Open the page again and send the form from it."
        ),
    )


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedIn:
                return RedirectResponse("/", status_code=303)
            except NotFound:
                return _message(request, not_found())
            except PageRefused as refused:
                return _message(request, refused)
            except RequestValidationError as error:
                refusals = [
                    ShownRefusal(
                        ".".join(str(p) for p in problem["loc"][1:]) or None, problem["msg"]
                    )
                    for problem in error.errors()
                ]
                return _message(
                    request,
                    PageRefused(422, N_("Form refused"), N_("The form was not filled in right.")),
                    refusals,
                )

        return route


def _message(
    request: Request, refused: PageRefused, refusals: list[ShownRefusal] | None = None
) -> Response:
    from console.dependencies import page_of  # the page is built by the dependency

    page = page_of(request)
    return page.render(
        "message.html",
        status=refused.status,
        title=page.gettext(refused.title),
        detail=page.gettext(refused.detail),
        refusals=refusals or [],
    )


def console_router(prefix: str = "") -> APIRouter:
    """A router of console pages: hidden from the OpenAPI, every POST CSRF-checked."""
    from console.csrf import check_csrf

    return APIRouter(
        prefix=prefix,
        route_class=ConsoleRoute,
        include_in_schema=False,
        dependencies=[Depends(check_csrf)],
    )
