"""Waiting for something a server does by itself (a worker replaced, Redis back), bounded against a hang."""
from __future__ import annotations

import time
from collections.abc import Callable

HANG_GUARD_S = 120  # a bound against a hang, not a measure


def wait_for(condition: Callable[[], bool], what: str, every: float = 0.05) -> None:
    """Return once `condition()` holds; fail after HANG_GUARD_S saying `what` never came."""
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {HANG_GUARD_S} s")
        time.sleep(every)
