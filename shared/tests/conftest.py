"""The shared library is tested through the smallest real service, cases."""

import pytest

from linli.cases.app import create_app


@pytest.fixture
def app(service_app):
    return service_app("cases", create_app)


@pytest.fixture
def client(app):
    return app.test_client()
