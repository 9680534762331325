import pytest

from linli.canteen.app import create_app


@pytest.fixture
def app(service_app):
    return service_app("canteen", create_app)


@pytest.fixture
def client(app):
    return app.test_client()
