"""GeoReport v2 answers as JSON or XML (the element names the standard's examples use)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from flask import Response, json

# the list's root element and each item's element, per kind of answer
ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "tokens": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
NESTED = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _fill(element: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for entry in value:
                item = ET.SubElement(child, NESTED.get(key, "item"))
                if isinstance(entry, dict):
                    _fill(item, entry)
                else:
                    item.text = _text(entry)
        else:
            child.text = _text(value)


def to_xml(kind: str, data: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    if kind in ("service_definition", "discovery"):
        root = ET.Element(kind)
        _fill(root, data)  # type: ignore[arg-type]
    else:
        root_name, item_name = ROOTS[kind]
        root = ET.Element(root_name)
        for entry in data:
            _fill(ET.SubElement(root, item_name), entry)  # type: ignore[arg-type]
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def render(kind: str, data: Any, fmt: str, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(kind, data), status=status, mimetype="text/xml")
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")
