"""Flask-Babel with zh_CN (default) and en.

The locale comes from ``?lang=``, then the ``lang`` cookie, then Accept-Language. Catalogues
(.po) live in each service's and the shared library's ``translations/``; they are compiled to
.mo under var/ at start-up when missing or older than the .po, so there is no build step.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, request
from flask_babel import Babel

LOCALES = ("zh_CN", "en")
SHARED_TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in LOCALES:
        return chosen
    if chosen in ("zh", "zh-CN", "zh-Hans"):
        return "zh_CN"
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"], default="zh_CN")
    return "en" if best == "en" else "zh_CN"


def compile_catalogues(sources: list[Path], target: Path) -> None:
    """Merge every source's messages per locale into one compiled catalogue under ``target``."""
    for locale in LOCALES:
        po_files = [s / locale / "LC_MESSAGES" / "messages.po" for s in sources]
        po_files = [p for p in po_files if p.exists()]
        if not po_files:
            continue
        # Babel names zh_CN "zh_Hans_CN"; gettext falls back from that to "zh"
        mo_path = target / locale.split("_")[0] / "LC_MESSAGES" / "messages.mo"
        newest = max(p.stat().st_mtime for p in po_files)
        if mo_path.exists() and mo_path.stat().st_mtime >= newest:
            continue
        with po_files[0].open("rb") as handle:
            merged = read_po(handle, locale=locale)
        for po_file in po_files[1:]:
            with po_file.open("rb") as handle:
                catalogue = read_po(handle, locale=locale)
            for message in catalogue:
                if message.id and message.string:
                    merged[message.id] = message
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo_path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, merged)
        tmp.replace(mo_path)


def init_i18n(app: Flask, service_translations: Path | None) -> Babel:
    sources = [SHARED_TRANSLATIONS] + ([service_translations] if service_translations else [])
    target = Path(app.config["LINLI_VAR_DIR"]) / "translations" / app.config["LINLI_SERVICE"]
    compile_catalogues(sources, target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    babel = Babel(app, locale_selector=select_locale)

    @app.template_filter("combine_query")
    def _combine_query(args: dict[str, str], **changes: str) -> str:
        return urlencode({**args, **changes})

    @app.after_request
    def _remember_locale(response: Response) -> Response:
        chosen = request.args.get("lang")
        if chosen in LOCALES and request.cookies.get("lang") != chosen:
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def _locale_context() -> dict[str, object]:
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "locales": LOCALES}

    return babel
