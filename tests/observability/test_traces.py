"""Traces: given the live stack with tracing on (an in-memory exporter instead of
OTLP), when a filer files an entry through the API with a request id and the liaison
signs it off, then the filing is one trace from the API's request through the
workflow's start and run to every activity it ran, each span carrying the filing's
request id, in the API and in the worker alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from adapters.db.engine import Database
from observability.tracing import REQUEST_ID, temporal_interceptors, tracer_provider
from tests.api.conftest import api_client, entry_body, until_stage
from tests.support.settings import zone_settings
from tests.workflows.conftest import running_zone

pytestmark = pytest.mark.asyncio(loop_scope="session")

FILING = "trace-filing-0001"
ACTIVITIES = ("validate", "reserve", "submit_list", "submit_gate_pass", "resolve")


async def test_a_filing_is_one_trace_from_the_api_to_each_activity(
    dev_server: WorkflowEnvironment, seeded: Database, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = tracer_provider("bondflow-test", exporter, batched=False)
    config = dev_server.client.config()
    config["interceptors"] = temporal_interceptors(provider)
    traced = Client(**config)

    async def temporal() -> Client:
        return traced

    async with running_zone(dev_server, seeded, tmp_path, client=traced) as zone:
        settings = zone_settings(zone.task_queue)
        async with api_client(seeded, temporal, settings, tracer_provider=provider) as api:
            api.tag = zone.task_queue.removeprefix("test-")[:6]
            filed = await api.client.post(
                "/lifecycles/first_line_entry",
                json=entry_body(api.no("TRACE-1")),
                headers={**api.auth("solar-filer"), "X-Request-ID": FILING},
            )
            assert filed.status_code == 201, filed.text
            workflow_id = filed.json()["workflow_id"]
            await until_stage(api, "liaison", workflow_id, "awaiting_sign_off")
            signed = await api.post(
                "liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
            )
            assert signed.status_code == 200, signed.text
            await until_stage(api, "liaison", workflow_id, "completed")
    provider.force_flush()

    spans = exporter.get_finished_spans()
    request = one(spans, "POST /lifecycles/first_line_entry", SpanKind.SERVER)
    trace = [s for s in spans if s.context.trace_id == request.context.trace_id]
    names = {s.name for s in trace}

    # From the request, through the workflow's start and run, to each activity.
    assert "StartWorkflow:FirstLineEntry" in names
    assert "RunWorkflow:FirstLineEntry" in names
    for activity in ACTIVITIES:
        assert f"StartActivity:entry.{activity}" in names, sorted(names)
        assert f"RunActivity:entry.{activity}" in names, sorted(names)

    # One tree: every span but the request's own hangs from another span of the trace.
    ids = {s.context.span_id for s in trace}
    for span in trace:
        if span is not request:
            assert span.parent is not None, span.name
            assert span.parent.span_id in ids, span.name

    # The filing's request id on every span, the worker's included.
    for span in trace:
        assert (span.attributes or {}).get(REQUEST_ID) == FILING, span.name

    # The sign-off is a request of its own, with its own id.
    sign_off = one(spans, "POST /lifecycles/{workflow_id}/sign-off", SpanKind.SERVER)
    assert sign_off.context.trace_id != request.context.trace_id
    assert (sign_off.attributes or {}).get(REQUEST_ID) not in (None, FILING)


def one(spans: tuple[ReadableSpan, ...], name: str, kind: SpanKind) -> ReadableSpan:
    found = [s for s in spans if s.name == name and s.kind is kind]
    assert len(found) == 1, [(s.name, s.kind) for s in spans]
    return found[0]
