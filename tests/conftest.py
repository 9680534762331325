"""Suite-wide tests: each service's app factory by name."""

import importlib

import pytest

SERVICES = ("canteen", "hub", "cases")


def factory(service: str):
    return importlib.import_module(f"linli.{service}.app").create_app


@pytest.fixture(params=SERVICES)
def service_name(request):
    return request.param
