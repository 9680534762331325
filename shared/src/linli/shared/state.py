"""What a service app keeps on ``app.extensions['linli']``: its db, models, plugins, communities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy

from linli.shared.communities import Communities, Community
from linli.shared.models import SharedModels
from linli.shared.plugins import CommunityHooks, PluginHost


@dataclass
class ServiceState:
    name: str
    db: SQLAlchemy
    models: SharedModels
    plugins: PluginHost
    communities: Communities

    def hooks_for(self, community: Community | str) -> CommunityHooks:
        if isinstance(community, str):
            community = self.communities.require(community)
        return self.plugins.for_community(community)


def service_state(app: Flask | None = None) -> ServiceState:
    state: ServiceState = (app or current_app).extensions["linli"]
    return state


def get_state_attr(name: str) -> Any:
    return getattr(service_state(), name)
