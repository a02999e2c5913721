"""The load benchmark's numbers: per-endpoint rows from the generators' samples, and CPU and memory from /proc."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.load_driver import Samples
from bench.load_mix import COLD, ENDPOINTS
from bench.timing import percentile

TICK = os.sysconf("SC_CLK_TCK")
ALL = "all (steady mix)"


@dataclass(frozen=True)
class LoadRow:
    """One endpoint in one phase: answers as expected, failures by status (or exception), rate, latency."""

    endpoint: str
    count: int
    errors: int
    rps: float
    share_pct: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    failures: str  # "500: 3, ReadTimeout: 1"


LOAD_COLUMNS = (("endpoint", "endpoint"), ("count", "count"), ("err", "errors"), ("req/s", "rps"),
                ("share %", "share_pct"), ("p50 ms", "p50_ms"), ("p95 ms", "p95_ms"), ("p99 ms", "p99_ms"),
                ("max ms", "max_ms"), ("failures", "failures"))


def _ms(values: list[float], fraction: float) -> float:
    return round(percentile(values, fraction) * 1000, 1)


def _row(endpoint: str, latencies: list[float], failures: dict[str, int], seconds: float, total: int) -> LoadRow:
    count, errors = len(latencies), sum(failures.values())
    return LoadRow(
        endpoint=endpoint, count=count, errors=errors, rps=round(count / seconds, 1) if seconds > 0 else 0.0,
        share_pct=round(100 * (count + errors) / total, 1) if total else 0.0,
        p50_ms=_ms(latencies, 0.50), p95_ms=_ms(latencies, 0.95), p99_ms=_ms(latencies, 0.99),
        max_ms=round(max(latencies, default=0.0) * 1000, 1),
        failures=", ".join(f"{reason}: {n}" for reason, n in sorted(failures.items())),
    )


def _merged(samples: list[Samples], phase: str) -> tuple[dict[str, list[float]], dict[str, dict[str, int]]]:
    latencies: dict[str, list[float]] = {e: [] for e in ENDPOINTS}
    failures: dict[str, dict[str, int]] = {e: {} for e in ENDPOINTS}
    for sample in samples:
        for endpoint, values in sample.latencies.get(phase, {}).items():
            latencies[endpoint] += values
        for endpoint, reasons in sample.failures.get(phase, {}).items():
            for reason, n in reasons.items():
                failures[endpoint][reason] = failures[endpoint].get(reason, 0) + n
    return latencies, failures


def phase_rows(samples: list[Samples], phase: str, seconds: float) -> list[LoadRow]:
    """A row per endpoint of the phase (those it ever sends), then the whole mix's row (not for the cold one)."""
    latencies, failures = _merged(samples, phase)
    total = sum(len(v) for v in latencies.values()) + sum(sum(f.values()) for f in failures.values())
    endpoints = [e for e in ENDPOINTS if (e == COLD) == (phase == "cold")]
    rows = [_row(e, latencies[e], failures[e], seconds, total) for e in endpoints]
    if phase == "cold":
        return rows
    every: dict[str, int] = {}
    for reasons in failures.values():
        for reason, n in reasons.items():
            every[reason] = every.get(reason, 0) + n
    answered = [latency for values in latencies.values() for latency in values]
    return [*rows, _row(ALL if phase == "steady" else f"all ({phase})", answered, every, seconds, total)]


def first_failures(samples: list[Samples]) -> dict[str, str]:
    found: dict[str, str] = {}
    for sample in samples:
        for endpoint, text in sample.first_failure.items():
            found.setdefault(endpoint, text)
    return found


# ---- /proc: the server's process tree, its CPU and memory, and the machine's CPU ----


def _stat(pid: int) -> tuple[str, list[str]] | None:
    """A process's command name, and /proc/PID/stat from field 3 on (the name, in parentheses, may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()


def _processes() -> dict[int, tuple[str, int]]:
    """Every process now: its command name and its parent."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = (stat[0], int(stat[1][1]))
    return found


def postmaster() -> int | None:
    """The PostgreSQL server's main process on this machine (a `postgres` whose parent is not one), if any."""
    processes = _processes()
    for pid, (name, parent) in sorted(processes.items()):
        if name == "postgres" and processes.get(parent, ("", 0))[0] != "postgres":
            return pid
    return None


def process_tree(root: int) -> list[int]:
    """`root` and every process descending from it (worker processes, once the server has them)."""
    children: dict[int, list[int]] = {}
    for pid, (_name, parent) in _processes().items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of `root`'s live tree, plus its children already reaped (counted in root's cutime)."""
    ticks = 0
    for pid in process_tree(root):
        if (stat := _stat(pid)) is not None:
            fields = stat[1]
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            if pid == root:
                ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICK


def peak_rss_mb(root: int) -> dict[int, float]:
    """Each process's peak resident memory (VmHWM) in the tree of `root`."""
    peaks = {}
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = round(int(line.split()[1]) / 1024, 1)
    return peaks


def peak_rss_reset(root: int) -> bool:
    """Start each process's VmHWM afresh (so the peak reported is the load's, not the setup's)."""
    done = True
    for pid in process_tree(root):
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            done = False
    return done


@dataclass(frozen=True)
class MachineCpu:
    """The machine's CPU time so far, in seconds summed over its cores: busy and idle."""

    busy: float
    idle: float

    @staticmethod
    def read() -> MachineCpu:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]  # idle, iowait
        busy = sum(values[:8]) - idle  # user nice system idle iowait irq softirq steal (guest is in user)
        return MachineCpu(busy / TICK, idle / TICK)


def cpu_split(parts: dict[str, float], before: MachineCpu, after: MachineCpu, wall_s: float) -> dict[str, float]:
    """How the machine's cores were spent over `wall_s`: `parts` ("server": CPU seconds, ...), the
    other processes, idle; and each part's share of a core."""
    busy, idle = after.busy - before.busy, after.idle - before.idle
    return {
        "wall_s": round(wall_s, 2), "cores": os.cpu_count() or 1,
        "core_seconds": round((os.cpu_count() or 1) * wall_s, 1),
        **{f"{name}_s": round(seconds, 1) for name, seconds in parts.items()},
        "other_processes_s": round(max(0.0, busy - sum(parts.values())), 1), "idle_s": round(idle, 1),
        **{f"{name}_cores": round(seconds / wall_s, 2) for name, seconds in parts.items()},
    }
