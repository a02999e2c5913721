"""Failed sign-in counters, shared by every place that checks a password.

The API login, the password change and the Django admin's sign-in all count here, so a guess
made at one counts at the others. Two limits, each a window that opens with the first attempt
and lasts its length, kept in Django's default cache (Redis when REDIS_URL is set, so every
process sees the same counts):

- an (account, address) pair may fail LOGIN_FAILURES_PER_MINUTE times a minute. Nothing is
  counted per account alone: an attacker at other addresses fills counters of its own and never
  locks the real user out.
- an address may fail LOGIN_ADDRESS_FAILURES times in LOGIN_ADDRESS_WINDOW_SECONDS, whatever
  the accounts (password spraying).

An attempt takes its place in both counts before the password is hashed, and gives it back when
the password was right. So a throttled caller costs no hash, and a burst of parallel guesses
cannot all pass the check before the first of them is counted.

Why not django-axes: it checks every combination of AXES_LOCKOUT_PARAMETERS (say
`[["username", "ip_address"], "ip_address"]`) against one AXES_FAILURE_LIMIT (a callable limit is
given the request, not the combination being checked), so an address cap higher than the
per-pair limit cannot be expressed. It also locks out for a cool-off after the limit, where we
answer with the time left in a rate window.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PAIR_WINDOW_SECONDS = 60


class LoginThrottled(Exception):
    """Too many failures: `wait` seconds before the next attempt is heard."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"retry in {wait} s")
        self.wait = wait


def throttled_message(wait: int) -> str:
    return f"Too many failed sign-in attempts. Try again in {wait} seconds."


@dataclass(frozen=True)
class _Limit:
    key: str
    allowed: int
    window: int

    @property
    def until_key(self) -> str:
        return f"{self.key}:until"


@dataclass(frozen=True)
class Attempt:
    """One password check, counted as a failure unless `succeeded()` is called."""

    pair_key: str
    address_key: str

    def succeeded(self) -> None:
        """The password was right: the pair starts afresh and the address gets its place back."""
        cache.delete_many([self.pair_key, f"{self.pair_key}:until"])
        _give_back(self.address_key)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _limits(email: str, ip: str) -> tuple[_Limit, _Limit]:
    pair = _Limit(f"signin:pair:{_digest(email + chr(0) + ip)}", settings.LOGIN_FAILURES_PER_MINUTE,
                  PAIR_WINDOW_SECONDS)
    address = _Limit(f"signin:address:{_digest(ip)}", settings.LOGIN_ADDRESS_FAILURES,
                     settings.LOGIN_ADDRESS_WINDOW_SECONDS)
    return pair, address


def _wait(until: float | None, now: float) -> int:
    return max(1, math.ceil((until or now) - now))


def _take(limit: _Limit, now: float) -> int:
    """Count one attempt in `limit`'s window (opening it if none is open); the new count."""
    cache.add(limit.until_key, now + limit.window, limit.window)
    cache.add(limit.key, 0, limit.window)
    try:
        return int(cache.incr(limit.key))
    except ValueError:  # the window closed between add and incr
        cache.set(limit.key, 1, limit.window)
        return 1


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window has closed meanwhile
        cache.decr(key)


def attempt_begin(*, email: str, ip: str) -> Attempt:
    """Count an attempt at `email`'s password from `ip`, or raise LoginThrottled.

    Call it before the password is checked, with the email already normalized.
    """
    now = time.time()
    limits = _limits(email, ip)
    held = cache.get_many([key for limit in limits for key in (limit.key, limit.until_key)])
    for limit in limits:
        if held.get(limit.key, 0) >= limit.allowed:
            raise LoginThrottled(_wait(held.get(limit.until_key), now))
    taken: list[str] = []
    for limit in limits:
        taken.append(limit.key)
        if _take(limit, now) > limit.allowed:  # parallel attempts took the last places
            for key in taken:
                _give_back(key)
            raise LoginThrottled(_wait(cache.get(limit.until_key), now))
    pair, address = limits
    return Attempt(pair_key=pair.key, address_key=address.key)
