"""The library all Linli services stand on.

Each module is one concern: ``config``, ``db``, ``errors``, ``auth``, ``communities``,
``plugins``, ``events``, ``idempotency``, ``observability``, ``i18n``, ``money``; and
``factory.create_service_app`` puts them together for a service.
"""
