"""Every hook is documented and exercised (datasette's two meta-tests, in spirit).

docs/plugins.md has a heading ``### hook_name(arg, ...)`` for every hookspec, with the same
argument names, and some test function under the repository is named for each hook.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKSPEC_MODULES = ["linli.shared.hookspecs", "linli.canteen.hookspecs", "linli.hub.hookspecs", "linli.cases.hookspecs"]


def hookspecs() -> list[tuple[str, str, list[str]]]:
    found = []
    for module_name in HOOKSPEC_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if hasattr(function, "linli_spec"):
                found.append((module_name, name, list(inspect.signature(function).parameters)))
    return found


def documented() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "plugins.md").read_text()
    headings = re.findall(r"^### (\w+)\(([^)]*)\)", text, flags=re.MULTILINE)
    return {name: [a.strip() for a in args.split(",") if a.strip()] for name, args in headings}


@pytest.mark.parametrize(("module", "hook", "args"), hookspecs(), ids=lambda v: v if isinstance(v, str) else None)
def test_hook_is_documented_with_its_signature(module, hook, args):
    docs = documented()
    assert hook in docs, f"docs/plugins.md has no '### {hook}(...)' heading ({module})"
    assert docs[hook] == args


@pytest.mark.parametrize(("module", "hook", "args"), hookspecs(), ids=lambda v: v if isinstance(v, str) else None)
def test_hook_has_a_test(module, hook, args):
    """A test function carries the hook's name (``def test_<...>{hook}<...>``), not only a mention."""
    test_files = [p for p in ROOT.glob("**/test_*.py") if ".venv" not in p.parts and p.name != "test_plugin_docs.py"]
    named = re.compile(rf"^\s*def test_\w*{hook}\w*\(", flags=re.MULTILINE)
    assert any(named.search(p.read_text()) for p in test_files), f"no test is named for the hook {hook}"


def test_no_documented_hook_is_missing_from_the_code():
    assert set(documented()) <= {hook for _, hook, _ in hookspecs()}
