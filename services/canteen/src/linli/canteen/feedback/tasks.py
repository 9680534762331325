"""Periodic work of feedback (``flask linli tick``): identified feedback past its retention period."""

from __future__ import annotations

from flask import Flask

from linli.canteen.feedback.service import forget_old_identified


def tick(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {"feedback_anonymised": forget_old_identified()}
