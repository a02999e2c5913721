"""Latency of one kind of request: one client in sequence, or several clients at once.

Every run is bounded twice, by a request count per client and by a wall-clock budget; a
request counts as done when its whole body has been read.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

# Sends request number `i` on `client`; the index lets a probe vary what it asks for.
Send = Callable[[httpx.Client, int], httpx.Response]
ClientFactory = Callable[[], httpx.Client]


@dataclass(frozen=True)
class Row:
    """One measured row of the results table."""

    name: str
    clients: int
    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    rps: float
    seconds: float
    body_kb: float = 0.0  # mean size of the answers' bodies
    note: str = ""


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    body_bytes: int = 0
    first_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str, size: int) -> None:
        with self.lock:
            if error:
                self.errors += 1
                self.first_error = self.first_error or error
            else:
                self.latencies.append(seconds)
                self.body_bytes += size


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of `values`; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _one(client: httpx.Client, send: Send, index: int, expect: int) -> tuple[float, str, int]:
    start = time.perf_counter()
    try:
        response = send(client, index)
    except httpx.HTTPError as exc:
        return time.perf_counter() - start, f"{type(exc).__name__}: {exc}", 0
    seconds = time.perf_counter() - start
    if response.status_code != expect:
        return seconds, f"HTTP {response.status_code}: {response.text[:200]}", 0
    return seconds, "", len(response.content)


def _client_loop(factory: ClientFactory, send: Send, expect: int, count: int, offset: int,
                 deadline: float, stop: threading.Event, tally: _Tally) -> None:
    with factory() as client:
        for i in range(count):
            if stop.is_set() or time.monotonic() >= deadline:
                return
            tally.add(*_one(client, send, offset + i, expect))


def _run_threads(factory: ClientFactory, send: Send, expect: int, clients: int, count: int,
                 deadline: float, tally: _Tally) -> None:
    stop = threading.Event()
    threads = [
        threading.Thread(target=_client_loop, daemon=True,
                         args=(factory, send, expect, count, n * count, deadline, stop, tally))
        for n in range(clients)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()


def measure(name: str, factory: ClientFactory, send: Send, *, clients: int, count: int, budget: float,
            expect: int = 200, note: str = "") -> Row:
    """`clients` clients (each its own httpx.Client) send up to `count` requests each, for `budget` s."""
    tally = _Tally()
    start = time.perf_counter()
    deadline = time.monotonic() + budget
    if clients == 1:
        _client_loop(factory, send, expect, count, 0, deadline, threading.Event(), tally)
    else:
        _run_threads(factory, send, expect, clients, count, deadline, tally)
    seconds = time.perf_counter() - start
    done = len(tally.latencies)
    if tally.first_error:
        note = f"{note}; first error: {tally.first_error}".lstrip("; ")
    return Row(name=name, clients=clients, count=done, errors=tally.errors,
               p50_ms=round(percentile(tally.latencies, 0.50) * 1000, 1),
               p95_ms=round(percentile(tally.latencies, 0.95) * 1000, 1),
               rps=round(done / seconds, 1) if seconds > 0 else 0.0, seconds=round(seconds, 2),
               body_kb=round(tally.body_bytes / done / 1024, 1) if done else 0.0, note=note)
