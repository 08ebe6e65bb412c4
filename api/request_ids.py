"""A request id for every request: taken from X-Request-ID if the caller sent a sane
one, else made; returned in the response, put on every log line of the request and,
as OpenTelemetry baggage, on every span of its trace (``observability.tracing``)."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from opentelemetry import baggage, context, trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.tracing import REQUEST_ID

HEADER = "x-request-id"
_SANE = re.compile(r"^[0-9A-Za-z._\-]{8,64}$")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
log = logging.getLogger("bondflow.api.requests")


def current_request_id() -> str | None:
    return _current.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to log records (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True


class RequestIds:
    """Pure ASGI middleware (no body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(HEADER.encode(), b"").decode("latin-1")
        request_id = sent if _SANE.fullmatch(sent) else uuid.uuid4().hex
        token = _current.set(request_id)
        # The request's server span began before this middleware; its children (and
        # the workflow's, through Temporal's headers) read the id from the baggage.
        trace.get_current_span().set_attribute(REQUEST_ID, request_id)
        traced = context.attach(baggage.set_baggage(REQUEST_ID, request_id))
        began = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "%s %s %s %.1f ms",
                scope.get("method", "-"),
                scope.get("path", "-"),
                status,
                (time.perf_counter() - began) * 1000,
            )
            context.detach(traced)
            _current.reset(token)


def configure_logging(level: int = logging.INFO) -> None:
    """One line per log record with the request id; idempotent."""
    logger = logging.getLogger("bondflow.api")
    if any(getattr(h, "_bondflow", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    handler._bondflow = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
