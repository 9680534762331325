"""``make plugin NAME=... SERVICE=...``: write a working community plugin into ``plugins/``.

The package has the entry point, one example hookimpl that reads the community's settings, a test
that passes (through ``linli.shared.testing.plugins``) and a README; the root ``pyproject.toml``
gets it as a workspace dependency and source, so ``uv lock`` and ``make test`` pick it up.
``--community`` also enables it there in ``communities.toml``. Run as
``python -m linli.shared.scaffold NAME SERVICE [--community ID] [--root DIR]``
or ``flask --app linli.<service>.app linli new-plugin NAME``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

SERVICES = ("canteen", "hub", "cases")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


class ScaffoldError(Exception):
    pass


@dataclass(frozen=True)
class PluginNames:
    name: str  # as typed, dashes: lujiazui-greeting
    service: str

    @property
    def entry_point(self) -> str:  # what communities.toml lists
        return self.name.replace("-", "_")

    @property
    def module(self) -> str:
        return f"linli_{self.entry_point}"

    @property
    def distribution(self) -> str:
        return f"linli-plugin-{self.name.replace('_', '-')}"

    @property
    def folder(self) -> str:
        return self.name.replace("_", "-")


EXAMPLES = {
    "canteen": ("menu_annotations", '''
        @hookimpl
        def menu_annotations(community: Any, date: dt.date) -> dict[str, Any] | None:
            """A notice on the menu of every day, from ``[communities.<id>.settings.{entry}]``."""
            settings = community.setting("{entry}", {{}})
            notice = {{"notice_zh": settings.get("notice_zh", "欢迎来到社区食堂"),
                      "notice_en": settings.get("notice_en", "Welcome to the community canteen")}}
            return {{"{entry}": notice}}
        ''', "import datetime as dt\n"),
    "hub": ("shift_templates", '''
        @hookimpl
        def shift_templates(community: Any) -> list[dict[str, Any]]:
            """A volunteer shift of this community, its headcount from ``[communities.<id>.settings.{entry}]``."""
            settings = community.setting("{entry}", {{}})
            return [{{"code": "{folder}-patrol", "name_zh": "楼道巡查", "name_en": "Corridor patrol",
                     "location_zh": "小区楼道", "location_en": "Corridors", "weekdays": [5],
                     "slots": [{{"start": "09:00", "end": "10:00", "headcount": settings.get("headcount", 2)}}]}}]
        ''', ""),
    "cases": ("service_items", '''
        @hookimpl
        def service_items(community: Any) -> list[dict[str, Any]]:
            """One service item of this community; its modes from ``[communities.<id>.settings.{entry}]``."""
            settings = community.setting("{entry}", {{}})
            return [{{"code": "{folder}-repair-help", "name_zh": "居家小修预约", "name_en": "Home repair help",
                     "category": "neighbourhood", "modes": settings.get("modes", ["door_to_door"]),
                     "online_prereview": False, "handling": "passed_on"}}]
        ''', ""),
}

TESTS = {
    "canteen": '''
        def test_menu_annotations_answers_with_the_community_settings(community_app):
            app = community_app("canteen", COMMUNITY, plugins=["{entry}"],
                                settings={{"{entry}": {{"notice_en": "Half portions today"}}}})
            answer = plugin_answer(app, "{entry}", "menu_annotations", COMMUNITY, date=dt.date(2030, 3, 4))
            assert answer["{entry}"]["notice_en"] == "Half portions today"
            # the built-in solar-term annotation still comes too
            assert len(call_hook(app, COMMUNITY, "menu_annotations", date=dt.date(2030, 3, 4))) == 2


        def test_the_menu_api_carries_the_annotation_only_where_enabled(community_app):
            app = community_app("canteen", COMMUNITY, plugins=["{entry}"])
            client = app.test_client()
            here = client.get(f"/api/communities/{{COMMUNITY}}/menu").json["annotations"]
            assert here["{entry}"]["notice_zh"] == "欢迎来到社区食堂"
            for other in OTHERS:
                assert "{entry}" not in client.get(f"/api/communities/{{other}}/menu").json["annotations"]
        ''',
    "hub": '''
        def test_shift_templates_answers_with_the_community_settings(community_app):
            app = community_app("hub", COMMUNITY, plugins=["{entry}"],
                                settings={{"{entry}": {{"headcount": 4}}}})
            [template] = plugin_answer(app, "{entry}", "shift_templates", COMMUNITY)
            assert template["slots"][0]["headcount"] == 4


        def test_the_templates_api_lists_the_shift_only_where_enabled(community_app):
            app = community_app("hub", COMMUNITY, plugins=["{entry}"])
            client = app.test_client()
            codes = {{t["code"] for t in client.get(f"/api/volunteers/templates?community_id={{COMMUNITY}}").json}}
            assert {{"{folder}-patrol", "waste-sorting"}} <= codes  # the built-in duty stays
            for other in OTHERS:
                assert "{folder}-patrol" not in {{
                    t["code"] for t in client.get(f"/api/volunteers/templates?community_id={{other}}").json}}
        ''',
    "cases": '''
        def test_service_items_answers_with_the_community_settings(community_app):
            app = community_app("cases", COMMUNITY, plugins=["{entry}"],
                                settings={{"{entry}": {{"modes": ["on_site"]}}}})
            [item] = plugin_answer(app, "{entry}", "service_items", COMMUNITY)
            assert item["modes"] == ["on_site"]


        def test_the_catalogue_lists_the_item_only_where_enabled(community_app):
            app = community_app("cases", COMMUNITY, plugins=["{entry}"])
            client = app.test_client()
            codes = {{i["code"] for i in client.get(f"/api/communities/{{COMMUNITY}}/service-items").json}}
            assert "{folder}-repair-help" in codes
            for other in OTHERS:
                assert "{folder}-repair-help" not in {{
                    i["code"] for i in client.get(f"/api/communities/{{other}}/service-items").json}}
        ''',
}


def _files(names: PluginNames, community: str, others: list[str]) -> dict[str, str]:
    hook, example, extra_import = EXAMPLES[names.service]
    fmt = {"entry": names.entry_point, "folder": names.folder}
    module = (
        f'"""{names.name}: a community plugin for the {names.service} service.\n\n'
        f"Enable it for a community in communities.toml: ``plugins = [\"{names.entry_point}\"]``;\n"
        f"its settings live in ``[communities.<id>.settings.{names.entry_point}]``.\n"
        f'See docs/plugins/hooks.md for every hook you can implement.\n"""\n\n'
        "from __future__ import annotations\n\n"
        f"{extra_import}from typing import Any\n\n"
        f"from linli.{names.service} import hookimpl\n\n"
        + textwrap.dedent(example).format(**fmt)
    )
    test = (
        f'"""{names.name}: the example hook answers, and only in the community that enables it."""\n\n'
        + ("import datetime as dt\n\n" if names.service == "canteen" else "")
        + f"from linli.shared.testing.plugins import {'call_hook, ' if names.service == 'canteen' else ''}"
        "plugin_answer\n\n"
        f"COMMUNITY = {json.dumps(community)}\n"
        f"OTHERS = {json.dumps(others)}\n\n\n"
        + textwrap.dedent(TESTS[names.service]).lstrip().format(**fmt)
    )
    pyproject = f"""\
        [project]
        name = "{names.distribution}"
        version = "0.1.0"
        description = "{names.name}: a Linli community plugin for the {names.service} service"
        requires-python = ">=3.11,<3.12"
        dependencies = ["linli-{names.service}"]

        [project.entry-points."linli.{names.service}"]
        {names.entry_point} = "{names.module}"

        [tool.uv.sources]
        linli-{names.service} = {{ workspace = true }}

        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [tool.hatch.build.targets.wheel]
        packages = ["src/{names.module}"]
        """
    readme = f"""\
        # {names.name}

        A Linli community plugin for the **{names.service}** service (hook: `{hook}`).

        - Code: `src/{names.module}/__init__.py`; test: `tests/test_{names.entry_point}.py`.
        - Enable it for a community in `communities.toml`:

          ```toml
          [communities.{community}]
          plugins = ["{names.entry_point}"]

          [communities.{community}.settings.{names.entry_point}]
          # the settings the hookimpl reads
          ```

        - Test it: `uv run --frozen pytest plugins/{names.folder} --engines sqlite` (or `make test`).
        - See what it does: `LINLI_TRACE_HOOKS=1` logs every hook call;
          `uv run --frozen flask --app linli.{names.service}.app linli plugins` lists it.

        The guide: `docs/plugins/tutorial.md`; every hook: `docs/plugins/hooks.md`.
        """
    return {
        "pyproject.toml": textwrap.dedent(pyproject),
        "README.md": textwrap.dedent(readme),
        f"src/{names.module}/__init__.py": module,
        f"tests/test_{names.entry_point}.py": test,
    }


def add_to_workspace(pyproject: Path, distribution: str) -> None:
    """List the plugin in the root ``dependencies`` and ``[tool.uv.sources]`` (text edits, comments kept)."""
    text = pyproject.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    if distribution in data["project"].get("dependencies", []):
        return
    deps = re.search(r"(?ms)^dependencies = \[\n(.*?)^\]", text)
    if deps is None:
        raise ScaffoldError(f"{pyproject}: no multi-line dependencies = [...] list")
    text = text[:deps.end(1)] + f'    "{distribution}",\n' + text[deps.end(1):]
    sources = re.search(r"(?ms)^\[tool\.uv\.sources\]\n(.*?)\n*(?=^\[|\Z)", text)
    if sources is None:
        raise ScaffoldError(f"{pyproject}: no [tool.uv.sources] table")
    text = text[:sources.end(1)] + f"\n{distribution} = {{ workspace = true }}" + text[sources.end(1):]
    tomllib.loads(text)  # still valid
    pyproject.write_text(text, encoding="utf-8")


def enable_in_communities(path: Path, community: str, entry_point: str) -> None:
    text = path.read_text(encoding="utf-8")
    communities = tomllib.loads(text).get("communities", {})
    if community not in communities:
        raise ScaffoldError(f"no community {community!r} in {path} (known: {', '.join(sorted(communities))})")
    current = list(communities[community].get("plugins", []))
    if entry_point in current:
        return
    section = re.compile(rf"(?m)^(\[communities\.{re.escape(community)}\]\n(?:[^\[\n].*\n|\n)*?)plugins = .*$")
    line = "plugins = " + json.dumps([*current, entry_point])
    text, found = section.subn(lambda m: m.group(1) + line, text)
    if found != 1:
        raise ScaffoldError(f"{path}: [communities.{community}] has no one-line plugins = [...]")
    tomllib.loads(text)
    path.write_text(text, encoding="utf-8")


def scaffold(root: Path, name: str, service: str, *, community: str | None = None,
             enable: bool = False) -> Path:
    """Write ``plugins/<name>`` under ``root``; returns its folder. ``enable``: list it for ``community``."""
    if not NAME_RE.match(name):
        raise ScaffoldError(f"NAME {name!r}: lower-case letters, digits and dashes, e.g. lujiazui-greeting")
    if service not in SERVICES:
        raise ScaffoldError(f"SERVICE {service!r}: one of {', '.join(SERVICES)}")
    names = PluginNames(name, service)
    folder = root / "plugins" / names.folder
    if folder.exists():
        raise ScaffoldError(f"{folder} exists already")
    communities_file = root / "communities.toml"
    known = list(tomllib.loads(communities_file.read_text(encoding="utf-8")).get("communities", {}))
    community = community or (known[0] if known else "north-bund")
    if community not in known:
        raise ScaffoldError(f"no community {community!r} in {communities_file} (known: {', '.join(known)})")
    for relative, content in _files(names, community, [c for c in known if c != community]).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    add_to_workspace(root / "pyproject.toml", names.distribution)
    if enable:
        enable_in_communities(communities_file, community, names.entry_point)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make plugin", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the plugin's name, e.g. lujiazui-greeting")
    parser.add_argument("service", choices=SERVICES, help="the service whose hooks it implements")
    parser.add_argument("--community", help="the community its test (and --enable) is about")
    parser.add_argument("--enable", action="store_true", help="enable it for --community in communities.toml")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root (default: here)")
    args = parser.parse_args(argv)
    try:
        folder = scaffold(args.root, args.name, args.service, community=args.community, enable=args.enable)
    except ScaffoldError as error:
        print(f"make plugin: {error}", file=sys.stderr)
        return 2
    names = PluginNames(args.name, args.service)
    print(f"wrote {folder.relative_to(args.root)}/ ({names.distribution}, entry point "
          f"linli.{args.service}:{names.entry_point}) and added it to pyproject.toml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
