"""What the committee dashboard's cross-service tests share: the three demos, canteen and cases under
gunicorn, the hub pointed at their summary APIs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.accounts.models import Account
from linli.hub.app import create_app as create_hub
from linli.hub.extensions import db as hub_db

# a generous timeout: the first answers of fresh workers on a busy 2-core machine may take seconds
SUMMARY_TIMEOUT = 15.0


@dataclass
class DashboardSuite:
    canteen: Any  # live servers
    cases: Any
    hub_app: Any
    manager: str  # hy.manager's subject

    @property
    def service_urls(self) -> dict[str, str]:
        return {"canteen": self.canteen.url, "cases": self.cases.url}


@pytest.fixture
def dashboard_suite(service_app, live_server) -> DashboardSuite:
    canteen_app = service_app("canteen", create_canteen)
    cases_app = service_app("cases", create_cases)
    for app in (canteen_app, cases_app):
        app.extensions["linli_spec"].seed_demo(app)
    canteen = live_server(canteen_app, workers=1, threads=4)
    cases = live_server(cases_app, workers=1, threads=4)
    hub_app = service_app("hub", create_hub, LINLI_SERVICE_URLS={"canteen": canteen.url, "cases": cases.url},
                          LINLI_SUMMARY_TIMEOUT=SUMMARY_TIMEOUT)
    hub_app.extensions["linli_spec"].seed_demo(hub_app)
    with hub_app.app_context():
        manager = hub_db.session.scalar(sa.select(Account).where(Account.username == "hy.manager")).subject
    return DashboardSuite(canteen, cases, hub_app, manager)
