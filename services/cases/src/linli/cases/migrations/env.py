"""Alembic environment of the cases service: the shared one."""

from linli.shared.migrations_env import run

run()
