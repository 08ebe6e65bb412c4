"""The API's settings in tests that drive lifecycles through it on a running zone."""

from __future__ import annotations

from typing import Any

from bondflow.settings import Settings

# Production lets a status read be up to 1 s old (`api_status_max_age_seconds`). These
# tests poll the API for a workflow's next stage, and each such wait would then cost up
# to a second more: about 10 s per run of the demo's story, a minute over the suite.
# The cache stays in the path, with a shorter bound; the bound itself, `read_at` and
# the single query readers share are specified in tests/lifecycles/test_status_reads.py.
ZONE_STATUS_MAX_AGE_SECONDS = 0.05
# Likewise the waiting lifecycles' counts on /metrics (5 s in production), which a
# test scrapes until they show a stage change.
ZONE_WAITING_MAX_AGE_SECONDS = 0.1
# And the liaison's open queue page, which a browser test waits on to bring in a filing.
ZONE_QUEUE_REFRESH_SECONDS = 0.5


def zone_settings(task_queue: str, **overrides: Any) -> Settings:
    """Settings for an API whose lifecycles run on the zone's ``task_queue``."""
    return Settings(
        task_queue=task_queue,
        api_status_max_age_seconds=ZONE_STATUS_MAX_AGE_SECONDS,
        metrics_waiting_max_age_seconds=ZONE_WAITING_MAX_AGE_SECONDS,
        console_queue_refresh_seconds=ZONE_QUEUE_REFRESH_SECONDS,
        **overrides,
    )
