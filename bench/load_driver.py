"""The load generator's process: its share of the clients on one asyncio loop, through the run's phases.

The phases meet the other generator processes and the parent at a barrier: "ready" (every client
made), then the cold sign-ins, "signed in", the warm-up, "warm" (every process has had --warmup
seconds and every client has run each of its operations once), then the steady phase of --seconds,
which every process times on the same clock (CLOCK_MONOTONIC is the machine's, not the process's).
"""
from __future__ import annotations

import asyncio
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load_mix import Client, ClientPlan, Shared, sign_in_all

BARRIER_READY_S = 120.0  # starting a process and importing httpx, on a busy machine
BARRIER_SIGNED_IN_S = 600.0  # N password hashes at once on two shared cores
BARRIER_WARM_S = 600.0  # beyond --warmup: every client's first pass through its operations
REQUEST_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Plan:
    """Everything a generator process needs (pickled to it)."""

    api: str
    shared: Shared
    clients: tuple[ClientPlan, ...]
    warmup: float
    seconds: float


@dataclass
class Samples:
    """What one generator process measured: latencies of the answers as expected, failures by reason."""

    latencies: dict[str, dict[str, list[float]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    failures: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int))))
    first_failure: dict[str, str] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # process CPU seconds at each mark
    wall: dict[str, float] = field(default_factory=dict)  # monotonic time of each mark

    def record(self, phase: str, endpoint: str, seconds: float, failure: str, detail: str) -> None:
        if failure:
            self.failures[phase][endpoint][failure] += 1
            self.first_failure.setdefault(endpoint, f"{failure}: {detail}")
        else:
            self.latencies[phase][endpoint].append(seconds)

    def mark(self, name: str) -> None:
        self.cpu[name], self.wall[name] = time.process_time(), time.monotonic()

    def plain(self) -> Samples:
        """The same samples in plain dicts (a defaultdict of lambdas does not pickle)."""
        return Samples(latencies={p: dict(e) for p, e in self.latencies.items()},
                       failures={p: {e: dict(r) for e, r in es.items()} for p, es in self.failures.items()},
                       first_failure=self.first_failure, cpu=self.cpu, wall=self.wall)


@dataclass
class Steady:
    """The steady phase's window, unknown (None) until every process is warm."""

    start: float | None = None
    end: float | None = None


async def _client_loop(client: Client, warm: asyncio.Queue[None], steady: Steady) -> None:
    client.phase = "warmup"
    for name in client.operations():  # every operation once, whatever the warm-up's length
        await client.run(name)
    warm.put_nowait(None)
    while steady.end is None or time.monotonic() < steady.end:
        client.phase = "warmup" if steady.start is None else "steady"
        await client.run()


async def _steady(plan: Plan, barrier: Any, samples: Samples, warm: asyncio.Queue[None], steady: Steady) -> None:
    """Warm-up: --warmup seconds and every client's first pass; then all meet, and the steady phase runs."""
    until = time.monotonic() + plan.warmup
    for _ in plan.clients:
        await warm.get()
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    await asyncio.to_thread(barrier.wait, plan.warmup + BARRIER_WARM_S)
    samples.mark("steady_start")
    steady.start, steady.end = samples.wall["steady_start"], samples.wall["steady_start"] + plan.seconds
    await asyncio.sleep(plan.seconds)
    samples.mark("steady_end")


async def drive(plan: Plan, barrier: Any, samples: Samples) -> None:
    """Make the clients, meet at the barrier, sign in all at once, meet again, warm up, meet, steady phase."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one desktop, one connection
    https = [httpx.AsyncClient(base_url=plan.api, timeout=REQUEST_TIMEOUT_S, limits=limits) for _ in plan.clients]
    try:
        clients = [Client(c, plan.shared, http, samples.record) for c, http in zip(plan.clients, https, strict=True)]
        await asyncio.to_thread(barrier.wait, BARRIER_READY_S)
        samples.mark("cold_start")
        await sign_in_all(clients)
        samples.mark("cold_end")
        await asyncio.to_thread(barrier.wait, BARRIER_SIGNED_IN_S)
        warm: asyncio.Queue[None] = asyncio.Queue()
        steady = Steady()
        await asyncio.gather(_steady(plan, barrier, samples, warm, steady),
                             *(_client_loop(c, warm, steady) for c in clients))
        samples.mark("end")
    finally:
        await asyncio.gather(*(http.aclose() for http in https))


def child_main(plan: Plan, barrier: Any, results: Any) -> None:
    """A generator process's entry: drive its clients, put its samples (or its traceback) on `results`."""
    samples = Samples()
    samples.mark("start")
    try:
        asyncio.run(drive(plan, barrier, samples))
    except BaseException:
        barrier.abort()  # the others stop waiting for this process
        results.put(("error", traceback.format_exc()))
        return
    results.put(("samples", samples.plain()))
