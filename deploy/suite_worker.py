"""Background work of the embedded suite in one process: every service's relay and tick.

Production runs `flask linli relay` and `flask linli tick` per service (compose, Kubernetes);
here one loop does both for all three so that `make run` stays light. A tick is logged only when it
did something, so that the console shows what happened and not a heartbeat every 30 s.
"""

from __future__ import annotations

import signal
import time

import structlog
from flask import Flask

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.app import create_app as create_hub
from linli.shared.cli import run_tick
from linli.shared.events.relay import deliver_due

TICK_EVERY = 30.0
log = structlog.get_logger("linli.suite.worker")
running = True


def stop(*_: object) -> None:
    global running
    running = False


def tick_and_log(app: Flask) -> dict[str, int]:
    """Tick, and log a line only when the tick did something (with just the kinds it did)."""
    did = {kind: count for kind, count in run_tick(app).items() if count}
    if did:
        log.info("tick", service=app.extensions["linli_spec"].name, **did)
    return did


def main() -> None:
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    apps = [create_canteen(), create_hub(), create_cases()]
    last_tick = 0.0
    while running:
        busy = False
        for app in apps:
            with app.app_context():
                try:
                    result = deliver_due(app)
                    busy = busy or bool(result.delivered or result.failed)
                    if time.monotonic() - last_tick > TICK_EVERY:
                        tick_and_log(app)
                except Exception:  # keep the loop alive; the next round retries
                    log.exception("worker.error", service=app.config["LINLI_SERVICE"])
        if time.monotonic() - last_tick > TICK_EVERY:
            last_tick = time.monotonic()
        if not busy:
            time.sleep(1.0)


if __name__ == "__main__":
    main()
