"""The frame holds: services independent, OpenAPI valid, migrations match models, plugins scoped."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openapi_spec_validator import validate

from tests.conftest import SERVICES, factory

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    """The three services import nothing from one another, shared imports no service, the layers
    inside canteen (pages > payments > orders > stock > menu) and hub (rounds > bookings > rooms) hold,
    and the hub's and the cases' pages import no models, no db session and no SQLAlchemy."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    names = " ".join(contract["name"] for contract in contracts)
    assert "hub pages call services, never queries" in names and "cases pages call services" in names
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(contracts)} kept, 0 broken" in done.stdout


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_document_is_valid(service, service_app):
    app = service_app(service, factory(service), migrate=False)
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    assert document["info"]["title"].startswith("Linli")
    # every error response is described as problem+json
    for name, answer in document["components"].get("responses", {}).items():
        if name not in {"NOT_MODIFIED"}:
            assert list(answer["content"]) == ["application/problem+json"], name
    assert "Problem" in document["components"]["schemas"]


def _declared_for(dialect: str):
    """Alembic's include_object: leave out what the models create on another engine only
    (``Index(...).ddl_if(dialect="postgresql")``, e.g. the cases' GIN index)."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect in (None, dialect)

    return include


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_models(service, engine, service_app):
    """Upgrading to head gives exactly the schema the models declare (autogenerate finds nothing)."""
    app = service_app(service, factory(service), migrate=True)
    with app.app_context():
        db = app.extensions["linli"].db
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": _declared_for(connection.dialect.name)})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_plugin_allowlist_and_trace(service_app, caplog):
    from linli.cases.app import create_app

    only_builtin = service_app("cases", create_app, LINLI_PLUGINS=[], migrate=False)
    names = [p["name"] for p in only_builtin.extensions["linli"].plugins.describe()]
    assert "fenglin_catalogue" not in names and all(n.startswith("builtin.") for n in names)

    by_module = service_app("cases", create_app, LINLI_PLUGINS=["linli_fenglin_catalogue"], migrate=False)
    assert "linli_fenglin_catalogue" in [p["name"] for p in by_module.extensions["linli"].plugins.describe()]

    traced = service_app("cases", create_app, LINLI_TRACE_HOOKS=True, migrate=False)
    import structlog

    with structlog.testing.capture_logs() as logs:
        traced.test_client().get("/api/communities/fenglin-huiyuan/service-items")
    assert any("service_items" in entry.get("trace", "") for entry in logs)


def test_community_hook_caller_leaves_out_plugins_not_enabled(service_app):
    from linli.cases.app import create_app

    app = service_app("cases", create_app, migrate=False)
    state = app.extensions["linli"]
    with app.app_context():
        north = state.hooks_for("north-bund").service_items(community=state.communities["north-bund"])
        fenglin = state.hooks_for("fenglin-huiyuan").service_items(community=state.communities["fenglin-huiyuan"])
    assert len(fenglin) == len(north) + 1  # the Fenglin plugin's list comes on top of the built-in one
