import pytest

from linli.canteen.app import create_app


@pytest.fixture
def app(service_app, communities_with, pytestconfig):
    """The canteen as communities.toml has it, except North Bund's grain-heart offer (it changes set
    meal prices these tests check; plugins/north-bund-canteen tests it)."""
    import tomllib

    with open(pytestconfig.rootpath / "communities.toml", "rb") as handle:
        north_bund = tomllib.load(handle)["communities"]["north-bund"]["plugins"]
    plugins = [name for name in north_bund if name != "north_bund_canteen"]
    return service_app("canteen", create_app, LINLI_COMMUNITIES_FILE=communities_with({"north-bund": plugins}))


@pytest.fixture
def client(app):
    return app.test_client()


# --- payments: a real localstripe and unpaid orders straight in the database -------------------

STRIPE_WEBHOOK_SECRET = "whsec_linli_test"


class LocalStripe:
    """A localstripe on a free loopback port; ``config``/``env`` point the canteen at it."""

    def __init__(self, process, base):
        self.process, self.base = process, base

    def config(self):
        return {"STRIPE_API_KEY": "sk_test_linli", "STRIPE_API_BASE": self.base,
                "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET, "STRIPE_PUBLISHABLE_KEY": "pk_test_linli",
                "STRIPE_MAX_NETWORK_RETRIES": "0"}

    def register_webhook(self, url, secret=STRIPE_WEBHOOK_SECRET):
        """Every event is POSTed to ``url`` (one registration, replaced on each call)."""
        import requests

        response = requests.post(f"{self.base}/_config/webhooks/linli", data={"url": url, "secret": secret}, timeout=5)
        response.raise_for_status()


@pytest.fixture(scope="session")
def localstripe():
    import subprocess
    import sys
    import time

    import requests

    from linli.shared.testing.live import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            requests.get(f"{base}/v1/balance", timeout=0.5)  # any answer (401) means ready
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.05)
    yield LocalStripe(process, base)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def payable_order(app):
    """``payable_order(total_fen, community_id=..., diner_id=...)`` → the id of a new unpaid order."""
    import datetime as dt
    import itertools
    import uuid

    from linli.canteen.extensions import db
    from linli.canteen.menu.models import MealService
    from linli.canteen.orders.models import Order
    from linli.shared.db import utcnow

    numbers = itertools.count(1)

    def make(total_fen=1880, *, community_id="north-bund", diner_id=None, expires_in=600):
        now = utcnow()
        with app.app_context():
            service = db.session.query(MealService).filter_by(community_id=community_id, kind="lunch").first()
            if service is None:
                service = MealService(community_id=community_id, service_date=now.date(), kind="lunch",
                                      starts_at=now, ends_at=now + dt.timedelta(hours=3),
                                      order_cutoff_at=now + dt.timedelta(hours=2))
                db.session.add(service)
                db.session.flush()
            order = Order(community_id=community_id, diner_id=diner_id, meal_service_id=service.id,
                          pickup_number=next(numbers), pickup_date=now.date(),
                          pickup_ref=uuid.uuid4().hex[:16], state="pending_payment", subtotal_fen=total_fen,
                          total_fen=total_fen, currency="CNY", expires_at=now + dt.timedelta(seconds=expires_in))
            db.session.add(order)
            db.session.commit()
            return order.id

    return make


@pytest.fixture
def order_ref(app):
    """``order_ref(order_id)`` → the order's pickup reference, what the kiosk that placed it holds."""
    from linli.canteen.extensions import db
    from linli.canteen.orders.models import Order

    def ref(order_id):
        with app.app_context():
            return db.session.get(Order, order_id).pickup_ref

    return ref
