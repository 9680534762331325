"""Every operation of every service's OpenAPI document, fed generated input by schemathesis (valid
and invalid bodies, query strings, path parameters and headers) with a staff token, on a database
holding the demo data: no input from outside produces a 500, and every error is problem+json."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from linli.canteen.app import create_app as canteen_app
from linli.cases.app import create_app as cases_app
from linli.hub.app import create_app as hub_app

SERVICES = {"canteen": canteen_app, "hub": hub_app, "cases": cases_app}
COMMUNITIES = ["north-bund", "fenglin-huiyuan"]
EXAMPLES = 30  # per operation and engine: reaches the validators, bounded in time
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck), print_blob=False)


def known_values(operation) -> tuple[dict, dict]:
    """Path and query values that name things the demo data has (a community, id 1), so that some
    generated requests get past "not found" into the domain code."""
    path, query = {}, {}
    for parameter in operation.iter_parameters():
        value = "north-bund" if "community" in parameter.name else 1
        if parameter.location.value == "path":
            path[parameter.name] = value
        elif parameter.location.value == "query" and "community" in parameter.name:
            query[parameter.name] = value
    return path, query


def problem_json_errors(ctx, response, case):
    """Error answers are RFC 9457 problem documents with a machine-readable code."""
    if response.status_code >= 400:
        content_type = response.headers.get("Content-Type") or response.headers.get("content-type") or [""]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), (response.status_code, content_type)
        assert "code" in response.json(), response.text


@pytest.mark.parametrize("service", list(SERVICES))
def test_no_generated_request_gets_a_500(service, service_app, tokens):
    app = service_app(service, SERVICES[service], LINLI_DEMO_HOUSEHOLDS=120)  # the hub demo, smaller
    seed_demo = app.extensions["linli_spec"].seed_demo
    if seed_demo is not None:
        seed_demo(app)  # ids that exist, so that generated requests reach past "not found"
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    token = tokens("admin", "manager", "staff", "team_lead", "volunteer", "diner", communities=COMMUNITIES,
                   sub="fuzz")
    bearer = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        path, query = known_values(operation)
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, headers=bearer, path_parameters=path or None,
                                  query=query or None),
            operation.as_strategy(GenerationMode.POSITIVE, headers=bearer),
            operation.as_strategy(GenerationMode.NEGATIVE, headers=bearer),
        )

        @FUZZ_SETTINGS
        @given(case=strategy)
        def call(case):
            response = case.call_and_validate(checks=[not_a_server_error, problem_json_errors])
            statuses[response.status_code] += 1

        try:
            call()
        except Exception as failure:  # collect every operation's failure, then report them all
            # a flaky failure (failed once, passed on replay) carries what failed as sub-exceptions
            inner = "; ".join(f"{type(e).__name__}: {str(e).strip()[:600]}" for e in getattr(failure, "exceptions", ()))
            failures.append(f"{operation.label}: {str(failure).strip()[:1500]} {inner}".rstrip())
    print(f"{service}: {operations} operations, {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    assert operations > 0 and any(200 <= status < 300 for status in statuses)
    assert not failures, "\n\n".join(failures)
