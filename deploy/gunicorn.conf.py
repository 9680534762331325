"""Gunicorn settings shared by the three Linli services.

Used by docker-compose, the Kubernetes manifests and the Procfile::

    gunicorn -c deploy/gunicorn.conf.py "linli.canteen.app:create_app()"

Everything that differs between environments comes from the environment:

- ``PORT`` (default 8000) on ``GUNICORN_BIND_HOST`` (default 0.0.0.0), or ``GUNICORN_BIND``
  for a full bind address;
- ``GUNICORN_WORKERS`` (default ``2 * cores + 1``, cores counted from the CPU quota of the
  container when there is one, capped at ``GUNICORN_MAX_WORKERS``, default 8);
- ``GUNICORN_THREADS`` (default 4), ``GUNICORN_TIMEOUT`` (30 s),
  ``GUNICORN_GRACEFUL_TIMEOUT`` (30 s), ``GUNICORN_KEEPALIVE`` (5 s),
  ``GUNICORN_MAX_REQUESTS`` (1000), ``GUNICORN_MAX_REQUESTS_JITTER`` (100),
  ``GUNICORN_LOG_LEVEL`` (info);
- ``FORWARDED_ALLOW_IPS`` is read by gunicorn itself (the apps use werkzeug's ProxyFix for
  the X-Forwarded-* headers, so gunicorn's own handling barely matters);
- ``PROMETHEUS_MULTIPROC_DIR``: when set, the directory is created and emptied at start and a
  dead worker's metric files are marked dead (prometheus_client's multiprocess mode).

Connection pool sizing: every worker is one process with its own SQLAlchemy pool
(``LINLI_DB_POOL_SIZE`` + ``LINLI_DB_MAX_OVERFLOW``), used by ``threads`` threads, so a
replica holds at most ``workers * (pool_size + max_overflow)`` PostgreSQL connections.
"""

from __future__ import annotations

import os
import shutil

# --- helpers ------------------------------------------------------------------------------


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def available_cpus() -> int:
    """CPUs this process may use: the cgroup v2 quota if any, else the affinity mask.

    ``os.cpu_count()`` reports the host's cores, which in a container limited to one CPU
    would start a worker per host core.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cpus = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, -(-int(quota) // int(period))))  # ceil division
    except (OSError, ValueError):
        pass
    return max(1, cpus)


def default_workers() -> int:
    return min(2 * available_cpus() + 1, _int_env("GUNICORN_MAX_WORKERS", 8))


# --- server socket -----------------------------------------------------------------------

_host = os.environ.get("GUNICORN_BIND_HOST") or "0.0.0.0"
bind = os.environ.get("GUNICORN_BIND") or f"{_host}:{_int_env('PORT', 8000)}"
backlog = 2048

# --- workers ------------------------------------------------------------------------------

# gthread: each worker process serves requests on a small thread pool. The apps are I/O
# bound (PostgreSQL, the hub's JWKS, Stripe), so threads give concurrency without the
# monkey-patching of gevent, and a slow request does not block a whole worker.
worker_class = "gthread"
workers = _int_env("GUNICORN_WORKERS", default_workers())
threads = _int_env("GUNICORN_THREADS", 4)

timeout = _int_env("GUNICORN_TIMEOUT", 30)
# On SIGTERM (docker stop, a Kubernetes rollout) workers get this long to finish their
# in-flight requests; keep it below the orchestrator's kill grace period (compose
# stop_grace_period, Kubernetes terminationGracePeriodSeconds).
graceful_timeout = _int_env("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than nginx's upstream keepalive_timeout (4 s in deploy/nginx.conf), so that it is
# always nginx that closes an idle keep-alive connection, never gunicorn under its feet.
keepalive = _int_env("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (slow leaks); the jitter keeps them from restarting together.
max_requests = _int_env("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int_env("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The heartbeat file lives in memory: a container's overlay /tmp can stall workers.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Several gunicorns run side by side (the Procfile runs three on one host); the optional
# control socket would default to the same path for all of them.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# --- gunicorn's own error answers ----------------------------------------------------------

# A request line over limit_request_line (4094 bytes: 414), headers over limit_request_field_size
# (8190) or limit_request_fields (100): 431, a malformed request: 400. Gunicorn answers these before
# any app runs, as HTML by default; like every other error of the services they are problem+json.
# Behind nginx its own (smaller) limits answer first, also as problem+json (deploy/nginx.conf).
try:
    from linli.shared.gunicorn_errors import install as _problem_json_errors
except ImportError:  # gunicorn run outside the project's environment: keep its HTML
    pass
else:
    _problem_json_errors()

# --- application loading -----------------------------------------------------------------

# No preloading: every worker imports the app and calls create_app() itself, after the
# fork. The apps create their SQLAlchemy engines (and so their connection pools) lazily in
# the process that uses them, so no database connection can be inherited across a fork.
# Preloading would save a little memory and start-up time but would build the app in the
# master; see post_fork below for what that would require.
preload_app = False

# --- logging -----------------------------------------------------------------------------

loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
errorlog = "-"
# The apps write their own access line (JSON, with request id and service); gunicorn's is off
# unless asked for: GUNICORN_ACCESS_LOG=- (stdout) or a file path.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "none")
if accesslog.lower() in {"", "none", "off"}:
    accesslog = None
# One JSON object per line (values are not JSON-escaped by gunicorn, so a header holding a
# double quote would spoil the line: "JSON-ish"). The request id is nginx's X-Request-ID.
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", '
    '"method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "protocol": "%(H)s", '
    '"status": %(s)s, "bytes": "%(b)s", "duration_ms": %(M)s, '
    '"request_id": "%({x-request-id}i)s", "forwarded_for": "%({x-forwarded-for}i)s", '
    '"referer": "%(f)s", "user_agent": "%(a)s", "pid": "%(p)s"}'
)
# Let the app's own (structlog) output through unchanged.
capture_output = False

proc_name = os.environ.get("GUNICORN_PROC_NAME") or None


# --- hooks -------------------------------------------------------------------------------


def on_starting(server):
    """Start every run with an empty prometheus_client multiprocess directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def post_fork(server, worker):
    """Make sure a worker owns no database connection of its parent.

    With ``preload_app = False`` (above) there is nothing to do: the master never built the
    app, so the freshly forked worker has no engine and no pool yet. Only if someone turns
    preloading on (``--preload``) does the master hold an app whose engines may already have
    opened connections; then the child drops its copies of those pools without closing the
    sockets, which still belong to the parent (SQLAlchemy's documented recipe for forks).
    """
    if not server.cfg.preload_app:
        return
    app = getattr(server.app, "callable", None)
    extension = getattr(app, "extensions", {}).get("sqlalchemy") if app is not None else None
    if extension is None:
        return
    with app.app_context():
        for engine in extension.engines.values():
            engine.dispose(close=False)


def child_exit(server, worker):
    """Let prometheus_client forget a dead worker's live gauges (multiprocess mode only)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
