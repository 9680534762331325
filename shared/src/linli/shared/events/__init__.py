"""Events between services: a transactional outbox, a relay, and a de-duplicating receiver."""

from linli.shared.events.outbox import publish

__all__ = ["publish"]
