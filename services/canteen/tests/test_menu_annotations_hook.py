"""The menu_annotations hook: a community plugin adds to the built-in solar-term annotation,
only in the community that enabled it, and the tags it features come first in the menu."""

import pytest

from linli.canteen import hookimpl
from linli.canteen.app import create_app
from linli.canteen.orders.testing import FUTURE_DAY, make_menu

COMMUNITIES = """
[communities.north-bund]
name_zh = "北外滩"
name_en = "North Bund"
plugins = []

[communities.fenglin-huiyuan]
name_zh = "枫林·汇园"
name_en = "Fenglin Huiyuan"
plugins = ["guest_chef_day"]
"""


class GuestChefDay:
    """Every Monday a guest chef (外援) cooks at the Fenglin meal point: feature their dishes."""

    @hookimpl
    def menu_annotations(self, community, date):
        if date.weekday() != 0:
            return None
        return {"guest_chef": {"name_zh": "老字号外援厨师", "name_en": "Guest chef"}, "featured_tags": ["guest-chef"]}


@pytest.fixture
def app(service_app, tmp_path):
    communities = tmp_path / "communities.toml"
    communities.write_text(COMMUNITIES, encoding="utf-8")
    return service_app("canteen", create_app, LINLI_COMMUNITIES_FILE=str(communities),
                       LINLI_EXTRA_PLUGINS=[("guest_chef_day", GuestChefDay())])


def test_menu_annotations_of_a_plugin_only_where_enabled(app, client):
    assert FUTURE_DAY.weekday() == 0  # a Monday
    with app.app_context():
        for community in ("north-bund", "fenglin-huiyuan"):
            make_menu(community, prefix=community[:2] + "-")
    fenglin = client.get(f"/api/communities/fenglin-huiyuan/menu?date={FUTURE_DAY}").json["annotations"]
    north = client.get(f"/api/communities/north-bund/menu?date={FUTURE_DAY}").json["annotations"]
    assert fenglin["guest_chef"]["name_en"] == "Guest chef"
    assert "guest_chef" not in north
    # the built-in solar term is kept beside the plugin's annotation, and both sets of tags are featured
    assert fenglin["solar_term"] == north["solar_term"]
    assert set(fenglin["featured_tags"]) == {north["solar_term"]["tag"], "guest-chef"}
    assert north["featured_tags"] == [north["solar_term"]["tag"]]
