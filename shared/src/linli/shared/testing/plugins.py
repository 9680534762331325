"""Test helpers for plugin authors: an app for one community with your plugin, hook calls, demo data.

In a plugin's tests (the pytest plugin ``linli.shared.testing.plugin`` is always on)::

    def test_my_items(community_app):
        app = community_app("cases", "fenglin-huiyuan", plugins=["my_plugin"], demo=True)
        items = call_hook(app, "fenglin-huiyuan", "service_items")
        assert plugin_answer(app, "my_plugin", "service_items", "fenglin-huiyuan") == [...]

``community_app`` is a fixture (it needs the ``engine`` fixture, so the test runs on SQLite and
PostgreSQL); the functions below work on any Linli app.
"""

from __future__ import annotations

import importlib
import json
import tomllib
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from flask import Flask

from linli.shared.plugins import PluginFailure
from linli.shared.state import service_state


def create_app_of(service: str) -> Callable[[dict[str, Any] | None], Flask]:
    """The ``create_app`` of a service by name (``canteen``, ``hub``, ``cases``)."""
    create_app: Callable[[dict[str, Any] | None], Flask] = importlib.import_module(f"linli.{service}.app").create_app
    return create_app


def communities_toml(base: str | Path, *, enable: Mapping[str, list[str]] | None = None,
                     settings: Mapping[str, Mapping[str, Any]] | None = None,
                     add: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The text of a communities file: ``base`` with these communities' plugins set to ``enable``
    (exactly), their settings sections replaced by ``settings`` (``{community: {section: value}}``)
    and the communities of ``add`` (``{id: {"name_zh":..., "name_en":..., ...}}``) added."""
    with open(base, "rb") as handle:
        data = tomllib.load(handle)
    communities = data.setdefault("communities", {})
    for community_id, entry in (add or {}).items():
        communities[community_id] = {"plugins": [], **entry}
    for community_id, names in (enable or {}).items():
        _community(communities, community_id)["plugins"] = list(names)
    for community_id, sections in (settings or {}).items():
        _community(communities, community_id).setdefault("settings", {}).update(sections)
    return toml_dumps(data)


def _community(communities: dict[str, Any], community_id: str) -> dict[str, Any]:
    if community_id not in communities:
        raise KeyError(f"no community {community_id!r} in the communities file (known: {sorted(communities)})")
    entry: dict[str, Any] = communities[community_id]
    return entry


def toml_dumps(data: Mapping[str, Any]) -> str:
    """TOML for the nested tables, strings, numbers, booleans and lists a communities file holds."""
    lines: list[str] = []

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(item) for item in v) + "]"
        if isinstance(v, Mapping):
            return "{ " + ", ".join(f"{key(k)} = {value(item)}" for k, item in v.items()) + " }"
        raise TypeError(f"cannot write {type(v).__name__} to TOML")

    def key(k: str) -> str:
        return k if k.replace("-", "").replace("_", "").isalnum() and k.isascii() else json.dumps(k)

    def table(path: list[str], mapping: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in mapping.items() if not isinstance(v, Mapping)}
        if path and (scalars or not mapping):
            lines.append(f"[{'.'.join(key(p) for p in path)}]")
        lines.extend(f"{key(k)} = {value(v)}" for k, v in scalars.items())
        if scalars:
            lines.append("")
        for k, v in mapping.items():
            if isinstance(v, Mapping):
                table([*path, k], v)

    table([], data)
    return "\n".join(lines) + "\n"


def call_hook(app: Flask, community_id: str, hook: str, **kwargs: Any) -> Any:
    """Call ``hook`` as the service does for ``community_id``: built-ins plus the plugins it enabled.
    ``community`` is passed for you (the :class:`~linli.shared.communities.Community`)."""
    with app.app_context():
        state = service_state(app)
        community = state.communities.require(community_id)
        caller = getattr(state.hooks_for(community), hook)
        if "community" in _argnames(app, hook):
            kwargs.setdefault("community", community)
        return caller(**kwargs)


def plugin_answer(app: Flask, plugin: str, hook: str, community_id: str, **kwargs: Any) -> Any:
    """What one plugin's implementation of ``hook`` answers for ``community_id`` (contained, as in service)."""
    with app.app_context():
        state = service_state(app)
        community = state.communities.require(community_id)
        caller = getattr(state.plugins.manager.hook, hook)
        impls = [impl for impl in caller.get_hookimpls() if impl.plugin_name == plugin]
        if not impls:
            raise LookupError(f"plugin {plugin!r} does not implement {hook} in this {state.name} app "
                              f"(loaded: {state.plugins.community_plugin_names()})")
        kwargs.setdefault("community", community)
        return impls[0].function(*(kwargs[name] for name in impls[0].argnames))


def _argnames(app: Flask, hook: str) -> list[str]:
    caller = getattr(service_state(app).plugins.manager.hook, hook)
    return list(caller.spec.argnames) if caller.spec else []


def record_plugin_failures(app: Flask) -> list[PluginFailure]:
    """A list that fills with every contained plugin failure of ``app`` from now on."""
    failures: list[PluginFailure] = []
    service_state(app).plugins.failure_listeners.append(failures.append)
    return failures


def require_plugins_loaded(app: Flask, names: list[str]) -> None:
    host = service_state(app).plugins
    elsewhere = {ep.name for group in entry_points().groups
                 if group.startswith("linli.") and group != f"linli.{host.service}"
                 for ep in entry_points(group=group)}
    for name in names:
        if name in elsewhere and host.manager.get_plugin(name) is None:
            continue  # another service's plugin, enabled for the same community
        if name in host.load_failures:
            raise AssertionError(f"plugin {name!r} failed to load: {host.load_failures[name]}")
        if host.manager.get_plugin(name) is None:
            raise AssertionError(
                f"plugin {name!r} is not installed for the {host.service} service: is its entry point "
                f"[project.entry-points.\"linli.{host.service}\"] right, and did you run `uv sync`?")


def metric_value(app: Flask, name: str, **labels: str) -> float:
    """A sample of the app's Prometheus registry (0 when never counted)."""
    registry = app.extensions["linli_metrics"].registry
    return registry.get_sample_value(name, labels) or 0.0
