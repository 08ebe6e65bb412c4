"""Journeys run on the workflow tests' real zone: a dev server, a worker, the customs
simulator and the receipt watcher over a fresh database."""

from tests.workflows.conftest import dev_server, empty_zone

__all__ = ["dev_server", "empty_zone"]
