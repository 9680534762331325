"""The pytest plugin (``-p linli.shared.testing.plugin``): fixtures every service's tests compose.

- ``engine``: every test that (indirectly) asks for it runs once per engine: sqlite, postgresql.
- ``service_app(service, create_app, **config)``: an app on a fresh database of that engine.
- ``live_server(app)``: the same service under gunicorn against the same database.
- ``tokens(...)``: a signed bearer token; ``auth(...)``: the header dict.
- ``communities_with(plugins)``: the project's communities.toml with other plugins enabled.
- ``community_app(service, community, plugins=[...], settings={...}, demo=True)``: an app of a
  service where that community enables exactly these plugins (see ``linli.shared.testing.plugins``).

Under ``CI=true`` a missing PostgreSQL fails the run instead of being skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from linli.shared.auth import mint_token
from linli.shared.keys import ensure_signing_key
from linli.shared.testing.databases import TestDatabases, postgres_available
from linli.shared.testing.live import LiveServer, start_live_server
from linli.shared.testing.plugins import communities_toml, create_app_of, require_plugins_loaded

ENGINES = ("sqlite", "postgresql")
EVENT_SECRET = "test-event-secret"
HIGH_LIMITS = {name: "100000 per minute" for name in ("LINLI_ORDER_RATE_LIMIT", "LINLI_PIN_RATE_LIMIT",
                                                   "LINLI_OPEN311_RATE_LIMIT")}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--engines", default=os.environ.get("LINLI_TEST_ENGINES", ",".join(ENGINES)),
                     help="Comma-separated database engines to run on (sqlite,postgresql).")


# what pytest_configure decided, for the report and for parametrising ``engine``
ENGINES_KEY = pytest.StashKey[list[str]]()
ENGINE_NOTE_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    wanted = [e.strip() for e in config.getoption("--engines").split(",") if e.strip()]
    unknown = set(wanted) - set(ENGINES)
    if unknown:
        raise pytest.UsageError(f"unknown engines: {sorted(unknown)}")
    note = ""
    if "postgresql" in wanted:
        reason = postgres_available()
        if reason is not None:
            if os.environ.get("CI", "").lower() == "true":
                raise pytest.UsageError(f"CI=true and PostgreSQL is not reachable: {reason}")
            wanted.remove("postgresql")
            note = f" (postgresql left out: {reason})"
    config.stash[ENGINES_KEY] = wanted
    config.stash[ENGINE_NOTE_KEY] = note


def _engines_line(config: pytest.Config) -> str:
    engines: list[str] = config.stash[ENGINES_KEY]
    return ", ".join(engines) + config.stash[ENGINE_NOTE_KEY]


def pytest_report_header(config: pytest.Config) -> str:
    return f"linli database engines: {_engines_line(config)}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    terminalreporter.write_line(f"linli database engines that ran: {_engines_line(config)}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        engines = metafunc.config.stash[ENGINES_KEY]
        marker = metafunc.definition.get_closest_marker("engines")
        if marker is not None:
            engines = [e for e in engines if e in marker.args]
        metafunc.parametrize("engine", engines, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    engine: str = request.param
    return engine


@pytest.fixture(scope="session")
def linli_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("linli")


@pytest.fixture(scope="session")
def linli_var_dir(linli_workdir: Path) -> Path:
    var_dir = linli_workdir / "var"
    var_dir.mkdir(exist_ok=True)
    ensure_signing_key(var_dir)
    return var_dir


@pytest.fixture(scope="session")
def linli_databases(linli_workdir: Path) -> Iterator[TestDatabases]:
    databases = TestDatabases(linli_workdir)
    yield databases
    if databases._pg_databases:
        databases.drop_all()


@pytest.fixture(scope="session")
def linli_base_config(linli_var_dir: Path, pytestconfig: pytest.Config) -> dict[str, Any]:
    return {
        "TESTING": True,
        "LINLI_VAR_DIR": linli_var_dir,
        "LINLI_COMMUNITIES_FILE": str(pytestconfig.rootpath / "communities.toml"),
        "LINLI_EVENT_SECRET": EVENT_SECRET,
        "LINLI_EVENT_SUBSCRIBERS": {},
        "LINLI_ACCESS_LOG": False,
        "SECRET_KEY": "test-secret-key",
        # tests place orders and try PINs from one address far faster than a kiosk: the limits
        # (linli.shared.limits) are lifted unless a test sets them (tests/authz/test_abuse.py)
        **HIGH_LIMITS,
    }


@pytest.fixture
def communities_with(linli_base_config: dict[str, Any], tmp_path: Path) -> Callable[[dict[str, list[str]]], str]:
    """A copy of the project's communities.toml where the named communities enable these plugins
    (and only these); returns its path for ``LINLI_COMMUNITIES_FILE``."""

    def write(plugins: dict[str, list[str]]) -> str:
        text = Path(linli_base_config["LINLI_COMMUNITIES_FILE"]).read_text(encoding="utf-8")
        for community_id, names in plugins.items():
            section = re.compile(rf"^(\[communities\.{re.escape(community_id)}\]\n(?:[^\[\n].*\n|\n)*?)plugins = .*$",
                                 re.MULTILINE)
            line = "plugins = " + json.dumps(names)
            text, found = section.subn(r"\g<1>" + line.replace("\\", "\\\\"), text)
            if found != 1:
                raise ValueError(f"no plugins line for community {community_id!r} in communities.toml")
        path = tmp_path / "communities.toml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def service_app(engine: str, linli_databases: TestDatabases, linli_base_config: dict[str, Any],
                tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Make an app of a service on a fresh database of the current engine."""
    made: list[Flask] = []

    def make(service: str, create_app: Callable[[dict[str, Any]], Flask], *, migrate: bool = True,
             **config: Any) -> Flask:
        url = linli_databases.url(service, engine, create_app, linli_base_config, tmp_path, migrate)
        app = create_app({**linli_base_config, "SQLALCHEMY_DATABASE_URI": url, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            app.extensions["linli"].db.session.remove()
            app.extensions["linli"].db.engine.dispose()
        linli_databases.reset(app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def community_app(service_app: Callable[..., Flask], linli_base_config: dict[str, Any],
                  tmp_path: Path) -> Callable[..., Flask]:
    """``community_app("cases", "fenglin-huiyuan", plugins=["my_plugin"], settings={"my_plugin": {...}},
    demo=True)``: the service's app on the current engine, the project's communities.toml with that
    community enabling exactly ``plugins`` and its settings sections replaced by ``settings``;
    ``demo=True`` loads the service's demo data; ``add={id: {...}}`` adds communities first."""

    def make(service: str, community: str, *, plugins: list[str] | tuple[str, ...] = (),
             settings: dict[str, Any] | None = None, add: dict[str, dict[str, Any]] | None = None,
             demo: bool = False, **config: Any) -> Flask:
        text = communities_toml(linli_base_config["LINLI_COMMUNITIES_FILE"], add=add,
                                enable={community: list(plugins)}, settings={community: settings or {}})
        path = tmp_path / f"communities-{service}-{community}.toml"
        path.write_text(text, encoding="utf-8")
        config.setdefault("LINLI_COMMUNITIES_FILE", str(path))
        app = service_app(service, create_app_of(service), **config)
        require_plugins_loaded(app, list(plugins))
        if demo:
            app.extensions["linli_spec"].seed_demo(app)
        return app

    return make


def app_target(app: Flask) -> str:
    return f"{app.import_name}.app:create_app()"


@pytest.fixture
def live_server(linli_workdir: Path, linli_base_config: dict[str, Any]) -> Iterator[Callable[..., LiveServer]]:
    """Start the service of ``app`` under gunicorn on the same database and settings."""
    servers: list[LiveServer] = []

    def start(app: Flask, *, workers: int = 4, threads: int = 8, env: dict[str, str] | None = None) -> LiveServer:
        service = app.config["LINLI_SERVICE"]
        with app.app_context():
            app.extensions["linli"].db.engine.dispose()
        server_env = {
            f"LINLI_{service.upper()}_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "LINLI_VAR_DIR": str(app.config["LINLI_VAR_DIR"]),
            "LINLI_COMMUNITIES_FILE": app.config["LINLI_COMMUNITIES_FILE"],
            "LINLI_EVENT_SECRET": app.config["LINLI_EVENT_SECRET"],
            "LINLI_EVENT_SUBSCRIBERS": json.dumps(app.config["LINLI_EVENT_SUBSCRIBERS"]),
            "LINLI_SECRET_KEY": app.config["SECRET_KEY"],
            **{k: app.config[k] for k in HIGH_LIMITS},  # as the app has them (a test may set lower ones)
            **(env or {}),
        }
        server = start_live_server(app_target(app), server_env, linli_workdir, workers=workers, threads=threads)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def tokens(linli_var_dir: Path) -> Callable[..., str]:
    key = ensure_signing_key(linli_var_dir)

    def mint(*roles: str, communities: tuple[str, ...] | list[str] = ("north-bund",), sub: str = "tester",
             name: str | None = None, ttl: dt.timedelta = dt.timedelta(hours=1)) -> str:
        return mint_token(key, issuer="linli-hub", audience="linli", subject=sub, roles=roles or ("diner",),
                          communities=communities, name=name, ttl=ttl)

    return mint


@pytest.fixture
def auth(tokens: Callable[..., str]) -> Callable[..., dict[str, str]]:
    def headers(*roles: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens(*roles, **kwargs)}"}

    return headers


# browser fixtures live in their own module; importing them here registers them
from linli.shared.testing.browser import artifacts_dir, browser, browser_page  # noqa: E402,F401
