"""``create_service_app``: the one app factory every service calls with its :class:`ServiceSpec`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import flask
from flask import Flask
from flask_migrate import Migrate
from flask_smorest.blueprint import Blueprint as ApiBlueprint
from flask_sqlalchemy import SQLAlchemy
from werkzeug.middleware.proxy_fix import ProxyFix

from linli.shared.api import check_operation_contract, init_api
from linli.shared.auth import init_auth
from linli.shared.communities import Communities
from linli.shared.config import load_config
from linli.shared.db import init_db
from linli.shared.errors import init_errors
from linli.shared.events.receiver import blueprint as events_blueprint
from linli.shared.headers import init_security_headers
from linli.shared.i18n import init_i18n
from linli.shared.idempotency import init_idempotency
from linli.shared.inputs import init_input_checks
from linli.shared.limits import init_limits
from linli.shared.models import SharedModels
from linli.shared.navigation import init_navigation
from linli.shared.observability import init_observability, watch_plugins
from linli.shared.pages import PageMessages
from linli.shared.plugins import build_plugin_host
from linli.shared.state import ServiceState

SHARED_DIR = Path(__file__).parent


@dataclass(frozen=True)
class ServiceSpec:
    """What a service tells the factory about itself."""

    name: str
    title: str
    description: str
    package: str
    db: SQLAlchemy
    models: SharedModels
    api_blueprints: Callable[[], Sequence[ApiBlueprint]]
    page_blueprints: Callable[[], Sequence[flask.Blueprint]] = lambda: ()
    hookspecs: Callable[[], Sequence[ModuleType]] = lambda: ()
    builtin_plugins: Callable[[], Sequence[ModuleType]] = lambda: ()
    seed_demo: Callable[[Flask], None] | None = None
    tick: Callable[[Flask], dict[str, int]] | None = None
    version: str = "0.1.0"
    extra_init: Sequence[Callable[[Flask], None]] = field(default_factory=tuple)
    page_messages: PageMessages = PageMessages()  # how its pages word problems (linli.shared.pages)
    # the pages' Content-Security-Policy (linli.shared.headers): sources beyond the site's own, per
    # directive; csp_inline allows inline styles and handlers while a service's templates hold some
    csp_sources: Mapping[str, Sequence[str]] = field(default_factory=dict)
    csp_inline: bool = False

    @property
    def package_dir(self) -> Path:
        module = importlib.import_module(self.package)
        if module.__file__ is None:
            raise ValueError(f"{self.package} is a namespace package; a service needs a package folder")
        return Path(module.__file__).parent


shared_assets = flask.Blueprint(
    "linli_shared",
    __name__,
    template_folder=str(SHARED_DIR / "templates"),
    static_folder=str(SHARED_DIR / "static"),
    static_url_path="/static/linli",
)


def create_service_app(spec: ServiceSpec, test_config: dict[str, Any] | None = None) -> Flask:
    package_dir = spec.package_dir
    app = Flask(spec.package, template_folder=str(package_dir / "templates"),
                static_folder=str(package_dir / "static"), static_url_path="/static")
    app.config.update(load_config(spec.name, test_config))
    proxy_hops = app.config["LINLI_PROXY_HOPS"]
    if proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap it
            app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops, x_prefix=proxy_hops)

    init_observability(app)
    init_errors(app)
    init_db(app, spec.db)
    Migrate(app, spec.db, directory=str(package_dir / "migrations"), compare_type=True)
    communities = Communities.from_file(app.config["LINLI_COMMUNITIES_FILE"])
    plugins = build_plugin_host(
        spec.name,
        hookspec_modules=spec.hookspecs(),
        builtin_plugins=spec.builtin_plugins(),
        allowlist=app.config["LINLI_PLUGINS"],
        extra_plugins=app.config.get("LINLI_EXTRA_PLUGINS", ()),
        trace=app.config["LINLI_TRACE_HOOKS"],
    )
    watch_plugins(app, plugins)
    plugins.report_startup(communities)
    app.extensions["linli"] = ServiceState(spec.name, spec.db, spec.models, plugins, communities)
    app.extensions["linli_spec"] = spec
    init_auth(app)
    init_i18n(app, package_dir / "translations")
    init_limits(app)
    init_security_headers(app, sources=spec.csp_sources, inline=spec.csp_inline)
    init_input_checks(app)  # before the Idempotency-Key is claimed: a refused request claims nothing
    app.before_request(check_operation_contract)
    init_idempotency(app)
    init_navigation(app)
    init_api(app, title=spec.title, version=spec.version, description=spec.description,
             blueprints=list(spec.api_blueprints()))
    app.register_blueprint(events_blueprint)
    app.register_blueprint(shared_assets)
    for blueprint in spec.page_blueprints():
        app.register_blueprint(blueprint)
    for init in spec.extra_init:
        init(app)

    from linli.shared.cli import linli_cli

    app.cli.add_command(linli_cli)
    return app
