"""`python -m bench load`: N clients at once against the real server, a facility's day compressed.

Seeds N demo providers (SQLite: the cached folder of `bench server`, copied so the run's writes
never reach it; PostgreSQL: a fresh database, dropped after), starts `python -m server serve` on
127.0.0.1, registers the run's provider accounts through the API, and runs a closed loop of
--clients clients (no think time: each sends its next request when the last is answered, so the
rate is the server's capacity for this mix and the latency what that many people clicking at once
wait). Phases: all clients sign in at the same moment ("cold", reported apart; then each reuses
its token, signing in again only before it expires); warm-up, not counted (--warmup seconds, and
until every client has run each of its operations once); the steady phase of --seconds, counted.

Who the clients are, of every 5: 2 providers (the demo provider, then providers registered for the
run), 2 facility administrators and 1 credentialing officer (the demo staff accounts, a session
each): a facility's staff look people up, its providers keep their own record, a few officers work
the credentialing queue. What each does, in percent of its operations (bench/load_mix.py, MIX):
- provider: its dashboard 25 (the page it opens first and comes back to), search 20, list 15,
  detail 15, profile PATCH 10 (a new bio, with the last answer's ETag), change feed 10, hospitals 5;
- facility administrator: list, search and detail 25 each (looking people up is the job), change
  feed 10, staff dashboard 9, hospitals 6;
- credentialing officer: a decision 50 (the pending queue, the provider's record, then verified,
  or rejected one time in five: three requests), staff dashboard 10, change feed 10, search 10,
  detail 10, list 5, hospitals 5.
The change feed stands for every desktop's background sync: polled from the feed's head at the
run's start (read from the snapshot's first line), each client following its own cursor, so it
carries the run's own edits and decisions. List pages are mostly the first few (an exponential
tail, mean 4, reaches deep ones); search terms are 2 to 4 letters of names, or "ma smi". A day's
sign-ins are too few to weigh in a closed loop that squeezes the day into seconds; --sign-ins P
adds them as P percent of every client's operations, to see whether password hashing starves
the other requests. --reads-only leaves the writes out (profile PATCHes, decisions): the read mix,
to compare `serve --workers N` with one worker.

The generator is httpx on one asyncio loop per process (--generator-processes spreads the clients
over several). Measured against the server's hospitals list, 20 clients: about 1.0 ms of the
generator's CPU a request, asyncio and threads alike (threads 1.0-1.4 ms). Its own CPU is reported
(process CPU / wall, per process) beside the server's (its process tree, from /proc) and the rest
of the machine's over the steady phase.
Writes bench/results/load[-postgresql].json.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import load_run, report, server_process
from bench.load_mix import MIX, ROLE_WEIGHTS, roles_for
from bench.load_setup import prepare
from bench.load_stats import LOAD_COLUMNS, LoadRow
from bench.server import SERVER_THREADS
from bench.server_process import ROOT, Seeded, ServerProcess

RESULTS = ROOT / "bench" / "results"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}  # "" is a Unix socket
# Bounds on what one run may ask for (the run is bounded in count and time).
LIMITS = {"clients": (1, 1000), "seconds": (1, 3600), "warmup": (0, 600), "providers": (50, 1_000_000),
          "workers": (1, 64), "threads": (1, 256), "generator_processes": (1, 16), "sign_ins": (0, 50)}
GENERATOR_BUSY = 0.8  # a generator process above this share of a core may be what limits the rate


def add_parser(commands: Any) -> None:
    """Register the `load` subcommand on `commands` (an argparse subparsers object)."""
    parser = commands.add_parser("load", help="N clients at once: a facility's mix of reads and writes",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="clients at once (50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the steady phase (30)")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="warm-up after the sign-ins, not counted (10 s, and every operation once)")
    parser.add_argument("--sign-ins", type=float, default=0.0, metavar="PERCENT",
                        help="sign-ins in the steady mix, percent of each client's operations (0)")
    parser.add_argument("--reads-only", action="store_true",
                        help="the read mix: no profile PATCHes and no credentialing decisions")
    parser.add_argument("--providers", type=int, default=20_000, help="demo providers to seed (20000)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the seeded folder cached in bench/.cache/server-N (SQLite only)")
    parser.add_argument("--database-url", metavar="URL",
                        help="a PostgreSQL server on this machine (postgres://postgres@127.0.0.1:5432/test): "
                             "a fresh database is created there, used and dropped")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (`serve --workers N`: gunicorn); without it one waitress process")
    parser.add_argument("--threads", type=int, default=SERVER_THREADS, help="server threads (`serve --threads`)")
    parser.add_argument("--generator-processes", type=int, default=1,
                        help="processes the clients are spread over (1; 2 when one is near a full core)")
    parser.add_argument("--output", type=Path, help="results file (bench/results/load[-postgresql].json)")
    parser.set_defaults(run=run)


def _check(args: argparse.Namespace) -> None:
    for name, (low, high) in LIMITS.items():
        if getattr(args, name) is not None and not low <= getattr(args, name) <= high:
            raise RuntimeError(f"--{name.replace('_', '-')} must be between {low} and {high}")
    if args.database_url and urlsplit(args.database_url).hostname not in LOOPBACK | {None}:
        raise RuntimeError("--database-url must name a PostgreSQL server on this machine (127.0.0.1)")


def serve_arguments(workers: int | None) -> list[str]:
    """`serve --workers N` (gunicorn's worker processes) when asked for; else one waitress process."""
    return [] if workers is None else ["--workers", str(workers)]


def _seeded(args: argparse.Namespace, stack: ExitStack) -> Seeded:
    temporary = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pd-load-")))
    if args.database_url:
        database_url = server_process.postgres_create(args.database_url)
        stack.callback(server_process.postgres_drop, database_url)
        return server_process.seed(temporary / "data", args.providers, database_url)
    cached = server_process.seeded_cache(args.providers, args.keep)
    shutil.copytree(cached.data_dir, temporary / "data")  # the run writes: the cache stays as seeded
    return dataclasses.replace(cached, data_dir=temporary / "data")


def _summary(args: argparse.Namespace, seeded: Seeded, extra: list[str], measured: load_run.Measured,
             server: ServerProcess) -> dict[str, Any]:
    roles = roles_for(args.clients)
    return {
        "benchmark": "load",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": report.machine_info(),
        "database": "postgresql" if args.database_url else "sqlite",
        "providers": args.providers,
        "seed": {"seconds": round(seeded.seconds, 2), "cached": seeded.cached},
        "clients": args.clients,
        "roles": {role: roles.count(role) for role in ROLE_WEIGHTS},
        "mix_percent": MIX,
        "warmup_s": args.warmup,
        "sign_in_percent": args.sign_ins,
        "reads_only": args.reads_only,
        "seconds": args.seconds,
        **measured.summary(),
        "server": {"threads": args.threads, "workers": args.workers, "serve_arguments": extra,
                   **measured.server, "log_problems": server.problems[:10],
                   "waitress_queue_warnings": {"count": server.queue_warnings, "max_depth": server.queue_depth_max}},
    }


def _output(args: argparse.Namespace) -> Path:
    if args.output:
        return Path(args.output)
    return RESULTS / ("load-postgresql.json" if args.database_url else "load.json")


def _print(summary: dict[str, Any], rows: list[LoadRow], output: Path) -> None:
    print()
    # table() reads any record with the columns' attributes
    print(report.table(rows, LOAD_COLUMNS))  # type: ignore[arg-type]
    steady, cold = summary["steady"][-1], summary["cold"]
    print(f"\n{summary['clients']} clients, {summary['seconds']:.0f} s steady on {summary['database']}: "
          f"{steady['rps']} requests/s, p50 {steady['p50_ms']} ms, p95 {steady['p95_ms']} ms, "
          f"p99 {steady['p99_ms']} ms, {steady['errors']} errors")
    print(f"cold: {summary['clients']} sign-ins at once took {cold['wall_s']} s "
          f"(server CPU {cold['server_cpu_s']} s); warm-up {summary['warmup']['wall_s']} s")
    generator, cpu = summary["generator"], summary["cpu_steady"]
    print(f"generator: {generator['processes']} process(es), {generator['steady_cpu_s']} CPU s in "
          f"{cpu['wall_s']} s = {generator['steady_cores']} of a core "
          f"(per process: {', '.join(str(p['cores']) for p in generator['per_process'])})")
    for process in generator["per_process"]:
        if process["cores"] > GENERATOR_BUSY:
            print(f"  a generator process used {process['cores']} of a core: it may limit the rate "
                  "(try --generator-processes 2)")
    database = f"PostgreSQL (all its databases) {cpu['postgresql_s']} s, " if "postgresql_s" in cpu else ""
    print(f"CPU over the steady phase ({cpu['cores']} cores x {cpu['wall_s']} s = {cpu['core_seconds']} s): "
          f"server {cpu['server_s']} s, generator {cpu['generator_s']} s, {database}other processes "
          f"{cpu['other_processes_s']} s, idle {cpu['idle_s']} s")
    server = summary["server"]
    print(f"server peak RSS during the load: {server['peak_rss_mb']} MB over {server['processes']} process(es) "
          f"(after setup: {server['peak_rss_mb_setup']} MB)")
    load = summary["load_average"]
    print(f"load average (1, 5, 15 min): start {load['start']}, end {load['end']} on {os.cpu_count()} cores")
    queue = server["waitress_queue_warnings"]
    print(f"waitress 'Task queue depth' warnings: {queue['count']} (deepest {queue['max_depth']})")
    for endpoint, text in summary["first_failures"].items():
        print(f"first failure, {endpoint}: {text}")
    for line in server["log_problems"]:
        print(f"server log: {line}")
    print(f"results written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


def run(args: argparse.Namespace) -> int:
    """Seed, serve, register, load, report; the server is stopped (and a PostgreSQL database dropped) always."""
    _check(args)
    extra = serve_arguments(args.workers)
    with ExitStack() as stack:
        print(f"seeding {args.providers:,} providers ...", flush=True)
        seeded = _seeded(args, stack)
        print(f"seed: {seeded.seconds:.1f} s{' (cached)' if seeded.cached else ''}", flush=True)
        server = server_process.start(seeded, threads=args.threads, extra=extra)
        stack.callback(server.stop)
        print(f"server: {server.api} (pid {server.process.pid}) {' '.join(extra) or 'one waitress process'}",
              flush=True)
        if urlsplit(server.api).hostname != "127.0.0.1":
            raise RuntimeError(f"the server is not on 127.0.0.1: {server.api}")
        shared, plans = prepare(server.api, args.clients, args.sign_ins, reads_only=args.reads_only)
        print(f"{args.clients} clients; cold sign-in, {args.warmup:.0f} s warm-up, {args.seconds:.0f} s steady ...",
              flush=True)
        measured = load_run.measure(server, shared, plans, args)
        summary = _summary(args, seeded, extra, measured, server)
        output = _output(args)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(summary, indent=1) + "\n")
        _print(summary, measured.rows, output)
    return 0
