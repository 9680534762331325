import pytest

from linli.hub.app import create_app


@pytest.fixture
def app(service_app):
    # migrate=False until the service's models settle and its migration is generated
    return service_app("hub", create_app, migrate=False)


@pytest.fixture
def client(app):
    return app.test_client()
