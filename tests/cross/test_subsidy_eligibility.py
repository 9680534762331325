"""The hub decides who gets the elderly meal subsidy; the canteen learns it through an event.

The hub links an account to a resident aged 82 and to one aged 45 living alone (孤老) and one
aged 45 with neither; its relay delivers ``hub.resident.subsidy_eligibility`` to a live canteen,
whose ``handle_event`` built-in keeps a diner profile per account.
"""

from __future__ import annotations

import datetime as dt

from linli.canteen.app import create_app as create_canteen
from linli.hub.app import create_app as create_hub
from linli.shared.events.relay import deliver_due


def test_handle_event_brings_hub_eligibility_to_the_canteen(service_app, live_server):
    canteen_app = service_app("canteen", create_canteen)
    canteen = live_server(canteen_app, workers=1, threads=4)
    hub_app = service_app("hub", create_hub, LINLI_EVENT_SUBSCRIBERS={"canteen": canteen.url})

    from linli.hub.accounts.service import create_account
    from linli.hub.people.service import add_resident, create_household

    today = dt.date.today()
    accounts = {}
    with hub_app.app_context():
        household = create_household(None, community_id="fenglin-huiyuan", compound="汇园", building="3", room="502")
        for name, age, groups in (("王阿婆", 82, ()), ("李先生", 45, ("elderly_alone",)), ("张女士", 45, ())):
            resident = add_resident(None, household.id, name=name, birth_date=today.replace(year=today.year - age),
                                    groups=groups)
            account = create_account(None, username=f"r{resident.id}", password="linli-demo-pass", display_name=name,
                                     communities=["fenglin-huiyuan"], resident_id=resident.id)
            accounts[name] = account.subject
        result = deliver_due(hub_app)
    assert (result.delivered, result.failed) == (4, 0)  # three residents' eligibility and the household's hub.household.changed

    from linli.canteen.diners.service import find_profile

    with canteen_app.app_context():
        profiles = {name: find_profile("fenglin-huiyuan", subject) for name, subject in accounts.items()}
    assert profiles["王阿婆"].subsidy_eligible and profiles["王阿婆"].source == "hub"
    assert profiles["李先生"].subsidy_eligible and profiles["李先生"].groups == ["elderly_alone"]
    assert not profiles["张女士"].subsidy_eligible

