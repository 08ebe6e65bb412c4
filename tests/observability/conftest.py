"""The observability tests use the API tests' live stack (the dev server, a worker, the
customs simulator and the receipt watcher, with the API in process)."""

from __future__ import annotations

from tests.api.conftest import api, live
from tests.workflows.conftest import dev_server, zone

__all__ = ["api", "dev_server", "live", "zone"]
