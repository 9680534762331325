"""The query plan's shape beside a benchmark's figures: every statement one call of the timed code runs
on PostgreSQL, captured with a SQLAlchemy event on the engine (bench only: the listener is removed
after the call), then EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) with the same parameters."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def plan_shapes(engine: sa.Engine, call: Callable[[], Any], *, max_lines: int = 14) -> list[str]:
    """Run ``call`` once and return, per SELECT it sent, a first line of the statement and its plan's nodes."""
    captured: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    out: list[str] = []
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in captured:
            head = " ".join(statement.split())[:110]
            out.append(f"  statement: {head}…")
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement, parameters)
                lines = [row[0] for row in cursor.fetchall()]
            nodes = [ln for ln in lines if "->" in ln or ln is lines[0]]
            out += [f"    {ln.rstrip()}" for ln in nodes[:max_lines]]
            if len(nodes) > max_lines:
                out.append(f"    … {len(nodes) - max_lines} more plan nodes")
        raw.rollback()
    return out
