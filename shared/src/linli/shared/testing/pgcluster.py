"""A private PostgreSQL cluster for tests that stop and start the server (the fault drill).

Made with the machine's own ``initdb`` and ``pg_ctl`` in a temporary directory, listening on a free
loopback port, trust authentication for the ``postgres`` superuser, thrown away afterwards. The
machine's shared PostgreSQL (the one the other tests use) is never touched.

PostgreSQL refuses to run as root: under root the commands run as the ``postgres`` system user
(``runuser``), which then owns the data directory.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from linli.shared.testing.live import free_port

SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "120",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",  # the drill makes errors on purpose; keep the log short
}


def postgres_bindir() -> Path | None:
    """The directory of ``initdb``, ``pg_ctl`` and ``postgres`` (PATH first, then Debian's layout)."""
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if all((directory / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return directory
    return None


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be made here, or None."""
    if postgres_bindir() is None:
        return "initdb/pg_ctl not found"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


@dataclass
class PrivateCluster:
    bindir: Path
    datadir: Path
    port: int
    log_path: Path
    _prefix: list[str] = field(default_factory=list)
    restarts: int = 0

    @classmethod
    def create(cls) -> PrivateCluster:
        reason = unavailable_reason()
        if reason is not None:
            raise RuntimeError(f"no private PostgreSQL cluster: {reason}")
        bindir = postgres_bindir()
        assert bindir is not None
        root = Path(tempfile.mkdtemp(prefix="linli-pg-"))
        prefix: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(root, owner.pw_uid, owner.pw_gid)
            prefix = ["runuser", "-u", "postgres", "--"]
        cluster = cls(bindir, root / "data", free_port(), root / "server.log", prefix)
        cluster._run("initdb", "-D", str(cluster.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--no-locale", "--no-sync", "--no-instructions")
        return cluster

    def _run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._prefix, str(self.bindir / tool), *args], check=True, capture_output=True,
                              text=True, timeout=timeout)

    def _options(self) -> str:
        settings = {**SERVER_SETTINGS, "port": str(self.port), "unix_socket_directories": str(self.datadir)}
        return " ".join(f"-c {key}={value}" for key, value in settings.items())

    def start(self) -> None:
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.datadir), "-l", str(self.log_path),
                  "-o", self._options())

    def stop(self, mode: str = "fast") -> None:
        """``immediate``: every server process is killed at once, as in a crash; the next start recovers
        from the write-ahead log."""
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.datadir), "-m", mode)

    def restart(self, mode: str = "immediate", down_seconds: float = 0.0) -> None:
        self.stop(mode)
        if down_seconds:
            time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of a database of this cluster (psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):  # not running
            self.stop("immediate")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)
