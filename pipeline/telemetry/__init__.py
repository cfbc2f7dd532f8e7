"""Observability: OpenTelemetry traces, Prometheus metrics, stored model exchanges, JSON logs.

Stages are instrumented through one wrapper, ``stage(name, fn, *args)`` (a span, a latency
histogram, the document's attributes); everything else here is called from the edges (the
provider boundary, the queue middleware, the CLI).
"""

from pipeline.telemetry.stages import stage

__all__ = ["stage"]
