"""The shared cache (REDIS_URL), which falls back to this process's own memory while Redis is away.

Throttles and sign-in failure counters live in Django's default cache. With Redis gone every
request used to answer 500; now an operation that cannot reach Redis is done in a local-memory
cache instead, with a warning in the log, and Redis is tried again after RETRY_SECONDS. Meanwhile
each process counts on its own (a caller spread over N processes gets up to N times the rates),
and `/health/` says the process is degraded (`problems`, health.py). `serve` refuses to start while its Redis
cannot be reached (`reachable`, exit status 2): a typo in REDIS_URL is caught at once.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("server.cache")
RETRY_SECONDS = 5.0  # while Redis is away, how often a request tries it again (each try may wait a timeout)
SOCKET_SECONDS = 1.0  # connecting to Redis, and each answer: a dead server must not hold a request long
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")


def reachable(url: str) -> str | None:
    """Why Redis at `url` cannot be used (its error), or None when it answers a PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=SOCKET_SECONDS * 3, socket_timeout=SOCKET_SECONDS * 3)
        client.ping()
        client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _both(name: str) -> Callable[..., Any]:
    """A cache method that tries Redis (RedisCache's own `name`), else the local cache's."""

    def method(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(lambda: getattr(RedisCache, name)(self, *args, **kwargs),
                          lambda: getattr(self._local, name)(*args, **kwargs))

    method.__name__ = name
    return method


class _Outage:
    """Whether one Redis is away, for the whole process: Django makes a cache object per thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None  # wall-clock time of the failure that began the outage
        self.retry_at = 0.0  # monotonic: no Redis call before this while away

    def began(self, error: BaseException) -> None:
        with self.lock:
            first = self.since is None
            if first:
                self.since = time.time()
            self.retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            log.warning("Redis cannot be reached (%s: %s): counting throttles in this process until it is back",
                        type(error).__name__, error)

    def ended(self) -> None:
        with self.lock:
            was_away, self.since = self.since is not None, None
        if was_away:
            log.warning("Redis answers again: throttles are shared by every process again")


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


class FallbackRedisCache(RedisCache):
    """Django's Redis cache; while Redis cannot be reached, a local-memory cache of this process."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {"socket_connect_timeout": SOCKET_SECONDS, "socket_timeout": SOCKET_SECONDS,
                   **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        local = {key: value for key, value in params.items() if key != "OPTIONS"}
        # one name per Redis: every thread's local cache is the same memory (LocMemCache shares by name)
        self._local = LocMemCache(f"fallback:{server}", {**local, "OPTIONS": {"MAX_ENTRIES": 100_000}})
        with _OUTAGES_LOCK:
            self._outage = _OUTAGES.setdefault(str(server), _Outage())

    def problem(self) -> str | None:
        """What `/health/` reports while Redis is away, else None."""
        since = self._outage.since
        if since is None:
            return None
        return (f"Redis cannot be reached (since {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(since))} UTC): "
                "throttles and sign-in failures are counted by this process alone")

    def _call(self, shared: Callable[[], T], local: Callable[[], T]) -> T:
        outage = self._outage
        if outage.since is not None and time.monotonic() < outage.retry_at:
            return local()
        try:
            result = shared()
        except UNREACHABLE as error:
            outage.began(error)
            return local()
        if outage.since is not None:
            outage.ended()
        return result

    add = _both("add")
    get = _both("get")
    set = _both("set")
    touch = _both("touch")
    delete = _both("delete")
    get_many = _both("get_many")
    has_key = _both("has_key")
    incr = _both("incr")  # decr and get_or_set are BaseCache's, made of these
    set_many = _both("set_many")
    delete_many = _both("delete_many")
    clear = _both("clear")
