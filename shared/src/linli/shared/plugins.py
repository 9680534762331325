"""Plugins with pluggy: one PluginManager per app, built-ins registered as plugins.

Loading order: the service's hookspecs, its built-in plugins (default behaviour), then the
implementations from the entry-point group ``linli.<service>``. ``LINLI_PLUGINS`` is an
allowlist: when set, only the entry points (or module paths) it names are loaded.

Community plugins are opt-in: :meth:`PluginHost.for_community` gives a hook caller that
leaves out every non-built-in plugin the community did not enable (``subset_hook_caller``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy
import structlog

from linli.shared import hookspecs as common_hookspecs
from linli.shared.communities import Community

PROJECT = "linli"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
BUILTIN_PREFIX = "builtin."
log = structlog.get_logger("linli.plugins")


class CommunityHooks:
    """``hooks.<name>(...)`` calls only the plugins this community runs."""

    def __init__(self, host: PluginHost, community: Community) -> None:
        self._host = host
        self.community = community

    def __getattr__(self, name: str) -> Any:
        caller = self._host.subset_caller(name, self.community)
        setattr(self, name, caller)
        return caller


class PluginHost:
    def __init__(self, service: str, manager: pluggy.PluginManager) -> None:
        self.service = service
        self.manager = manager
        self._community_hooks: dict[str, CommunityHooks] = {}

    @property
    def hook(self) -> Any:
        """All plugins, for hooks that are not about one community."""
        return self.manager.hook

    def community_plugin_names(self) -> list[str]:
        return [
            name
            for name, _plugin in self.manager.list_name_plugin()
            if name and not name.startswith(BUILTIN_PREFIX)
        ]

    def for_community(self, community: Community) -> CommunityHooks:
        hooks = self._community_hooks.get(community.id)
        if hooks is None:
            hooks = self._community_hooks[community.id] = CommunityHooks(self, community)
        return hooks

    def subset_caller(self, hook_name: str, community: Community) -> Any:
        disabled = [
            self.manager.get_plugin(name)
            for name in self.community_plugin_names()
            if name not in community.plugins
        ]
        if not disabled:
            return getattr(self.manager.hook, hook_name)
        return self.manager.subset_hook_caller(hook_name, remove_plugins=disabled)

    def describe(self) -> list[dict[str, Any]]:
        described = []
        for name, plugin in self.manager.list_name_plugin():
            hooks = sorted(h.name for h in self.manager.get_hookcallers(plugin) or [])
            described.append({"name": name, "builtin": name.startswith(BUILTIN_PREFIX), "hooks": hooks})
        return described


def build_plugin_host(
    service: str,
    *,
    hookspec_modules: Sequence[ModuleType],
    builtin_plugins: Iterable[ModuleType],
    allowlist: Sequence[str] | None = None,
    extra_plugins: Iterable[tuple[str, Any]] = (),
    trace: bool = False,
) -> PluginHost:
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(common_hookspecs)
    for module in hookspec_modules:
        manager.add_hookspecs(module)
    for module in builtin_plugins:
        manager.register(module, name=BUILTIN_PREFIX + module.__name__.removeprefix(f"{PROJECT}.{service}."))
    _load_entry_points(manager, f"{PROJECT}.{service}", allowlist)
    for name, plugin in extra_plugins:
        manager.register(plugin, name=name)
    manager.check_pending()
    if trace:
        manager.trace.root.setwriter(lambda message: log.info("hook", trace=message.rstrip()))
        manager.enable_tracing()
    return PluginHost(service, manager)


def _load_entry_points(manager: pluggy.PluginManager, group: str, allowlist: Sequence[str] | None) -> None:
    wanted = set(allowlist) if allowlist is not None else None
    for entry_point in entry_points(group=group):
        if wanted is not None and entry_point.name not in wanted:
            continue
        manager.register(entry_point.load(), name=entry_point.name)
        if wanted is not None:
            wanted.discard(entry_point.name)
    # allowlist entries that are not entry points are module paths
    for module_path in sorted(wanted or ()):
        manager.register(importlib.import_module(module_path), name=module_path)
