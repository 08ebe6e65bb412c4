"""Liveness (the process answers) and readiness (the database and Temporal answer)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from api.dependencies import ServicesDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str | None = None
    temporal: str | None = None


@router.get("/health", response_model=Health)
async def health() -> Health:
    return Health(status="ok")


@router.get("/ready", response_model=Health, responses={503: {"model": Health}})
async def ready(services: ServicesDep) -> JSONResponse:
    def ping_database() -> None:
        with services.database.reading() as session:
            session.execute(text("SELECT 1"))

    database = temporal = "ok"
    try:
        await run_in_threadpool(ping_database)
    except Exception as error:  # any failure means not ready; the reason is reported
        database = f"unreachable: {type(error).__name__}"
    try:
        client = await asyncio.wait_for(services.temporal(), timeout=3)
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
    except Exception as error:  # as above
        temporal = f"unreachable: {type(error).__name__}"
    ok = database == temporal == "ok"
    body = Health(status="ok" if ok else "unavailable", database=database, temporal=temporal)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
