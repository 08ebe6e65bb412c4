"""Every HTTP request counted and timed by its route template (``/lifecycles/{workflow_id}``,
never the raw path, so the series stay few), method and status."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.metrics import HTTP_DURATION, HTTP_REQUESTS

# A request no route matched (a 404 for any path): one series, not one per path.
UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's path template (a mount's prefix for static files)."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    return UNMATCHED


class HttpMetrics:
    """Pure ASGI middleware (no body buffering): the router puts the matched route in
    the scope, read after the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500

        async def send_seeing_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_seeing_status)
        finally:
            labels = {
                "route": route_template(scope),
                "method": scope.get("method", "-"),
                "status": str(status),
            }
            HTTP_REQUESTS.labels(**labels).inc()
            HTTP_DURATION.labels(**labels).observe(time.perf_counter() - began)
