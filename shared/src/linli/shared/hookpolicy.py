"""What a failing community plugin means for a hook call, declared on the hookspec.

``FALL_BACK`` (the default): the failing plugin's answer is left out, so the built-in behaviour
and the other enabled plugins answer as if it were not enabled. ``REFUSE``: the call answers a
503 problem ``plugin_failed`` for that community only (for hooks whose work must not be lost,
e.g. an event a plugin must handle: the sender retries later).

    @hookspec
    @on_plugin_error(REFUSE)
    def handle_event(...): ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal

ErrorPolicy = Literal["fall_back", "refuse"]
FALL_BACK: Final = "fall_back"
REFUSE: Final = "refuse"
POLICY_ATTRIBUTE = "linli_on_plugin_error"


def on_plugin_error(policy: ErrorPolicy) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if policy not in (FALL_BACK, REFUSE):
        raise ValueError(f"unknown policy {policy!r}")

    def mark(spec: Callable[..., Any]) -> Callable[..., Any]:
        setattr(spec, POLICY_ATTRIBUTE, policy)
        return spec

    return mark


def policy_of(spec: Callable[..., Any] | None) -> ErrorPolicy:
    policy: ErrorPolicy = getattr(spec, POLICY_ATTRIBUTE, FALL_BACK)
    return policy
