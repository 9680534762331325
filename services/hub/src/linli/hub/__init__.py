"""Linli hub. Plugins write ``from linli.hub import hookimpl``."""

from linli.shared.plugins import hookimpl

__all__ = ["hookimpl"]
