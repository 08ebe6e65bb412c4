"""The console's pages, one module per area: a router made by
``console.routing.console_router`` and its templates under ``console/templates``."""
