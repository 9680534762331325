"""Fixtures of the fault drill: a private PostgreSQL cluster it may stop and start, and background
processes (relays, ticks) run as production runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from linli.shared.testing import pgcluster
from linli.shared.testing.plugin import EVENT_SECRET


@pytest.fixture
def private_postgres(request: pytest.FixtureRequest) -> Iterator[pgcluster.PrivateCluster]:
    """A PostgreSQL of the drill's own, on a free port: stopping it harms no other test. Runs when the
    run asks for the postgresql engine (``--engines``), also where the shared server is missing."""
    if "postgresql" not in request.config.getoption("--engines"):
        pytest.skip("a PostgreSQL drill; this run is --engines " + request.config.getoption("--engines"))
    reason = pgcluster.unavailable_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and no private PostgreSQL cluster can be made: {reason}")
        pytest.skip(reason)
    cluster = pgcluster.PrivateCluster.create()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@dataclass
class Background:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture
def background(tmp_path: Path) -> Iterator[Callable[..., Background]]:
    """``background(service, app, "relay", "--interval", "0.5", subscribers={...})``: ``flask linli ...``
    of that service as its own process, on the app's database and settings."""
    started: list[Background] = []

    def start(service: str, app, *args: str, subscribers: dict[str, str] | None = None,
              env: dict[str, str] | None = None) -> Background:
        full_env = {
            **os.environ,
            f"LINLI_{service.upper()}_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "LINLI_VAR_DIR": str(app.config["LINLI_VAR_DIR"]),
            "LINLI_COMMUNITIES_FILE": app.config["LINLI_COMMUNITIES_FILE"],
            "LINLI_EVENT_SECRET": EVENT_SECRET,
            "LINLI_EVENT_SUBSCRIBERS": json.dumps(subscribers or app.config["LINLI_EVENT_SUBSCRIBERS"]),
            "LINLI_SECRET_KEY": app.config["SECRET_KEY"],
            "LINLI_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",  # its log is read after it was stopped
            **(env or {}),
        }
        log_path = tmp_path / f"{service}-{args[0]}.log"
        handle = log_path.open("wb")
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", f"linli.{service}.app", "linli", *args],
                                   env=full_env, stdout=handle, stderr=subprocess.STDOUT)
        job = Background(f"{service} {args[0]}", process, log_path)
        started.append(job)
        return job

    yield start
    for job in started:
        job.stop()
