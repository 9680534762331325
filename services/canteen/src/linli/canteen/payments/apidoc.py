"""OpenAPI helpers for the payments and diners routes."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask_smorest import Blueprint


def problems(blp: Blueprint, *statuses: int) -> Callable[[Any], Any]:
    """Document the problem+json answers a route gives (the shared error components)."""

    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate
