"""deploy/nginx.conf against slow clients: headers or a body sent too slowly get the connection
dropped by nginx (a 408 problem, or closed) without an upstream ever being reached; the limits are
in the file. The timeouts are shortened to 1 s here, the rest of the file is used as it is."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time

import pytest

from linli.shared.testing.live import free_port
from tests.deploy.test_deploy_files import SERVICES, _local_nginx_conf, _nginx_conf

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed")


def test_the_slow_client_limits_are_set():
    text = _nginx_conf()
    for directive, most in (("client_header_timeout", 15), ("client_body_timeout", 30), ("send_timeout", 60),
                            ("keepalive_timeout", 30)):
        found = re.search(rf"^\s*{directive} (\d+)s;", text, re.M)
        assert found and int(found.group(1)) <= most, directive
    assert re.search(r"^\s*reset_timedout_connection on;", text, re.M)
    assert re.search(r"^\s*proxy_request_buffering on;", text, re.M)
    assert re.search(r"^\s*limit_conn linli_conn_per_ip \d+;", text, re.M)
    assert "limit_conn_status 429;" in text and "error_page 429 /_linli/problem/429;" in text


@pytest.fixture
def quick_nginx(tmp_path):
    listen = free_port()
    conf = _local_nginx_conf(tmp_path, listen, {name: free_port() for name in SERVICES})  # nothing listens there
    text = conf.read_text()
    text = re.sub(r"client_header_timeout \d+s;", "client_header_timeout 1s;", text)
    text = re.sub(r"client_body_timeout \d+s;", "client_body_timeout 1s;", text)
    conf.write_text(text)
    process = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx stopped: {process.stderr.read()}")
                time.sleep(0.05)
        yield listen
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_close(sock: socket.socket, limit: float) -> tuple[float, bytes]:
    started = time.monotonic()
    sock.settimeout(limit)
    received = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:  # reset_timedout_connection: an RST instead of a FIN
            chunk = b""
        if not chunk:
            return time.monotonic() - started, received
        received += chunk


def test_slow_headers_are_dropped(quick_nginx):
    with socket.create_connection(("127.0.0.1", quick_nginx)) as sock:
        sock.sendall(b"GET /canteen/readyz HTTP/1.1\r\nHost: linli\r\n")  # ... and the rest never comes
        waited, answer = _wait_for_close(sock, 10)
    assert waited < 5, waited
    assert answer == b"" or b" 408 " in answer.split(b"\r\n", 1)[0], answer[:200]


def test_a_slow_body_is_dropped_before_it_reaches_the_app(quick_nginx):
    with socket.create_connection(("127.0.0.1", quick_nginx)) as sock:
        sock.sendall(b"POST /canteen/api/orders HTTP/1.1\r\nHost: linli\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"community_id\":")
        waited, answer = _wait_for_close(sock, 10)
    assert waited < 5, waited
    status_line = answer.split(b"\r\n", 1)[0]
    # nginx buffers the body: the upstream (nothing listens) was never asked, so no 502/503 here
    assert answer == b"" or b" 408 " in status_line, answer[:300]
