"""``GET /metrics``: the API process's Prometheus metrics (``observability.metrics``),
the waiting lifecycles per stage counted in Temporal's visibility and the audit
chain's head read from the database when scraped.

Not behind the console's sign-in or an API user's token: Prometheus is not a user.
The figures carry no identifiers (route templates, lifecycles, stages, counts), so
the endpoint is open by default on the API's port, like /health; where the API's
port is reachable from outside the operator's network, ``BONDFLOW_METRICS_TOKEN``
makes it ask for ``Authorization: Bearer <that token>`` (Prometheus'
``authorization.credentials_file``). Not in the OpenAPI.
"""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from api.dependencies import UNAUTHENTICATED, ServicesDep
from api.problems import Problem
from bondflow.settings import Settings
from observability.metrics import REGISTRY, chain_head, set_waiting
from observability.waiting import WaitingGauge

router = APIRouter(include_in_schema=False)


def _check_token(request: Request, token: str | None) -> None:
    if token is None:
        return
    sent = request.headers.get("authorization", "")
    scheme, _, credentials = sent.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    ):
        raise Problem(
            401,
            "unauthenticated",
            "the metrics need the scrape token: Authorization: Bearer <BONDFLOW_METRICS_TOKEN>",
            code="unauthenticated",
            field="authorization",
            headers=UNAUTHENTICATED,
        )


def _waiting(request: Request, settings: Settings) -> WaitingGauge:
    gauge: WaitingGauge | None = getattr(request.app.state, "waiting_gauge", None)
    if gauge is None:
        gauge = WaitingGauge(settings.task_queue, max_age=settings.metrics_waiting_max_age_seconds)
        request.app.state.waiting_gauge = gauge
    return gauge


@router.get("/metrics")
async def metrics(request: Request, services: ServicesDep) -> Response:
    _check_token(request, services.settings.metrics_token)
    try:
        client = await asyncio.wait_for(services.temporal(), timeout=3)
    except Exception:  # Temporal down: the other figures are still worth having
        set_waiting(None)
    else:
        await _waiting(request, services.settings).refresh(client)
    anchor = await run_in_threadpool(services.auditor.anchor)
    chain_head(anchor.seq)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
