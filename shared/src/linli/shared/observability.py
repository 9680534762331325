"""JSON logs with a request id, ``/healthz``, ``/readyz`` and Prometheus ``/metrics``."""

from __future__ import annotations

import logging
import sys
import time
import uuid

import sqlalchemy as sa
import structlog
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from linli.shared.errors import UNAVAILABLE_RETRY_AFTER_SECONDS, problem_body, problem_response
from linli.shared.plugins import PluginFailure, PluginHost
from linli.shared.state import service_state

REQUEST_ID_HEADER = "X-Request-ID"
_configured = False


def configure_logging(level: str = "INFO") -> None:
    """Process-wide: structlog renders JSON lines to stdout, stdlib logging goes through it."""
    global _configured
    if _configured:
        return
    _configured = True
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, structlog.processors.JSONRenderer(ensure_ascii=False)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=False,  # tests capture logs; the cost is a dict copy per call
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        foreign_pre_chain=shared,
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("linli_http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"], registry=self.registry)
        self.latency = Histogram("linli_http_request_duration_seconds", "HTTP request latency", ["service", "method", "endpoint"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.plugin_errors = Counter("linli_plugin_errors_total", "Exceptions raised inside community plugins",
                                     ["service", "plugin", "hook", "community"], registry=self.registry)
        self.plugin_load_failures = Gauge("linli_plugin_load_failures", "Community plugins that could not be loaded",
                                          ["service", "plugin"], registry=self.registry)
        self.service = service


probes = Blueprint("linli_probes", __name__)
access_log = structlog.get_logger("linli.access")


@probes.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok", service=current_app.config["LINLI_SERVICE"])


@probes.get("/readyz")
def readyz() -> Response:
    try:
        service_state().db.session.execute(sa.text("SELECT 1"))
    except Exception as error:
        return problem_response(problem_body(503, code="not_ready", title="Not ready",
                                             detail=f"database: {type(error).__name__}"),
                                {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)})
    return jsonify(status="ready", service=current_app.config["LINLI_SERVICE"], database="ok")


@probes.get("/metrics")
def metrics() -> Response:
    registry = current_app.extensions["linli_metrics"].registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start() -> None:
    request_id = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
    g.request_id = request_id[:64]
    g.request_started = time.perf_counter()
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=g.request_id, service=current_app.config["LINLI_SERVICE"])


def _finish(response: Response) -> Response:
    elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
    endpoint = request.url_rule.rule if request.url_rule else "<unmatched>"
    metrics: Metrics = current_app.extensions["linli_metrics"]
    metrics.requests.labels(metrics.service, request.method, endpoint, str(response.status_code)).inc()
    metrics.latency.labels(metrics.service, request.method, endpoint).observe(elapsed)
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    if current_app.config.get("LINLI_ACCESS_LOG", True):
        access_log.info("request", method=request.method, path=request.path, status=response.status_code,
                        duration_ms=round(elapsed * 1000, 2))
    return response


def watch_plugins(app: Flask, host: PluginHost) -> None:
    """Count the failures of community plugins on ``/metrics``: at load time and in every hook call."""
    metrics: Metrics = app.extensions["linli_metrics"]
    for name in host.load_failures:
        metrics.plugin_load_failures.labels(metrics.service, name).set(1)

    def count(failure: PluginFailure) -> None:
        metrics.plugin_errors.labels(metrics.service, failure.plugin, failure.hook, failure.community).inc()

    host.failure_listeners.append(count)


def init_observability(app: Flask) -> None:
    configure_logging(app.config["LINLI_LOG_LEVEL"])
    app.extensions["linli_metrics"] = Metrics(app.config["LINLI_SERVICE"])
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(probes)
