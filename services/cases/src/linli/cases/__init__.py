"""Linli cases: the service-item catalogue, appointments and cases (约请制).

Plugins write ``from linli.cases import hookimpl``.
"""

from linli.shared.plugins import hookimpl

__all__ = ["hookimpl"]
