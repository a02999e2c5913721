"""Failed sign-in counters, shared by every place that checks a password.

The API login, the password change and the Django admin's sign-in all count here, so a guess
made at one counts at the others. Two limits, each a window that opens with the first failure
and lasts its length, kept in Django's default cache (Redis when REDIS_URL is set, so every
process sees the same counts):

- an (account, address) pair may fail LOGIN_FAILURES_PER_MINUTE times a minute. Nothing is
  counted per account alone: an attacker at other addresses fills counters of its own and never
  locks the real user out.
- an address may fail LOGIN_ADDRESS_FAILURES times in LOGIN_ADDRESS_WINDOW_SECONDS, whatever
  the accounts (password spraying).

Only failures count, yet a burst of parallel guesses must not all pass the check before the
first of them has failed. So a password check holds a pending place in each limit while it runs,
and starts only while the failures and the pending places leave it room; its place becomes a
failure (counted before the place is given back) or is simply given back when the password was
right. N parallel guesses get at most the limit checked; parallel right passwords beyond the room
wait for the checks ahead of them (a hash each) rather than being refused, and only after
QUEUE_SECONDS of waiting are they told to come back. A throttled caller costs no hash.

Why not django-axes: it checks every combination of AXES_LOCKOUT_PARAMETERS (say
`[["username", "ip_address"], "ip_address"]`) against one AXES_FAILURE_LIMIT (a callable limit is
given the request, not the combination being checked), so an address cap higher than the
per-pair limit cannot be expressed. It also counts an attempt only once it has failed, so parallel
guesses all get checked, and locks out for a cool-off after the limit, where we answer with the
time left in a rate window.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PAIR_WINDOW_SECONDS = 60
# Pending places are counted per bucket of this many seconds, and a check counts those of its own
# bucket and its two neighbours (a check that takes its place just after a bucket's end sees one
# taken just before, and the other way round): a place left by a process that died mid-check is
# gone two buckets later, and only a check running longer than a bucket (a hash takes about a
# second) goes uncounted.
PENDING_BUCKET_SECONDS = 30
_NEIGHBOURS = (-1, 0, 1)
QUEUE_SECONDS = 20.0  # the longest a sign-in waits for a place (the desktop gives up on an answer at 30 s)
BUSY_WAIT = 5  # what a sign-in that waited in vain is told to wait


class LoginThrottled(Exception):
    """No check now: `wait` seconds before the next attempt is heard, `detail` says why."""

    def __init__(self, wait: int, detail: str | None = None) -> None:
        super().__init__(f"retry in {wait} s")
        self.wait = wait
        self.detail = detail or throttled_message(wait)


def throttled_message(wait: int) -> str:
    return f"Too many failed sign-in attempts. Try again in {wait} seconds."


def busy_message(wait: int) -> str:
    return f"Too many sign-ins at once. Try again in {wait} seconds."


@dataclass(frozen=True)
class _Limit:
    key: str
    allowed: int
    window: int

    @property
    def until_key(self) -> str:
        return f"{self.key}:until"

    def pending_key(self, bucket: int) -> str:
        return f"{self.key}:pending:{bucket}"


@dataclass
class Attempt:
    """One password check holding its pending places: a failure unless `succeeded()` is called."""

    limits: tuple[_Limit, _Limit]
    pending_keys: list[str]
    ok: bool = False

    def succeeded(self) -> None:
        """The password was right: the pair starts afresh, and nothing is counted."""
        self.ok = True

    def _end(self) -> None:
        pair = self.limits[0]
        if self.ok:
            cache.delete_many([pair.key, pair.until_key])
        else:
            now = time.time()
            for limit in self.limits:  # before the pending places go: a parallel check sees one or the other
                _count_failure(limit, now)
        for key in self.pending_keys:
            _give_back(key)


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


def _count_failure(limit: _Limit, now: float) -> None:
    """Count one failure in `limit`'s window, opening it if none is open."""
    cache.add(limit.until_key, now + limit.window, limit.window)
    cache.add(limit.key, 0, limit.window)
    try:
        cache.incr(limit.key)
    except ValueError:  # the window closed between add and incr
        cache.set(limit.key, 1, limit.window)


def _hold_place(limit: _Limit, bucket: int) -> str:
    key = limit.pending_key(bucket)
    cache.add(key, 0, 2 * PENDING_BUCKET_SECONDS)  # outlives its bucket by one: its checks give back to it
    try:
        cache.incr(key)
    except ValueError:  # gone between add and incr
        cache.set(key, 1, 2 * PENDING_BUCKET_SECONDS)
    return key


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # the key has expired meanwhile
        cache.decr(key)


def _has_room(limits: tuple[_Limit, ...], bucket: int, *, holding: bool) -> bool:
    """Whether each limit's failures and pending places (this check's among them when `holding`)
    leave room for this check; raises LoginThrottled when the failures alone fill a limit."""
    now = time.time()
    pending = [limit.pending_key(bucket + step) for limit in limits for step in _NEIGHBOURS]
    # the pending places are read before the failures (one MGET in Redis; in order in memory), so a
    # check that fails between the two reads is seen in one or the other
    held = cache.get_many([*pending, *(key for limit in limits for key in (limit.key, limit.until_key))])
    room = True
    for limit in limits:
        failures = int(held.get(limit.key, 0))
        if failures >= limit.allowed:
            raise LoginThrottled(_wait(held.get(limit.until_key), now))
        places = sum(max(0, int(held.get(limit.pending_key(bucket + step), 0))) for step in _NEIGHBOURS)
        room = room and failures + places + (0 if holding else 1) <= limit.allowed
    return room


def _hold(limits: tuple[_Limit, _Limit]) -> Attempt:
    """Pending places in both limits, once there is room for them (see the module's docstring)."""
    deadline = time.monotonic() + QUEUE_SECONDS
    pause = 0.01
    while True:
        bucket = int(time.time() // PENDING_BUCKET_SECONDS)
        if _has_room(limits, bucket, holding=False):
            keys = [_hold_place(limit, bucket) for limit in limits]
            kept = False
            try:  # parallel checks may have taken the room meanwhile
                kept = _has_room(limits, bucket, holding=True)
            finally:
                if not kept:
                    for key in keys:
                        _give_back(key)
            if kept:
                return Attempt(limits, keys)
        if time.monotonic() >= deadline:
            raise LoginThrottled(BUSY_WAIT, busy_message(BUSY_WAIT))
        time.sleep(pause)
        pause = min(2 * pause, 0.2)


@contextlib.contextmanager
def attempt(*, email: str, ip: str) -> Iterator[Attempt]:
    """A check of `email`'s password from `ip` (the email already normalized), or LoginThrottled.

    Enter it before the password is hashed; leaving the block without `succeeded()`, by an
    exception too, counts a failure.
    """
    held = _hold(_limits(email, ip))
    try:
        yield held
    finally:
        held._end()
