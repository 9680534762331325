"""Elderly meal subsidy eligibility, decided where the resident is known and sent to the canteen.

A resident is eligible from the community's first age band (60 by default) or when in a special
group (孤老 elderly living alone, 残疾人 disabled). The canteen keeps its own diner profile from the
``hub.resident.subsidy_eligibility`` event, keyed by the account that signs in there.
"""

from __future__ import annotations

from typing import Any

from linli.hub.people.ages import age_band, age_bands
from linli.hub.people.models import SPECIAL_GROUPS, Resident
from linli.shared.events import publish
from linli.shared.state import service_state

ELIGIBILITY_EVENT = "hub.resident.subsidy_eligibility"


def eligibility_payload(resident: Resident, account_id: str) -> dict[str, Any]:
    community = service_state().communities.require(resident.community_id)
    groups = sorted({row.group for row in resident.group_rows})
    band = age_band(resident.birth_date, age_bands(community))
    return {
        "account_id": account_id,
        "community_id": resident.community_id,
        "name": resident.name,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
        "groups": groups,
        "age_band": band,
        "eligible": band is not None or bool(SPECIAL_GROUPS.intersection(groups)),
    }


def announce_eligibility(resident: Resident, account_id: str) -> str:
    """Publish the resident's eligibility in the current transaction (the outbox)."""
    return publish(ELIGIBILITY_EVENT, eligibility_payload(resident, account_id), community_id=resident.community_id)
