"""The authorisation matrix over every API operation of the three services: each role of community
A on resources of community A and of community B, against the service's declared policy table
(``linli/<service>/access_policy.toml``). See :mod:`linli.shared.testing.authz`."""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import event, text

from linli.shared.testing.authz import ROLES, load_policy, run_matrix

SERVICES = ("canteen", "hub", "cases")
COMMUNITIES = ("north-bund", "fenglin-huiyuan")


AUDIT_WRITE = re.compile(r"^\s*(update|delete\s+from|truncate)\b[^;]*\blinli_audit_log\b", re.I | re.S)


def watch_audit_log(app) -> list[str]:
    """Every UPDATE, DELETE or TRUNCATE of the audit log sent to the database from now on."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if AUDIT_WRITE.search(statement):
            seen.append(statement[:200])

    with app.app_context():
        event.listen(app.extensions["linli"].db.engine, "before_cursor_execute", before)
    return seen


def policy_path(service: str) -> Path:
    module = importlib.import_module(f"linli.{service}")
    return Path(module.__file__).parent / "access_policy.toml"


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_answers_as_its_policy_says(service, service_app, tokens):
    app = service_app(service, importlib.import_module(f"linli.{service}.app").create_app, LINLI_DEMO_HOUSEHOLDS=12,
                                 LINLI_LOGIN_RATE_LIMIT="10000 per minute")
    app.extensions["linli_spec"].seed_demo(app)
    policy = load_policy(policy_path(service))["operations"]
    audit_changes = watch_audit_log(app)

    minted: dict[tuple[str, str], str] = {}

    def token_for(role: str, community: str) -> str | None:
        if role == "anonymous":
            return None
        if (role, community) not in minted:
            minted[role, community] = tokens(role, communities=[community], sub=f"matrix-{role}")
        return minted[role, community]

    total = 0
    findings = []
    unresolved: set[str] = set()
    log: list | None = [] if os.environ.get("LINLI_AUTHZ_DUMP") else None
    for a, b in (COMMUNITIES, COMMUNITIES[::-1]):  # each community is once A, once B
        calls, found, missing, resources = run_matrix(app, policy, token_for, a, b, log)
        assert not missing, f"operations without a row in {policy_path(service).name}: {missing}"
        total += calls
        findings += found
        unresolved |= resources.unresolved
    operations = len(policy)
    print(f"{service}: {operations} operations x {len(ROLES)} roles x 2 communities x 2 orientations = {total} calls;"
          f" parameters without a demo row in some community: {sorted(unresolved)}")
    if os.environ.get("LINLI_AUTHZ_DUMP"):
        Path(os.environ["LINLI_AUTHZ_DUMP"]).joinpath(f"{service}.json").write_text(
            json.dumps([f.__dict__ for f in findings + (log or [])], indent=1))
    # the audit log of personal-data reads is append-only: no operation, by anyone, changed an entry
    assert not audit_changes, audit_changes
    if service == "hub":
        with app.app_context():
            entries = app.extensions["linli"].db.session.execute(text("select count(*) from linli_audit_log")).scalar()
        assert entries > 0, "the matrix read personal data (households), so the audit log grew"
    unexpected_allows = [f for f in findings if f.expected == "deny"]
    unexpected_denials = [f for f in findings if f.expected == "allow"]
    assert not unexpected_allows, "\n".join(f"{f.key} as {f.role} on {f.community}: {f.status}" for f in unexpected_allows)
    assert not unexpected_denials, "\n".join(f"{f.key} as {f.role} on {f.community}: {f.status}" for f in unexpected_denials)
