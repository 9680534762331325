"""Linli canteen. Plugins write ``from linli.canteen import hookimpl``."""

from linli.shared.plugins import hookimpl

__all__ = ["hookimpl"]
