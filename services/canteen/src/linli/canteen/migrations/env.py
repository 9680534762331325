"""Alembic environment of the canteen service: the shared one."""

from linli.shared.migrations_env import run

run()
