"""docs/plugins/tutorial.md works as written: its steps, followed literally in a scratch copy of the
repository's root files, give a plugin whose tests pass.

Step 1's ``toml`` block is appended to communities.toml; step 2's ``make plugin NAME=... SERVICE=...
COMMUNITY=...`` is run through the scaffold (``make`` adds ``uv lock`` and ``uv sync``; here the package
is installed as an editable install would, see tests/test_plugin_scaffold.py); step 3's module and
settings and step 4's test file are written where the page says; then the plugin's tests run in a
child pytest on SQLite. The community and the plugin must be new to the repository, or a newcomer
following the page would trip on step 1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from linli.shared.scaffold import PluginNames, scaffold
from tests.test_plugin_scaffold import fake_install

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "plugins" / "tutorial.md"
BLOCK = re.compile(r"```(?P<lang>\w*)\n(?P<code>.*?)```", re.DOTALL)


def steps() -> dict[str, list[tuple[str, str]]]:
    """The code blocks of each numbered step: ``{"1": [(lang, code), ...], ...}``."""
    found: dict[str, list[tuple[str, str]]] = {}
    for part in re.split(r"^## ", TUTORIAL.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        number = part.split(".", 1)[0]
        if number.isdigit():
            found[number] = [(m["lang"], m["code"]) for m in BLOCK.finditer(part)]
    return found


def the_command() -> dict[str, str]:
    [command] = [code for lang, code in steps()["2"] if lang == "sh" and "make plugin" in code]
    return dict(re.findall(r"(NAME|SERVICE|COMMUNITY)=(\S+)", command))


def test_the_tutorial_community_and_plugin_are_new_to_the_repository():
    args = the_command()
    communities = tomllib.loads((ROOT / "communities.toml").read_text(encoding="utf-8"))["communities"]
    assert args["COMMUNITY"] not in communities
    assert not (ROOT / "plugins" / args["NAME"]).exists()
    [(_, community)] = [(lang, code) for lang, code in steps()["1"] if lang == "toml"]
    assert list(tomllib.loads(community)["communities"]) == [args["COMMUNITY"]]


@pytest.mark.timeout(300)
def test_following_the_tutorial_literally_gives_a_plugin_whose_tests_pass(tmp_path):
    root = tmp_path
    for name in ("pyproject.toml", "communities.toml"):
        shutil.copy(ROOT / name, root / name)
    (root / "plugins").mkdir()
    by_step, args = steps(), the_command()
    communities = root / "communities.toml"

    [community] = [code for lang, code in by_step["1"] if lang == "toml"]
    communities.write_text(communities.read_text(encoding="utf-8") + "\n" + community, encoding="utf-8")
    folder = scaffold(root, args["NAME"], args["SERVICE"], community=args["COMMUNITY"], enable=True)
    names = PluginNames(args["NAME"], args["SERVICE"])

    [module] = [code for lang, code in by_step["3"] if lang == "python"]
    [settings] = [code for lang, code in by_step["3"] if lang == "toml"]
    (folder / "src" / names.module / "__init__.py").write_text(module, encoding="utf-8")
    communities.write_text(communities.read_text(encoding="utf-8") + "\n" + settings, encoding="utf-8")
    [test] = [code for lang, code in by_step["4"] if lang == "python"]
    (folder / "tests" / f"test_{names.entry_point}.py").write_text(test, encoding="utf-8")

    enabled = tomllib.loads(communities.read_text(encoding="utf-8"))["communities"][args["COMMUNITY"]]
    assert enabled["plugins"] == [names.entry_point] and names.entry_point in enabled["settings"]
    site = root / "site"
    fake_install(site, folder)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(folder / "src")])}
    env.pop("PYTEST_XDIST_WORKER", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--engines", "sqlite",
                          "-c", str(root / "pyproject.toml"), "--rootdir", str(root), str(folder)],
                         cwd=root, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert f"{test.count(chr(10) + 'def test_')} passed" in run.stdout  # every test of the page ran
