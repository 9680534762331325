"""Built-in payment providers, registered as a plugin like any other."""

from __future__ import annotations

from typing import Any

from linli.canteen import hookimpl
from linli.canteen.payments.providers import BUILTIN_PROVIDERS


@hookimpl
def payment_providers(community: Any) -> list[Any]:
    return list(BUILTIN_PROVIDERS)
