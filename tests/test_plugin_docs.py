"""The plugin guide (docs/plugins/) is true (datasette's two meta-tests, in spirit, and more).

- docs/plugins/hooks.md has a heading ``### hook_name(arg, ...)`` for every hookspec, with the same
  argument names, and some test function under the repository is named for each hook.
- Every ``python`` code block of the guide runs: a block after ``<!-- from PATH: NAME, ... -->`` must
  be exactly those top-level functions or classes of that tested file (``<!-- from PATH -->``: the
  whole file); any other block is executed, and the hookimpls it defines are registered against
  the real hookspecs (pluggy checks their argument names). ``toml`` blocks parse.

After changing an included file, refresh the guide: ``uv run python tests/test_plugin_docs.py``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import tomllib
from pathlib import Path

import pluggy
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "plugins"
REFERENCE = GUIDE / "hooks.md"
HOOKSPEC_MODULES = ["linli.shared.hookspecs", "linli.canteen.hookspecs", "linli.hub.hookspecs", "linli.cases.hookspecs"]
BLOCK = re.compile(r"(?:<!-- from (?P<path>[^:>\s]+)(?::\s*(?P<names>[^>]+?))? -->\n)?```(?P<lang>\w*)\n(?P<code>.*?)```",
                   re.DOTALL)


def hookspecs() -> list[tuple[str, str, list[str]]]:
    found = []
    for module_name in HOOKSPEC_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if hasattr(function, "linli_spec"):
                found.append((module_name, name, list(inspect.signature(function).parameters)))
    return found


def documented() -> dict[str, list[str]]:
    text = REFERENCE.read_text()
    headings = re.findall(r"^### (\w+)\(([^)]*)\)", text, flags=re.MULTILINE)
    return {name: [a.strip() for a in args.split(",") if a.strip()] for name, args in headings}


@pytest.mark.parametrize(("module", "hook", "args"), hookspecs(), ids=lambda v: v if isinstance(v, str) else None)
def test_hook_is_documented_with_its_signature(module, hook, args):
    docs = documented()
    assert hook in docs, f"docs/plugins/hooks.md has no '### {hook}(...)' heading ({module})"
    assert docs[hook] == args


@pytest.mark.parametrize(("module", "hook", "args"), hookspecs(), ids=lambda v: v if isinstance(v, str) else None)
def test_hook_has_a_test(module, hook, args):
    """A test function carries the hook's name (``def test_<...>{hook}<...>``), not only a mention."""
    test_files = [p for p in ROOT.glob("**/test_*.py") if ".venv" not in p.parts and p.name != "test_plugin_docs.py"]
    named = re.compile(rf"^\s*def test_\w*{hook}\w*\(", flags=re.MULTILINE)
    assert any(named.search(p.read_text()) for p in test_files), f"no test is named for the hook {hook}"


def test_no_documented_hook_is_missing_from_the_code():
    assert set(documented()) <= {hook for _, hook, _ in hookspecs()}


# --- the guide's code blocks -------------------------------------------------------------------


def source_of(path: str, names: str | None) -> str:
    """Top-level definitions (decorators included) of a file, joined as they would be written."""
    text = (ROOT / path).read_text()
    if not names:
        return text
    lines, tree = text.splitlines(), ast.parse(text)
    defs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    parts = []
    for name in (n.strip() for n in names.split(",")):
        node = defs[name]
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        parts.append("\n".join(lines[start - 1:node.end_lineno]))
    return "\n\n\n".join(parts) + "\n"


def guide_pages() -> list[Path]:
    return sorted(GUIDE.glob("*.md")) + [ROOT / "docs" / "plugins.md"]


def blocks() -> list[tuple[str, int, re.Match[str]]]:
    found = []
    for page in guide_pages():
        text = page.read_text()
        for match in BLOCK.finditer(text):
            found.append((page.relative_to(ROOT).as_posix(), text[:match.start()].count("\n") + 1, match))
    return found


def refresh_guide() -> None:
    for page in guide_pages():
        text = page.read_text()

        def fill(match: re.Match[str]) -> str:
            if not match["path"]:
                return match[0]
            return (f"<!-- from {match['path']}{': ' + match['names'] if match['names'] else ''} -->\n"
                    f"```{match['lang']}\n{source_of(match['path'], match['names'])}```")

        page.write_text(BLOCK.sub(fill, text))


def block_ids() -> list[str]:
    return [f"{page}:{line}" for page, line, _ in blocks()]


@pytest.mark.parametrize("where", block_ids())
def test_every_code_block_of_the_guide_is_real(where):
    [match] = [m for page, line, m in blocks() if f"{page}:{line}" == where]
    code, lang = match["code"], match["lang"]
    if match["path"]:
        assert code == source_of(match["path"], match["names"]), (
            f"{where} differs from {match['path']}; run: uv run python tests/test_plugin_docs.py")
    elif lang == "python":
        namespace: dict[str, object] = {"__name__": f"docs_example_{abs(hash(where))}"}
        exec(compile(code, where, "exec"), namespace)  # the guide's own examples
        manager = pluggy.PluginManager("linli")
        for module_name in HOOKSPEC_MODULES:
            manager.add_hookspecs(importlib.import_module(module_name))
        plugin = type(sys)(namespace["__name__"])
        plugin.__dict__.update(namespace)
        manager.register(plugin)  # wrong argument names raise here
        manager.check_pending()  # and hooks that do not exist
    elif lang == "toml":
        tomllib.loads(code)


def test_the_guide_has_code_blocks_of_every_kind():
    kinds = {("from" if m["path"] else m["lang"]) for _, _, m in blocks()}
    assert {"from", "python", "toml"} <= kinds


if __name__ == "__main__":
    refresh_guide()
    print("refreshed the code blocks of docs/plugins/*.md from their files")
