"""What `/health/` reports as degraded, read from memory (no call out).

Apart from cache.py so that a server without Redis (the embedded one, the frozen application's,
which is built without the redis library) never imports it.
"""
from __future__ import annotations


def health_problems() -> list[str]:
    """The shared cache's problem while Redis is away (server/common/cache.py), else nothing."""
    from django.core.cache import cache

    problem = getattr(cache, "problem", None)
    found = problem() if problem is not None else None
    return [found] if found else []
