"""What the HTTP benchmarks under tests/load share: Debian's wrk as the load generator (installed when
missing, as root, like the browser tests' Chromium), its own CPU share, the server's CPU and memory,
the load average, and database round trips counted by a loopback proxy.

wrk is written in C and drives thousands of requests per second from one core; its CPU share is
printed beside every figure so a reader sees it was not the limit. Without wrk (not root, no apt) the
caller falls back to its Python driver and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk" / "request.lua"
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def ensure_wrk() -> str | None:
    """The wrk binary; installs Debian's package when missing and we are root with apt-get."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's wrk (the load generator)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env,
                       stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {CORES} cores"


# --- processes: CPU and memory from /proc -------------------------------------------------------


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return sorted(out)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (what `ps` shows; counts pages shared with the preloaded master) and Pss (the fair share)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            out["rss"] = int(line.split()[1])
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss"] = int(line.split()[1])
    except OSError:
        pass
    return out


# --- wrk ---------------------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int]
    generator_cpu: float  # wrk's CPU seconds / wall seconds (1.0 = one core busy)
    server_cpu: float  # the server's workers' CPU seconds / wall seconds
    rounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self, name: str) -> str:
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(self.statuses.items()))
        return (f"{name:<36} {self.rate:>8.1f}/s  p50 {self.p50_ms:>7.1f} ms  p99 {self.p99_ms:>7.1f} ms  "
                f"wrk cpu {self.generator_cpu * 100:>4.0f}%  server cpu {self.server_cpu * 100:>4.0f}%  "
                f"[{statuses}] errors={self.errors}")


def run_wrk(wrk: str, url: str, *, connections: int, seconds: float, server_pids: list[int],
            method: str = "GET", body: str | None = None, keyed: bool = False, header: str | None = None,
            threads: int | None = None) -> dict[str, Any]:
    """One wrk run; returns its figures plus wrk's own CPU (rusage of the child) and the server's."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_PATH": parts.path + (f"?{parts.query}" if parts.query else ""),
           "BENCH_RUN": uuid.uuid4().hex[:12], "BENCH_KEYED": "1" if keyed else "0"}
    for name, value in (("BENCH_BODY", body), ("BENCH_HEADER", header)):
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    threads = threads or min(2, connections)
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(LUA), f"{parts.scheme}://{parts.netloc}"]
    server_before = cpu_seconds(server_pids)
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate()  # reaps the child: its rusage lands in RUSAGE_CHILDREN
    wall = time.monotonic() - started
    server_after = cpu_seconds(server_pids)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode()[-2000:]}")
    line = next(ln for ln in out.decode().splitlines() if ln.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    data["wall"] = wall
    data["server_cpu_s"] = server_after - server_before
    return data


class ChildCPU:
    """wrk's CPU seconds: the growth of RUSAGE_CHILDREN across one run (we start one child at a time)."""

    def __enter__(self) -> ChildCPU:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.before = usage.ru_utime + usage.ru_stime
        return self

    def __exit__(self, *exc: object) -> None:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds = usage.ru_utime + usage.ru_stime - self.before


def measure(wrk: str, url: str, *, connections: int, seconds: float, server_pids: list[int],
            **options: Any) -> dict[str, Any]:
    with ChildCPU() as cpu:
        data = run_wrk(wrk, url, connections=connections, seconds=seconds, server_pids=server_pids, **options)
    data["wrk_cpu_s"] = cpu.seconds
    return data


def combine(runs: list[dict[str, Any]], expect: int) -> Result:
    """Rounds of one target: requests over total time; p50/p99 the median of the rounds' (noise-robust)."""
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    wall = sum(r["wall"] for r in runs)
    statuses: dict[str, int] = {}
    for r in runs:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    good = statuses.get(str(expect), 0)
    errors = sum(n for code, n in statuses.items() if code != str(expect))
    errors += sum(r["connect"] + r["read"] + r["write"] + r["timeout"] for r in runs)

    def median(values: list[float]) -> float:
        values = sorted(values)
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2

    return Result(requests=good, seconds=seconds, p50_ms=median([r["p50"] / 1000 for r in runs]),
                  p99_ms=median([r["p99"] / 1000 for r in runs]), errors=errors, statuses=statuses,
                  generator_cpu=sum(r["wrk_cpu_s"] for r in runs) / wall,
                  server_cpu=sum(r["server_cpu_s"] for r in runs) / wall, rounds=runs)


# --- database round trips: a counting TCP proxy on loopback ---------------------------------------


class RoundTripProxy:
    """Forwards 127.0.0.1:<port> to the database and counts round trips: each time the client speaks
    after the server has spoken (a pipeline of statements and its Sync is one; BEGIN sent alone is one)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.count = 0
        self.log: list[bytes] | None = None  # set to a list to keep the start of each client turn
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.count = 0

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            last = {"from": "server"}  # the server speaks first in our sense: the client's first message counts
            threading.Thread(target=self._pump, args=(client, server, "client", last), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "server", last), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, side: str, last: dict[str, str]) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                with self.lock:
                    if side == "client" and last["from"] == "server":
                        self.count += 1
                        if self.log is not None:
                            self.log.append(data[:160])
                    last["from"] = side
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed = True
        self.listener.close()


# --- profiling one worker with py-spy ----------------------------------------------------------------


def py_spy_command() -> list[str] | None:
    found = shutil.which("py-spy")
    if found:
        return [found]
    uv = shutil.which("uv") or shutil.which("uvx")
    if uv:
        probe = subprocess.run([uv, "tool", "run", "py-spy", "--version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [uv, "tool", "run", "py-spy"]
    return None


def top_frames(collapsed: str, limit: int = 25) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """From py-spy's collapsed stacks: (inclusive share per frame, self share per frame), largest first."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in collapsed.splitlines():
        if not line.strip():
            continue
        stack, _, n_text = line.rpartition(" ")
        n = int(n_text)
        frames = [f.strip() for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith("process ") and not f.startswith("thread ")]
        if not frames:
            continue
        total += n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    total = total or 1

    def top(table: dict[str, int]) -> list[tuple[str, float]]:
        return [(frame, n / total) for frame, n in sorted(table.items(), key=lambda kv: -kv[1])[:limit]]

    return top(inclusive), top(own)


def short(frame: str) -> str:
    """'place_order (linli/canteen/orders/service.py:230)' with the site-packages prefix cut."""
    for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
        if marker in frame:
            head, _, tail = frame.partition("(")
            path = tail.split(marker, 1)[-1] if marker in tail else tail
            return f"{head.strip()} ({path}"
    return frame
