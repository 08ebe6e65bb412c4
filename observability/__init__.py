"""What an operator watches: Prometheus metrics (``metrics.py``: every definition in one
place) and OpenTelemetry traces (``tracing.py``)."""
