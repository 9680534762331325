"""The demo seeds, and the main pages answer, at any moment of the week (issue 15).

``make run`` once failed from Wednesday 18:30 to Friday 00:00 Shanghai time because the demo's open
booking round closed at "now + 2 days" while its first slot was next Friday 18:30; and from Sunday
evening the demo volunteer had no shift ahead (the shifts were made from Monday). Here the full
demo of all three services is seeded with the clock moved (time-machine patches ``datetime.now``,
``date.today`` and ``time.time`` everywhere, so the real code paths run) to every weekday at five
hours, both sides of 18:30, a month's and a year's turn and the moment the bug was reported; then
the main pages of both communities must answer 200 and the demo must hold what it promises (an open
round that closes before its slots, an activity session, a volunteer's shift and a meal service to
pre-order, all ahead). One test per weekday (and one for the turns) so that xdist spreads them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask

from linli.canteen.app import create_app as create_canteen
from linli.canteen.menu.models import MealService
from linli.cases.app import create_app as create_cases
from linli.hub.activities.models import ActivitySession
from linli.hub.app import create_app as create_hub
from linli.hub.rounds.models import BookingRound
from linli.hub.volunteers.models import Shift, ShiftAssignment
from linli.shared.seeding import seed_demo

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMMUNITIES = ("north-bund", "fenglin-huiyuan")
WEEK = [dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(7)]  # Monday 30 Nov – Sunday 6 Dec 2026
HOURS = [dt.time(6, 10), dt.time(12, 5), dt.time(18, 29), dt.time(18, 31), dt.time(23, 50)]
TURNS = [dt.datetime(2026, 12, 2, 20, 20),  # the moment of the report: Wednesday 20:20
         dt.datetime(2026, 11, 30, 23, 59, 30), dt.datetime(2026, 12, 1, 0, 0, 30),  # month turn
         dt.datetime(2026, 12, 31, 23, 59, 30), dt.datetime(2027, 1, 1, 0, 0, 30),  # year turn
         dt.datetime(2027, 2, 28, 23, 59), dt.datetime(2028, 2, 29, 7, 59)]  # February's end, a leap day


def _instant(moment: dt.datetime) -> dt.datetime:
    """A Shanghai wall-clock time as a UTC instant: time-machine given a ZoneInfo would also set the
    process's time zone to Shanghai, hiding code that takes the server's date (UTC) for the committee's."""
    return moment.replace(tzinfo=SHANGHAI).astimezone(dt.UTC)


def _label(moment: dt.datetime) -> str:
    return moment.strftime("%a-%Y%m%d-%H%M")


class Suite:
    """The three apps on their own SQLite files, each reset to its empty migrated copy per moment."""

    def __init__(self, make) -> None:
        self.apps: dict[str, Flask] = {"canteen": make("canteen", create_canteen), "hub": make("hub", create_hub),
                                       "cases": make("cases", create_cases)}
        self._pristine: dict[str, Path] = {}
        for name, app in self.apps.items():
            path = self._path(app)
            if path is not None:
                self._pristine[name] = path.with_suffix(".pristine")
                shutil.copyfile(path, self._pristine[name])

    @staticmethod
    def _path(app: Flask) -> Path | None:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None

    def reset(self) -> None:
        for name, app in self.apps.items():
            with app.app_context():
                app.extensions["linli"].db.session.remove()
                app.extensions["linli"].db.engine.dispose()
            path = self._path(app)
            assert path is not None
            for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(self._pristine[name], path)

    def seed(self) -> None:
        for app in self.apps.values():
            seed_demo(app)  # what `flask linli seed-demo` runs: one transaction per service


def _subject(hub: Flask, username: str) -> str:
    from linli.hub.accounts.models import Account

    with hub.app_context():
        account = hub.extensions["linli"].db.session.scalar(sa.select(Account).where(Account.username == username))
        assert account is not None, username
        return account.subject


def _check_demo(suite: Suite, tokens, now: dt.datetime) -> None:
    """What the demo promises holds at ``now``, and the main pages answer 200 for both communities."""
    hub, canteen = suite.apps["hub"], suite.apps["canteen"]
    with hub.app_context():
        session = hub.extensions["linli"].db.session
        rounds = list(session.scalars(sa.select(BookingRound)))
        assert sorted(r.status for r in rounds) == ["allocated", "allocated", "open"]
        open_round = next(r for r in rounds if r.status == "open")
        assert now < open_round.closes_at < min(s.starts_at for s in open_round.slots)  # open, and closes in time
        assert session.scalar(sa.select(sa.func.count()).select_from(ActivitySession)
                              .where(ActivitySession.starts_at > now)), "no activity session ahead"
        assert session.scalar(sa.select(sa.func.count()).select_from(ShiftAssignment).join(Shift)
                              .where(Shift.starts_at > now)), "no volunteer shift ahead"
    with canteen.app_context():
        for community_id in COMMUNITIES:
            assert canteen.extensions["linli"].db.session.scalar(
                sa.select(sa.func.count()).select_from(MealService).where(
                    MealService.community_id == community_id, MealService.order_cutoff_at > now)), \
                f"nothing to pre-order in {community_id}"

    staff = tokens("staff", "manager", communities=list(COMMUNITIES), sub="demo-staff")
    lead = tokens("team_lead", communities=["fenglin-huiyuan"], sub=_subject(hub, "hy.lead03"))
    volunteer = tokens("volunteer", "diner", communities=["north-bund"], sub=_subject(hub, "nb.volunteer1"))
    pages = {"canteen": [(None, f"/kiosk/{c}") for c in COMMUNITIES] + [(None, f"/order/{c}") for c in COMMUNITIES]
             + [(staff, f"/counter/{c}") for c in COMMUNITIES] + [(staff, f"/kitchen/{c}") for c in COMMUNITIES]
             + [(staff, f"/counter/{c}/meal-cards") for c in COMMUNITIES],
             "hub": [(volunteer, "/volunteer?community=north-bund"), (volunteer, "/volunteer/shifts?community=north-bund"),
                     (None, "/activities?community=north-bund"), (lead, "/team?community=fenglin-huiyuan")]
             + [(staff, f"/staff/rooms?community={c}") for c in COMMUNITIES]
             + [(staff, f"/staff/people?community={c}") for c in COMMUNITIES]
             + [(staff, f"/staff/{page}?community=fenglin-huiyuan") for page in ("roster", "visits/report")],
             "cases": [(None, f"/catalogue/{c}") for c in COMMUNITIES]}
    failures = []
    for service, urls in pages.items():
        client = suite.apps[service].test_client()
        for token, url in urls:
            if token:
                client.set_cookie("linli_token", token)
            else:
                client.delete_cookie("linli_token")
            response = client.get(url)
            if response.status_code != 200:
                failures.append(f"{service} {url}: {response.status_code} {response.get_data(as_text=True)[:300]}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def sqlite_suite(linli_databases, linli_base_config, tmp_path_factory):
    """One suite per test module (and xdist worker): the moments reset its databases, not its apps."""
    folder = tmp_path_factory.mktemp("moments")

    def make(service: str, create_app) -> Flask:
        url = linli_databases.url(service, "sqlite", create_app, linli_base_config, folder, True)
        # the hub's visit diary (1,208 households) seeded at every moment would cost minutes: 60 will do
        return create_app({**linli_base_config, "SQLALCHEMY_DATABASE_URI": url, "LINLI_DEMO_HOUSEHOLDS": 60})

    suite = Suite(make)
    yield suite
    for app in suite.apps.values():
        with app.app_context():
            app.extensions["linli"].db.session.remove()
            app.extensions["linli"].db.engine.dispose()


GROUPS = {f"{day:%a}": [dt.datetime.combine(day, hour) for hour in HOURS] for day in WEEK} | {"turns": TURNS}


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("group", list(GROUPS))
def test_demo_seeds_and_pages_answer_at_every_moment(engine, group, sqlite_suite, tokens):
    failures: dict[str, str] = {}
    for moment in GROUPS[group]:
        with time_machine.travel(_instant(moment), tick=True):
            sqlite_suite.reset()
            try:
                sqlite_suite.seed()
                _check_demo(sqlite_suite, tokens, dt.datetime.now(dt.UTC))
            except Exception as error:  # collect every moment's failure, then report them all
                failures[_label(moment)] = f"{type(error).__name__}: {str(error)[:600]}"
    print(f"{group}: " + ", ".join(_label(m) for m in GROUPS[group]))
    assert not failures, "\n".join(f"{label}: {why}" for label, why in failures.items())


@pytest.mark.engines("postgresql")
def test_demo_seeds_and_pages_answer_on_postgresql_at_the_reported_moment(engine, service_app, tokens):
    with time_machine.travel(_instant(dt.datetime(2026, 12, 2, 20, 20)), tick=True):
        suite = Suite(service_app)
        suite.seed()
        _check_demo(suite, tokens, dt.datetime.now(dt.UTC))
