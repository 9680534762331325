"""Resident teams: creation, members, who leads what. Callable without HTTP."""

from __future__ import annotations

import sqlalchemy as sa

from linli.hub.accounts.models import Account
from linli.hub.extensions import db
from linli.hub.teams.models import Team, TeamMember
from linli.shared.auth import Identity
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.state import service_state


def create_team(actor: Identity | None, *, community_id: str, name_zh: str, name_en: str = "",
                description: str = "", lead_account_id: int | None = None) -> Team:
    service_state().communities.require(community_id)
    if actor is not None:
        if not actor.is_staff:
            raise Forbidden("Only staff register teams.", code="missing_role")
        actor.require_community(community_id)
    if lead_account_id is not None:
        lead = db.session.get(Account, lead_account_id)
        if lead is None:
            raise Unprocessable(f"No account {lead_account_id}.", code="account_not_found")
        if community_id not in lead.communities:
            raise Unprocessable("The lead's account is not of this community.", code="lead_other_community")
    exists = db.session.scalar(sa.select(Team.id).where(Team.community_id == community_id, Team.name_zh == name_zh))
    if exists is not None:
        raise Conflict(f"A team '{name_zh}' exists already.", code="team_exists")
    team = Team(community_id=community_id, name_zh=name_zh, name_en=name_en, description=description,
                lead_account_id=lead_account_id)
    db.session.add(team)
    db.session.commit()
    return team


def get_team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team {team_id}.", code="team_not_found")
    return team


def add_member(actor: Identity | None, team_id: int, *, name: str, account_id: int | None = None) -> TeamMember:
    team = get_team(team_id)
    if actor is not None:
        actor.require_community(team.community_id)
        if not actor.is_staff and str(team.lead_account_id) != actor.subject:
            raise Forbidden("Only the team's lead or staff add members.", code="not_team_lead")
    member = TeamMember(team_id=team.id, account_id=account_id, name=name)
    team.members.append(member)
    db.session.commit()
    return member


def list_teams(community_id: str) -> list[Team]:
    service_state().communities.require(community_id)
    return list(db.session.scalars(
        sa.select(Team).where(Team.community_id == community_id, Team.active).order_by(Team.id)))


def teams_led_by(identity: Identity) -> list[Team]:
    if not identity.subject.isdigit():
        return []
    return list(db.session.scalars(
        sa.select(Team).where(Team.lead_account_id == int(identity.subject), Team.active).order_by(Team.id)))


def require_team_lead_or_staff(actor: Identity, team: Team) -> None:
    actor.require_community(team.community_id)
    if not actor.is_staff and str(team.lead_account_id) != actor.subject:
        raise Forbidden("Only the team's lead or staff act for the team.", code="not_team_lead")
