"""Configuration from ``LINLI_*`` environment variables, overridable in tests."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linli.shared.localtime import LOCAL_TZ


def var_dir_from_env() -> Path:
    return Path(os.environ.get("LINLI_VAR_DIR", "var")).resolve()


def _read_or_create_secret(path: Path) -> str:
    """A random secret kept in a file under var/, made once (atomically) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        value = secrets.token_urlsafe(32)
        handle.write(value)
    return value


def database_url(service: str, var_dir: Path, env: Mapping[str, str] | None = None) -> str:
    """A service's database: ``LINLI_<SERVICE>_DATABASE_URL``, else its SQLite file under var/."""
    env = os.environ if env is None else env
    return env.get(f"LINLI_{service.upper()}_DATABASE_URL") or f"sqlite:///{var_dir / f'{service}.db'}"


def default_subscribers(port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    return {name: f"{base}/{name}" for name in ("canteen", "hub", "cases")}


def load_config(service: str, test_config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build a service's Flask config: defaults, then environment, then ``test_config``."""
    env = os.environ
    overrides = dict(test_config or {})
    var_dir = Path(overrides.get("LINLI_VAR_DIR") or var_dir_from_env())
    var_dir.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "LINLI_SERVICE": service,
        "LINLI_VAR_DIR": var_dir,
        "SQLALCHEMY_DATABASE_URI": database_url(service, var_dir, env),
        "SECRET_KEY": env.get("LINLI_SECRET_KEY")
        or _read_or_create_secret(var_dir / "secrets" / "flask-secret"),
        "LINLI_EVENT_SECRET": env.get("LINLI_EVENT_SECRET")
        or _read_or_create_secret(var_dir / "secrets" / "event-secret"),
        "LINLI_EVENT_SUBSCRIBERS": json.loads(env["LINLI_EVENT_SUBSCRIBERS"])
        if env.get("LINLI_EVENT_SUBSCRIBERS")
        else default_subscribers(int(env.get("PORT", "8000"))),
        # the committee dashboard (hub): where the summary APIs are (default: the event subscribers'
        # URLs), how long it waits for each, and the weekly digest's mail server
        "LINLI_SERVICE_URLS": json.loads(env["LINLI_SERVICE_URLS"]) if env.get("LINLI_SERVICE_URLS") else None,
        "LINLI_SUMMARY_TIMEOUT": float(env.get("LINLI_SUMMARY_TIMEOUT", "2.0")),
        "LINLI_SMTP_URL": env.get("LINLI_SMTP_URL") or None,
        "LINLI_DIGEST_FROM": env.get("LINLI_DIGEST_FROM", "linli@localhost"),
        "LINLI_DIGEST_TO": env.get("LINLI_DIGEST_TO", ""),
        "LINLI_EVENT_TOLERANCE_SECONDS": int(env.get("LINLI_EVENT_TOLERANCE_SECONDS", "300")),
        # the relay's first retry of a failed delivery, doubling from there (10 s, 20 s, 40 s ...)
        "LINLI_EVENT_FIRST_RETRY_SECONDS": float(env.get("LINLI_EVENT_FIRST_RETRY_SECONDS", "10")),
        "LINLI_JWT_ISSUER": env.get("LINLI_JWT_ISSUER", "linli-hub"),
        "LINLI_JWT_AUDIENCE": env.get("LINLI_JWT_AUDIENCE", "linli"),
        "LINLI_JWKS_URL": env.get("LINLI_JWKS_URL") or None,
        "LINLI_JWT_PUBLIC_KEY_FILES": [p for p in env.get("LINLI_JWT_PUBLIC_KEY_FILES", "").split(",") if p],
        "LINLI_COMMUNITIES_FILE": env.get("LINLI_COMMUNITIES_FILE", "communities.toml"),
        "LINLI_PLUGINS": [p.strip() for p in env.get("LINLI_PLUGINS", "").split(",") if p.strip()]
        or None,
        "LINLI_TRACE_HOOKS": env.get("LINLI_TRACE_HOOKS", "") in {"1", "true", "yes"},
        "LINLI_IDEMPOTENCY_TTL_HOURS": int(env.get("LINLI_IDEMPOTENCY_TTL_HOURS", "24")),
        "LINLI_LOG_LEVEL": env.get("LINLI_LOG_LEVEL", "INFO"),
        "LINLI_PROXY_HOPS": int(env.get("LINLI_PROXY_HOPS", "0")),
        # served only over TLS (a terminating proxy that does not send X-Forwarded-Proto): HSTS always
        "LINLI_HSTS": env.get("LINLI_HSTS", "").lower() in {"1", "true", "yes"},
        "LINLI_PUBLIC_URL": env.get("LINLI_PUBLIC_URL"),
        # request bodies above this are refused with 413 before they are read (Flask's limit)
        "MAX_CONTENT_LENGTH": int(env.get("LINLI_MAX_BODY_BYTES", str(1024 * 1024))),
        # rate limits (linli.shared.limits), in the notation "10 per minute"; false turns all off (load drills)
        "RATELIMIT_STORAGE_URI": env.get("LINLI_RATELIMIT_STORAGE_URI", "memory://"),
        "LINLI_RATELIMIT_ENABLED": env.get("LINLI_RATELIMIT_ENABLED", "true").lower() not in {"0", "false", "no"},
        "LINLI_LOGIN_RATE_LIMIT": env.get("LINLI_LOGIN_RATE_LIMIT", "10 per minute"),
        "LINLI_PIN_RATE_LIMIT": env.get("LINLI_PIN_RATE_LIMIT", "10 per minute"),
        "LINLI_ORDER_RATE_LIMIT": env.get("LINLI_ORDER_RATE_LIMIT", "120 per minute"),
        "LINLI_OPEN311_RATE_LIMIT": env.get("LINLI_OPEN311_RATE_LIMIT", "30 per minute"),
        # data protection (the ticks): days before visit notes / identified feedback are forgotten; 0 keeps them
        "LINLI_VISIT_NOTES_RETENTION_DAYS": int(env.get("LINLI_VISIT_NOTES_RETENTION_DAYS", "730")),
        "LINLI_FEEDBACK_RETENTION_DAYS": int(env.get("LINLI_FEEDBACK_RETENTION_DAYS", "365")),
        # the services share a host behind the gateway: each keeps its own session cookie
        "SESSION_COOKIE_NAME": f"linli_{service}_session",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": LOCAL_TZ.key,
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides)
    config["LINLI_VAR_DIR"] = Path(config["LINLI_VAR_DIR"])
    return config
