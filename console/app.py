"""The console in the API's app: the pages' routers (one line each), the static files
at ``/console/static``. ``api.app.create_app`` calls ``install``; the sign-in
limiter is one of the app's services (``api.services.Services``)."""

from __future__ import annotations

from importlib.resources import files
from typing import Final

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from console.navigation import PREFIX
from console.pages import (
    admin,
    auditor,
    filer,
    filer_stocktake,
    liaison,
    missing,
    periods,
    signin,
)

STATIC: Final = files("console") / "static"


def install(app: FastAPI) -> None:
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(STATIC)), name="console-static")
    app.include_router(signin.router)
    app.include_router(admin.router)
    app.include_router(liaison.router)
    app.include_router(periods.router)
    app.include_router(auditor.router)
    app.include_router(filer.router)
    app.include_router(filer_stocktake.router)
    # Other areas' routers are included here, one line each.
    app.include_router(missing.router)  # last: every other /console path is "not found"
