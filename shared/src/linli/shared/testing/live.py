"""A service running under gunicorn on a free loopback port, for real concurrent requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


def start_live_server(app_target: str, env: dict[str, str], workdir: Path, *, workers: int = 4,
                      threads: int = 8, timeout: float = 90.0) -> LiveServer:
    port = free_port()
    log_path = workdir / f"gunicorn-{port}.log"
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", str(workers), "--threads", str(threads), "--graceful-timeout", "2",
        "--timeout", "120", "--no-control-socket",
        # import and build the app once in the master, then fork: workers start at once; each
        # worker's engine is disposed after the fork (linli.shared.db), so no connection is shared
        "--preload", app_target,
    ]
    full_env = {**os.environ, **env}
    handle = log_path.open("wb")
    process = subprocess.Popen(command, env=full_env, stdout=handle, stderr=subprocess.STDOUT, cwd=workdir)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path, env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn did not become healthy in {timeout}s:\n{server.log()}")
