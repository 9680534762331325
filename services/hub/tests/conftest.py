import pytest

from linli.hub.app import create_app


@pytest.fixture
def app(service_app):
    return service_app("hub", create_app)


@pytest.fixture
def client(app):
    return app.test_client()
