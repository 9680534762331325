"""Plugins with pluggy: one PluginManager per app, built-ins registered as plugins.

Loading order: the service's hookspecs, its built-in plugins (default behaviour), then the
implementations from the entry-point group ``linli.<service>``. ``LINLI_PLUGINS`` is an
allowlist: when set, only the entry points (or module paths) it names are loaded.

Community plugins are opt-in: :meth:`PluginHost.for_community` gives a hook caller that
leaves out every non-built-in plugin the community did not enable (``subset_hook_caller``).

Community plugins are contained (built-ins are not: they are the core):

- A plugin that fails to import or to register (a hookimpl with wrong argument names, a hook
  no service has) is left out and reported at start-up by name; the service starts anyway.
- An exception inside a community plugin's hookimpl is logged with the plugin's name, the hook
  and the community, counted (``linli_plugin_errors_total`` on ``/metrics``), and then handled
  as the hookspec says (:func:`on_plugin_error`): ``FALL_BACK`` (the default) drops that
  plugin's answer, so the built-in behaviour and the other plugins answer as if it were not
  enabled; ``REFUSE`` answers a 503 problem ``plugin_failed`` for that community's request.
  A :class:`~linli.shared.errors.Problem` a plugin raises on purpose (a 4xx) passes through,
  and a database error always refuses (the transaction cannot go on).
- Objects a plugin hands to the core (a payment provider) are wrapped with
  :meth:`PluginHost.contain`: an exception from one of their methods is a ``plugin_failed`` 503.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy
import structlog
from sqlalchemy.exc import SQLAlchemyError

from linli.shared import hookspecs as common_hookspecs
from linli.shared.communities import Communities, Community
from linli.shared.errors import Problem, Unavailable
from linli.shared.hookpolicy import FALL_BACK, REFUSE, ErrorPolicy, on_plugin_error, policy_of

PROJECT = "linli"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
BUILTIN_PREFIX = "builtin."
log = structlog.get_logger("linli.plugins")
__all__ = ["FALL_BACK", "REFUSE", "PluginFailed", "PluginHost", "build_plugin_host", "hookimpl", "hookspec",
           "on_plugin_error"]

class PluginFailed(Unavailable):
    """A community plugin failed and the call has no built-in to fall back to."""

    status, code, title = 503, "plugin_failed", "A community plugin failed"


@dataclass(frozen=True)
class PluginFailure:
    plugin: str
    hook: str
    community: str
    error: str


FailureListener = Callable[[PluginFailure], None]


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
    def __init__(self, service: str, manager: pluggy.PluginManager,
                 load_failures: dict[str, str] | None = None) -> None:
        self.service = service
        self.manager = manager
        #: entry-point name (or module path) -> why it could not be loaded
        self.load_failures: dict[str, str] = dict(load_failures or {})
        self.failure_listeners: list[FailureListener] = []
        self._origins: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
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
        if hooks is None or hooks.community is not community:
            hooks = self._community_hooks[community.id] = CommunityHooks(self, community)
        return hooks

    def policy(self, hook_name: str) -> ErrorPolicy:
        caller = getattr(self.manager.hook, hook_name)
        return policy_of(caller.spec.function if caller.spec else None)

    def subset_caller(self, hook_name: str, community: Community) -> Any:
        broken = sorted(name for name in community.plugins if name in self.load_failures)
        if broken and self.policy(hook_name) == REFUSE:
            return _refusing_caller(hook_name, broken[0], community.id)
        disabled = [
            self.manager.get_plugin(name)
            for name in self.community_plugin_names()
            if name not in community.plugins
        ]
        if not disabled:
            return getattr(self.manager.hook, hook_name)
        return self.manager.subset_hook_caller(hook_name, remove_plugins=disabled)

    # --- containment ----------------------------------------------------------------------

    def report_failure(self, plugin: str, hook: str, community: str | None, error: BaseException) -> None:
        failure = PluginFailure(plugin, hook, community or "-", f"{type(error).__name__}: {error}"[:500])
        log.error("plugin.failed", plugin=plugin, hook=hook, community=failure.community,
                  service=self.service, error=failure.error, exc_info=error)
        for listener in self.failure_listeners:
            listener(failure)

    @contextlib.contextmanager
    def containing(self, plugin: str, what: str, community: str | None) -> Iterator[None]:
        """Run code of ``plugin``: an exception that is not a Problem becomes ``plugin_failed`` (503)."""
        try:
            yield
        except Problem:
            raise
        except Exception as error:
            self.report_failure(plugin, what, community, error)
            raise PluginFailed(f"The community plugin '{plugin}' failed; the rest of the service works.",
                               plugin=plugin, community=community) from error

    def plugin_owning(self, obj: Any) -> str | None:
        """The community plugin that returned ``obj`` from a hook, or whose module defines its class
        (None: built-in or core)."""
        with contextlib.suppress(TypeError):
            if obj in self._origins:
                return self._origins[obj]
        module = type(obj).__module__
        for name, plugin in self.manager.list_name_plugin():
            if name.startswith(BUILTIN_PREFIX):
                continue
            home = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
            if module == home or module.startswith(home + "."):
                return name
        return None

    def contain(self, obj: Any, community: Community | str | None) -> Any:
        """``obj`` itself if the core made it; else a proxy whose method calls are contained."""
        plugin = self.plugin_owning(obj)
        if plugin is None:
            return obj
        community_id = community.id if isinstance(community, Community) else community
        return ContainedObject(obj, self, plugin, community_id)

    def _remember_origin(self, plugin: str, result: Any) -> None:
        for item in result if isinstance(result, list | tuple) else (result,):
            with contextlib.suppress(TypeError):  # not weak-referenceable: plain data
                self._origins[item] = plugin

    def _contain_impls(self, plugin: Any, plugin_name: str) -> None:
        for caller in self.manager.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin and not (impl.wrapper or impl.hookwrapper):
                    impl.function = _contained_function(self, impl, caller.name)  # type: ignore[misc]

    # --- start-up report ------------------------------------------------------------------

    def report_startup(self, communities: Communities) -> None:
        """Log plugins that failed to load, and enabled plugin names no service knows."""
        for name, error in sorted(self.load_failures.items()):
            users = sorted(c.id for c in communities.values() if name in c.plugins)
            log.error("plugin.load_failed", plugin=name, service=self.service, error=error, communities=users)
        known = {ep.name for group in entry_points().groups if group.startswith(PROJECT + ".")
                 for ep in entry_points(group=group)} | set(self.community_plugin_names())
        for community in communities.values():
            for name in community.plugins:
                if name not in known and name not in self.load_failures:
                    log.warning("plugin.not_installed", plugin=name, community=community.id, service=self.service)

    def describe(self) -> list[dict[str, Any]]:
        described = []
        for name, plugin in self.manager.list_name_plugin():
            hooks = sorted(h.name for h in self.manager.get_hookcallers(plugin) or [])
            described.append({"name": name, "builtin": name.startswith(BUILTIN_PREFIX), "hooks": hooks})
        for name, error in sorted(self.load_failures.items()):
            described.append({"name": name, "builtin": False, "hooks": [], "load_failed": error})
        return described


class ContainedObject:
    """Forwards attribute reads to a plugin's object; its methods run inside :meth:`PluginHost.containing`."""

    def __init__(self, target: Any, host: PluginHost, plugin: str, community: str | None) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_where", (host, plugin, community))

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value) or isinstance(value, type):
            return value
        host, plugin, community = self._where

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            with host.containing(plugin, f"{type(self._target).__name__}.{name}", community):
                return value(*args, **kwargs)

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __repr__(self) -> str:
        return f"<contained {self._target!r} of plugin {self._where[1]}>"


def _community_of(argnames: Sequence[str], args: Sequence[Any]) -> str | None:
    for name, value in zip(argnames, args, strict=False):
        if name == "community" and value is not None:
            return str(getattr(value, "id", value))
        if name == "community_id" and value is not None:
            return str(value)
    return None


def _contained_function(host: PluginHost, impl: pluggy.HookImpl, hook_name: str) -> Callable[..., Any]:
    function = impl.function
    argnames = impl.argnames

    @functools.wraps(function)
    def contained(*args: Any) -> Any:
        try:
            result = function(*args)
        except Problem:
            raise
        except Exception as error:
            community = _community_of(argnames, args)
            host.report_failure(impl.plugin_name, hook_name, community, error)
            if host.policy(hook_name) == REFUSE or isinstance(error, SQLAlchemyError):
                raise PluginFailed(
                    f"The community plugin '{impl.plugin_name}' failed in {hook_name}; "
                    "the rest of the service works.",
                    plugin=impl.plugin_name, community=community, hook=hook_name) from error
            return None  # pluggy leaves None out: the built-in and the other plugins answer
        if result is not None:
            host._remember_origin(impl.plugin_name, result)
        return result

    return contained


def _refusing_caller(hook_name: str, plugin: str, community_id: str) -> Callable[..., Any]:
    def refuse(**kwargs: Any) -> Any:
        raise PluginFailed(f"The community plugin '{plugin}' could not be loaded; {hook_name} needs it here.",
                           plugin=plugin, community=community_id, hook=hook_name)

    return refuse


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
    manager.check_pending()  # built-ins must be right; community plugins are checked one by one
    host = PluginHost(service, manager)
    for name, load in _community_plugins(f"{PROJECT}.{service}", allowlist):
        _register_contained(host, name, load)
    for name, plugin in extra_plugins:
        _register_contained(host, name, _given(plugin))
    if trace:
        manager.trace.root.setwriter(lambda message: log.info("hook", trace=message.rstrip()))
        manager.enable_tracing()
    return host


def _community_plugins(group: str, allowlist: Sequence[str] | None) -> Iterator[tuple[str, Callable[[], Any]]]:
    wanted = set(allowlist) if allowlist is not None else None
    for entry_point in entry_points(group=group):
        if wanted is not None and entry_point.name not in wanted:
            continue
        yield entry_point.name, entry_point.load
        if wanted is not None:
            wanted.discard(entry_point.name)
    # allowlist entries that are not entry points are module paths
    for module_path in sorted(wanted or ()):
        yield module_path, functools.partial(importlib.import_module, module_path)


def _given(plugin: Any) -> Callable[[], Any]:
    """A loader for a plugin object that is already loaded (tests pass them in)."""
    return lambda: plugin


def _register_contained(host: PluginHost, name: str, load: Callable[[], Any]) -> None:
    """Import and register one community plugin; a failure is recorded, not raised."""
    manager = host.manager
    plugin = None
    try:
        plugin = load()
        manager.register(plugin, name=name)
        unknown = [caller.name for caller in manager.get_hookcallers(plugin) or ()
                   if not caller.has_spec()
                   and any(not impl.optionalhook for impl in caller.get_hookimpls() if impl.plugin is plugin)]
        if unknown:
            raise pluggy.PluginValidationError(plugin, f"implements hooks this service does not have: {unknown}")
    except Exception as error:
        if plugin is not None and manager.is_registered(plugin):
            manager.unregister(plugin)
        host.load_failures[name] = f"{type(error).__name__}: {error}"[:500]
        return
    host._contain_impls(plugin, name)
