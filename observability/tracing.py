"""OpenTelemetry traces from an API request through its workflow to each activity.

Off unless an OTLP endpoint is configured (``BONDFLOW_OTLP_ENDPOINT`` or the standard
``OTEL_EXPORTER_OTLP_ENDPOINT``): then the API's requests (FastAPI's instrumentation)
and Temporal's client and worker calls (the SDK's ``TracingInterceptor``: start,
signal, update, the workflow's run and each activity) become spans exported over
OTLP/gRPC in batches. The request id (``api.request_ids``) travels as W3C baggage
with the trace context, through Temporal's headers too, and every span gets it as
the attribute ``bondflow.request_id``, in the API and in the worker alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from opentelemetry import baggage, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

# What only a process with tracing on uses (the exporter, FastAPI's instrumentation,
# Temporal's interceptor) is imported when tracing is configured: FastAPI's
# instrumentation alone imports FastAPI, 0.15 s of CPU at the start of every worker.
if TYPE_CHECKING:
    from fastapi import FastAPI
    from temporalio.client import Interceptor

API_SERVICE = "bondflow-api"
WORKER_SERVICE = "bondflow-worker"
# The span attribute and the baggage entry that carry the request id.
REQUEST_ID = "bondflow.request_id"
# Requests not worth a trace: probes and scrapes.
UNTRACED_URLS = "/health,/ready,/metrics,/console/static"


class RequestIdOnSpans(SpanProcessor):
    """Puts the request id from the span's context's baggage on the span as it starts."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        request_id = baggage.get_baggage(REQUEST_ID, parent_context)
        if request_id is not None:
            span.set_attribute(REQUEST_ID, str(request_id))


def tracer_provider(
    service: str, exporter: SpanExporter, *, batched: bool = True
) -> TracerProvider:
    """A provider naming ``service`` that exports to ``exporter`` (in batches, or each
    span as it ends: tests' in-memory exporter)."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(RequestIdOnSpans())
    provider.add_span_processor(
        BatchSpanProcessor(exporter) if batched else SimpleSpanProcessor(exporter)
    )
    return provider


def configure_tracing(endpoint: str | None, service: str) -> TracerProvider | None:
    """The process's tracer provider exporting to ``endpoint`` over OTLP/gRPC, made the
    global one; None (tracing off) without an endpoint."""
    if not endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    provider = tracer_provider(service, OTLPSpanExporter(endpoint=endpoint))
    trace.set_tracer_provider(provider)
    return provider


def temporal_interceptors(provider: TracerProvider | None) -> Sequence[Interceptor]:
    """The Temporal client's interceptors for tracing (a worker built on the client
    takes them too): none when tracing is off."""
    if provider is None:
        return ()
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return (TracingInterceptor(provider.get_tracer("temporalio")),)


def instrument_api(app: FastAPI, provider: TracerProvider | None) -> None:
    """A server span for every request but probes and scrapes (no spans for each
    ASGI message sent or received); nothing when tracing is off."""
    if provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=UNTRACED_URLS,
        exclude_spans=["receive", "send"],
    )
