"""``make plugin`` writes a plugin that imports, is wired into the workspace, and whose test passes.

The scaffold runs into a temporary copy of the repository's root files; the new packages are
"installed" the way an editable install does it (a ``.dist-info`` with the entry points on
``sys.path``), and their generated tests run in a child pytest on SQLite: one child for all three
services, to stay fast.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from linli.shared.scaffold import PluginNames, ScaffoldError, main, scaffold

ROOT = Path(__file__).resolve().parents[1]


def fake_install(site: Path, folder: Path) -> None:
    project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    lines = []
    for group, points in project["entry-points"].items():
        lines += [f"[{group}]", *(f"{name} = {target}" for name, target in points.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines))


@pytest.fixture
def root(tmp_path):
    for name in ("pyproject.toml", "communities.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "plugins").mkdir()
    return tmp_path


def test_scaffolded_plugins_import_and_their_tests_pass(root):
    site, paths = root / "site", []
    for service in ("canteen", "hub", "cases"):
        names = PluginNames(f"hongkou-{service}", service)
        folder = scaffold(root, names.name, service, community="fenglin-huiyuan", enable=True)
        assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == {
            "pyproject.toml", "README.md", f"src/{names.module}/__init__.py", f"tests/test_{names.entry_point}.py"}
        fake_install(site, folder)
        paths.append(str(folder / "src"))
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    communities = tomllib.loads((root / "communities.toml").read_text())["communities"]
    for service in ("canteen", "hub", "cases"):
        names = PluginNames(f"hongkou-{service}", service)
        assert names.distribution in pyproject["project"]["dependencies"]
        assert pyproject["tool"]["uv"]["sources"][names.distribution] == {"workspace": True}
        assert names.entry_point in communities["fenglin-huiyuan"]["plugins"]
    assert communities["fenglin-huiyuan"]["plugins"][:2] == ["fenglin_catalogue", "fenglin_volunteer_shifts"]

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *paths])}
    env.pop("PYTEST_XDIST_WORKER", None)
    imported = subprocess.run([sys.executable, "-c", "import linli_hongkou_canteen, linli_hongkou_hub, "
                               "linli_hongkou_cases; from importlib.metadata import entry_points as e; "
                               "print(sorted(p.name for g in ('linli.canteen', 'linli.hub', 'linli.cases') "
                               "for p in e(group=g) if p.name.startswith('hongkou')))"],
                              env=env, capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "['hongkou_canteen', 'hongkou_cases', 'hongkou_hub']"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--engines", "sqlite",
                          "-c", str(root / "pyproject.toml"), "--rootdir", str(root), str(root / "plugins")],
                         cwd=root, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "6 passed" in run.stdout


def test_the_scaffold_refuses_what_it_cannot_do_and_changes_nothing(root, capsys):
    before = {p.name: p.read_text() for p in root.glob("*.toml")}
    for argv, message in ((["Bad Name", "cases"], "lower-case"),
                          (["ok-name", "cases", "--community", "pudong"], "no community 'pudong'")):
        assert main([*argv, "--root", str(root)]) == 2
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["ok-name", "kitchen", "--root", str(root)])  # argparse: not a service
    scaffold(root, "ok-name", "cases")
    with pytest.raises(ScaffoldError, match="exists already"):
        scaffold(root, "ok-name", "cases")
    assert not list((root / "plugins").glob("bad*"))
    assert (root / "communities.toml").read_text() == before["communities.toml"]  # not enabled unless asked
