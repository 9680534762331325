import pytest

from linli.canteen.app import create_app


@pytest.fixture
def app(service_app):
    # migrate=False until the service's models settle and its migration is generated
    return service_app("canteen", create_app, migrate=False)


@pytest.fixture
def client(app):
    return app.test_client()
