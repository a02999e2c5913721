"""DRF's request rates (THROTTLE_ANON, THROTTLE_USER, THROTTLE_REGISTER), counted in O(1) per request.

DRF's own throttles keep the time of every request of the last period in one cache entry, read and
written whole at every request: at the user rate of 6,000 a minute that is a list of up to 6,000
floats, pickled twice a request (and sent to Redis and back). These count in windows instead, with
the sliding-window estimate: the current window's count plus the previous window's, weighted by the
share of it still inside the period. One `get_many` and one `incr` a request; the estimate never
lets more than the rate through in any period, and at most a few over it at the window's turn.
"""
from __future__ import annotations

import math
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle


class _Windowed(SimpleRateThrottle):
    """A SimpleRateThrottle counted in windows of its period (see the module's docstring)."""

    _wait = 0.0

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = math.floor(now / self.duration)
        current, previous = f"{self.key}:w{window}", f"{self.key}:w{window - 1}"
        counts = self.cache.get_many([current, previous])
        weight = 1 - (now / self.duration - window)  # the share of the previous window still in the period
        if counts.get(current, 0) + counts.get(previous, 0) * weight >= self.num_requests:
            self._wait = (window + 1) * self.duration - now
            return False
        if not self.cache.add(current, 1, self.duration * 2):
            try:
                self.cache.incr(current)
            except ValueError:  # expired between add and incr
                self.cache.set(current, 1, self.duration * 2)
        return True

    def wait(self) -> float:
        return max(1.0, self._wait)


class AnonWindowThrottle(AnonRateThrottle, _Windowed):
    """THROTTLE_ANON per address, counted in windows."""


class UserWindowThrottle(UserRateThrottle, _Windowed):
    """THROTTLE_USER per user (per address when signed out), counted in windows."""


# ScopedRateThrottle's allow_request finds the view's rate, then calls this one's
class ScopedWindowThrottle(ScopedRateThrottle, _Windowed):
    """A view's `throttle_scope` rate (registration: THROTTLE_REGISTER) per address, counted in windows."""
