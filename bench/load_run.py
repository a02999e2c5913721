"""One load run: the generator processes driven through the phases, the server and the machine watched from /proc."""
from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.load_driver import (
    BARRIER_READY_S,
    BARRIER_SIGNED_IN_S,
    BARRIER_WARM_S,
    REQUEST_TIMEOUT_S,
    Plan,
    Samples,
    child_main,
)
from bench.load_mix import ENDPOINTS, ClientPlan, Shared
from bench.load_stats import (
    LoadRow,
    MachineCpu,
    cpu_split,
    first_failures,
    peak_rss_mb,
    peak_rss_reset,
    phase_rows,
    postmaster,
    process_tree,
    tree_cpu_seconds,
)
from bench.server_process import ServerProcess

RESULT_WAIT_S = REQUEST_TIMEOUT_S + 60  # the last requests of the steady phase are answered or time out


@dataclass
class Watch:
    """What the parent saw of the server and the machine at the phases' edges."""

    load_start: tuple[float, ...] = ()
    load_end: tuple[float, ...] = ()
    rss_setup: dict[int, float] = field(default_factory=dict)
    rss_reset: bool = False
    rss_load: dict[int, float] = field(default_factory=dict)
    cold_wall: float = 0.0
    cold_server_cpu: float = 0.0
    warmup_wall: float = 0.0
    steady_wall: float = 0.0
    steady_server_cpu: float = 0.0
    steady_database_cpu: float | None = None  # PostgreSQL's whole server, when the run uses it
    machine: tuple[MachineCpu, MachineCpu] | None = None


@dataclass
class Measured:
    """Rows (cold, then steady), and the summary's parts."""

    rows: list[LoadRow]
    samples: list[Samples]
    watch: Watch
    server: dict[str, Any]
    warmup: dict[str, dict[str, int]]

    def generator(self) -> dict[str, Any]:
        per_process = []
        for sample in self.samples:
            steady_cpu = sample.cpu["steady_end"] - sample.cpu["steady_start"]
            steady_wall = sample.wall["steady_end"] - sample.wall["steady_start"]
            per_process.append({"steady_cpu_s": round(steady_cpu, 2), "cores": round(steady_cpu / steady_wall, 2),
                                "run_cpu_s": round(sample.cpu["end"] - sample.cpu["start"], 2),
                                "run_wall_s": round(sample.wall["end"] - sample.wall["start"], 2)})
        steady = sum(p["steady_cpu_s"] for p in per_process)
        return {"processes": len(per_process), "steady_cpu_s": round(steady, 2),
                "steady_cores": round(steady / self.watch.steady_wall, 2), "per_process": per_process}

    def _cpu_parts(self, generator_s: float) -> dict[str, float]:
        parts = {"server": self.watch.steady_server_cpu, "generator": generator_s}
        if self.watch.steady_database_cpu is not None:
            parts["postgresql"] = self.watch.steady_database_cpu  # all its databases: other sessions' too
        return parts

    def summary(self) -> dict[str, Any]:
        generator = self.generator()
        before, after = self.watch.machine or (MachineCpu(0, 0), MachineCpu(0, 0))
        cold = self.rows[0]
        return {
            "load_average": {"start": self.watch.load_start, "end": self.watch.load_end},
            "cold": {**asdict(cold), "wall_s": round(self.watch.cold_wall, 2),
                     "server_cpu_s": round(self.watch.cold_server_cpu, 1)},
            "steady": [asdict(row) for row in self.rows[1:]],
            "warmup": {"wall_s": round(self.watch.warmup_wall, 2), "endpoints": self.warmup},
            "first_failures": first_failures(self.samples),
            "generator": generator,
            "cpu_steady": cpu_split(self._cpu_parts(generator["steady_cpu_s"]), before, after,
                                    self.watch.steady_wall),
        }


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _watch(barrier: Any, server: ServerProcess, args: argparse.Namespace) -> Watch:
    """The parent's part of the phases: meet the generators, note the server and machine at each edge."""
    pid, watch = server.process.pid, Watch()
    barrier.wait(BARRIER_READY_S)
    watch.load_start = tuple(round(x, 2) for x in os.getloadavg())
    watch.rss_setup, watch.rss_reset = peak_rss_mb(pid), peak_rss_reset(pid)
    cold_cpu, cold_start = tree_cpu_seconds(pid), time.monotonic()
    barrier.wait(BARRIER_SIGNED_IN_S)
    start = time.monotonic()
    watch.cold_wall, watch.cold_server_cpu = start - cold_start, tree_cpu_seconds(pid) - cold_cpu
    database = postmaster() if args.database_url else None
    barrier.wait(args.warmup + BARRIER_WARM_S)
    steady_start, first, cpu = time.monotonic(), MachineCpu.read(), tree_cpu_seconds(pid)
    database_cpu = tree_cpu_seconds(database) if database else 0.0
    watch.warmup_wall = steady_start - start
    _sleep_until(steady_start + args.seconds)
    watch.machine, watch.steady_server_cpu = (first, MachineCpu.read()), tree_cpu_seconds(pid) - cpu
    if database:  # its backends end with each request's connection: counted in the postmaster's cutime
        watch.steady_database_cpu = tree_cpu_seconds(database) - database_cpu
    watch.steady_wall = time.monotonic() - steady_start
    watch.rss_load = peak_rss_mb(pid)
    watch.load_end = tuple(round(x, 2) for x in os.getloadavg())
    return watch


def _collect(results: Any, count: int) -> list[Samples]:
    samples = []
    for _ in range(count):
        try:
            kind, value = results.get(timeout=RESULT_WAIT_S)
        except queue.Empty:
            raise RuntimeError(f"a generator process sent no results within {RESULT_WAIT_S:.0f} s") from None
        if kind == "error":
            raise RuntimeError(f"a generator process failed:\n{value}")
        samples.append(value)
    return samples


def _failed(results: Any) -> str:
    """The traceback a generator process sent before breaking the barrier, if any."""
    try:
        kind, value = results.get(timeout=5)
    except queue.Empty:
        return "(no message)"
    return str(value) if kind == "error" else "(no error)"


def _warmup(samples: list[Samples]) -> dict[str, dict[str, int]]:
    counted = {e: {"count": 0, "errors": 0} for e in ENDPOINTS[1:]}
    for sample in samples:
        for endpoint, values in sample.latencies.get("warmup", {}).items():
            counted[endpoint]["count"] += len(values)
        for endpoint, reasons in sample.failures.get("warmup", {}).items():
            counted[endpoint]["errors"] += sum(reasons.values())
    return counted


def _server_part(watch: Watch, server: ServerProcess) -> dict[str, Any]:
    return {"processes": len(process_tree(server.process.pid)),
            "peak_rss_mb": max(watch.rss_load.values(), default=None),
            "peak_rss_mb_by_process": {str(pid): mb for pid, mb in watch.rss_load.items()},
            "peak_rss_mb_setup": max(watch.rss_setup.values(), default=None),
            "peak_rss_reset_after_setup": watch.rss_reset}


def measure(server: ServerProcess, shared: Shared, plans: tuple[ClientPlan, ...], args: argparse.Namespace) -> Measured:
    """Run the clients in --generator-processes processes (spawned: no state shared by accident)."""
    context = multiprocessing.get_context("spawn")
    count = args.generator_processes
    barrier, results = context.Barrier(count + 1), context.Queue()
    processes = [context.Process(target=child_main, daemon=True, name=f"bench-load-{k}",
                                 args=(Plan(server.api, shared, plans[k::count], args.warmup, args.seconds),
                                       barrier, results))
                 for k in range(count)]
    for process in processes:
        process.start()
    try:
        try:
            watch = _watch(barrier, server, args)
        except threading.BrokenBarrierError:
            raise RuntimeError(f"the generator did not get through its phases:\n{_failed(results)}") from None
        samples = _collect(results, count)
    finally:
        barrier.abort()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join()
    rows = phase_rows(samples, "cold", watch.cold_wall) + phase_rows(samples, "steady", watch.steady_wall)
    return Measured(rows, samples, watch, _server_part(watch, server), _warmup(samples))
