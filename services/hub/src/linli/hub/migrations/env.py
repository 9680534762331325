"""Alembic environment of the hub service: the shared one."""

from linli.shared.migrations_env import run

run()
