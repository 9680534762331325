"""zh_CN is the default language: every message the pages and services mark for translation has a
Chinese translation, and no catalogue names a message twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


PACKAGES = {"canteen": ROOT / "services/canteen/src/linli/canteen", "hub": ROOT / "services/hub/src/linli/hub",
            "cases": ROOT / "services/cases/src/linli/cases", "shared": ROOT / "shared/src/linli/shared"}


@pytest.mark.parametrize("service", list(PACKAGES))
def test_every_marked_message_has_a_chinese_translation(service):
    package = PACKAGES[service]
    po_path = package / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    msgids = [line for line in po_path.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")]
    duplicates = sorted({m for m in msgids if msgids.count(m) > 1})
    assert duplicates == [], f"{po_path.name} names these twice: {duplicates}"
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    marked: dict[str, str] = {}
    for filename, lineno, message, *_ in extract_from_dir(str(package), method_map=METHODS):
        msgid = message if isinstance(message, str) else message[0]
        marked.setdefault(msgid, f"{filename}:{lineno}")
    assert len(marked) > 5
    missing = {where: msgid for msgid, where in marked.items()
               if not (catalogue.get(msgid) and catalogue.get(msgid).string)}
    assert missing == {}, f"no zh_CN translation for: {missing}"


@pytest.mark.parametrize("service", ["canteen", "hub", "cases"])
def test_the_shared_catalogue_and_a_service_agree_on_common_messages(service):
    """The shared catalogue is merged first and wins on a msgid both have: a service's own
    translation of it would never show, so the two must say the same."""
    def strings(po_path: Path) -> dict[str, str]:
        with po_path.open("rb") as handle:
            return {m.id: m.string for m in read_po(handle) if m.id and m.string}

    shared = strings(ROOT / "shared" / "src" / "linli" / "shared" / "translations" / "zh_CN" / "LC_MESSAGES"
                     / "messages.po")
    own = strings(ROOT / "services" / service / "src" / "linli" / service / "translations" / "zh_CN"
                  / "LC_MESSAGES" / "messages.po")
    differing = {msgid: (shared[msgid], own[msgid]) for msgid in shared.keys() & own.keys()
                 if shared[msgid] != own[msgid]}
    assert differing == {}
