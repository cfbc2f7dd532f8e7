"""The OpenTelemetry tracer, configured only by the standard ``OTEL_*`` variables.

Nothing is exported (and the API's no-op tracer is used) unless an OTLP endpoint is
set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) and
neither ``OTEL_SDK_DISABLED=true`` nor ``OTEL_TRACES_EXPORTER=none`` says otherwise.
Batching, service name and resource attributes follow their ``OTEL_*`` variables too
(``OTEL_SERVICE_NAME``, ``OTEL_BSP_SCHEDULE_DELAY``, ...), read by the SDK itself.
"""

from __future__ import annotations

import os
import threading

from opentelemetry import trace

_configured = False
_lock = threading.Lock()


def enabled() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    if os.environ.get("OTEL_TRACES_EXPORTER", "otlp").lower() == "none":
        return False
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def setup() -> None:
    """Install the SDK tracer provider with an OTLP/HTTP exporter, once per process, if configured."""
    global _configured
    with _lock:
        if _configured:
            return
        _configured = True
        if not enabled():
            return
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override this default (Resource.create reads them)
        resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "docloop")})
        provider = TracerProvider(resource=resource)  # flushes and shuts down at interpreter exit
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)


def flush() -> None:
    """Export what is batched now (a worker about to stop, a CLI command about to exit)."""
    provider = trace.get_tracer_provider()
    if hasattr(provider, "force_flush"):
        provider.force_flush()


def tracer() -> trace.Tracer:
    setup()
    return trace.get_tracer("docloop")
