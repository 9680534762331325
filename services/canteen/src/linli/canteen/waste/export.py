"""The log and the KPI table as spreadsheets: CSV (UTF-8 with BOM, so Excel reads the Chinese names)
and Excel (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask import Response

from linli.canteen.reports.service import to_csv
from linli.canteen.waste.kpi import FIGURES
from linli.canteen.waste.models import WasteEntry

LOG_COLUMNS = ["id", "service_date", "meal_kind", "kind", "edible", "dish_id", "grams", "state", "corrects_id",
               "correction_reason", "weighed_by", "weighed_at", "undone_at", "note"]
KPI_COLUMNS = ["period_start", "period_end", "meal_services", "weighed_services", "covers",
               *[f"grams_{k}" for k in FIGURES], *[f"per_cover_{k}" for k in FIGURES],
               *[f"target_{k}" for k in FIGURES], "score", "passed", "method"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def log_rows(entries: Iterable[WasteEntry]) -> list[dict[str, Any]]:
    return [{c: getattr(e, c) for c in LOG_COLUMNS} for e in entries]


def kpi_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in [*report["rows"], report["totals"]]:
        flat = {k: row[k] for k in ("period_start", "period_end", "meal_services", "weighed_services", "covers")}
        for kind in FIGURES:
            flat[f"grams_{kind}"] = row["grams"].get(kind)
            flat[f"per_cover_{kind}"] = row["per_cover"].get(kind)
            flat[f"target_{kind}"] = report["targets"].get(kind)
        flat.update({k: row["assessment"].get(k) for k in ("score", "passed", "method")})
        rows.append(flat)
    return rows


def xlsx_bytes(rows: list[dict[str, Any]], columns: list[str], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: UTC, as the column says
    return value


def download(rows: list[dict[str, Any]], columns: list[str], name: str, fmt: str) -> Response:
    if fmt == "xlsx":
        return Response(xlsx_bytes(rows, columns, name), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return Response("\ufeff" + to_csv(rows, columns), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
