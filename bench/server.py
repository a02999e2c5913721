"""`python -m bench server`: latency and throughput of the reference server's directory reads.

Seeds N demo providers (or reuses the cached folder with --keep), starts the real server
process on 127.0.0.1, signs in as the demo facility administrator, reads the whole snapshot
(plain and gzipped, several times each, then 8 clients at once), walks the whole change feed,
and measures each endpoint (lists, search, detail, dropdown, health, staff dashboard, hospitals)
with one client in sequence and with 8 clients at once. Prints
tables and writes bench/results/server.json; the server's peak RSS covers all of it.
"""
from __future__ import annotations

import argparse
import math
import random
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import report, server_process
from bench.feed_walk import FeedRow, SnapshotRead, feed_row, read_snapshot, walk_feed, walks_concurrent
from bench.server_process import ROOT, Seeded, ServerProcess
from bench.timing import Row, Send, measure, percentile

ADMIN_EMAIL = "admin@demo.local"
DEMO_PASSWORD = "demo-pass-2026"
SERVER_THREADS = 8
CLIENTS = 8
BUDGET_SECONDS = 30.0
FEED_LIMIT = 5000
FEED_TARGET_SECONDS = 10.0
FEED_CONCURRENT_BUDGET = 180.0
SNAPSHOT_TARGET_SECONDS = 1.5
SNAPSHOT_RUNS = 5
LAN_BYTES_PER_SECOND = 100e6 / 8  # a 100 Mbit/s LAN, its payload only
SEARCH_PREFIX = "smi"
RESULTS = ROOT / "bench" / "results"


def add_parser(commands: Any) -> None:
    """Register the `server` subcommand on `commands` (an argparse subparsers object)."""
    parser = commands.add_parser("server", help="the reference server's read endpoints and change feed",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--providers", type=int, default=100_000, help="demo providers to seed (100000)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the seeded folder cached in bench/.cache/server-N (SQLite only)")
    parser.add_argument("--requests", type=int, default=50,
                        help="requests of the single client; each of the 8 concurrent clients sends half")
    parser.add_argument("--database-url", metavar="URL",
                        help="a PostgreSQL server (postgres://postgres@127.0.0.1:5432/postgres): "
                             "a fresh database is created there, used and dropped")
    parser.add_argument("--output", type=Path, help="results file (bench/results/server[-postgresql].json)")
    parser.set_defaults(run=run)


class Session:
    """The demo administrator's access token, renewed by signing in again before it expires."""

    def __init__(self, api: str) -> None:
        self.api = api
        self._token = ""
        self._at: float | None = None  # not 0.0: the monotonic clock starts near 0 when the machine boots

    def token(self) -> str:
        if self._at is None or time.monotonic() - self._at > 600:  # access tokens live 15 minutes
            with httpx.Client(base_url=self.api, timeout=60) as client:
                answer = client.post("/auth/login/", json={"email": ADMIN_EMAIL, "password": DEMO_PASSWORD})
            if answer.status_code != 200:
                raise RuntimeError(f"login as {ADMIN_EMAIL} failed: {answer.status_code} {answer.text[:300]}"
                                   " (does `seed-demo` create the demo accounts yet?)")
            self._token, self._at = answer.json()["access"], time.monotonic()
        return self._token

    def client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token()}"}
        return httpx.Client(base_url=self.api, headers=headers, timeout=120)


@dataclass(frozen=True)
class Probe:
    """One kind of request to measure, the status it must answer, and a note on its data."""

    name: str
    send: Send
    expect: int = 200
    note: str = ""


def _get(path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Send:
    return lambda client, _i: client.get(path, params=params, headers=headers)


def _json(client: httpx.Client, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params)
    answer.raise_for_status()
    return answer.json()


def _sample_ids(client: httpx.Client, count: int, rng: random.Random) -> list[str]:
    """Ids from three random list pages of 500, shuffled (the detail probe's targets)."""
    pages = max(1, math.ceil(count / 500))
    ids = [row["id"] for page in rng.sample(range(1, pages + 1), min(3, pages))
           for row in _json(client, "/providers/", page=page, page_size=500)["results"]]
    rng.shuffle(ids)
    return ids


def _two_words(client: httpx.Client, found: list[dict[str, Any]]) -> str:
    """A first-name prefix and the common last-name prefix ("ma smi"), as a person would type."""
    source = found or _json(client, "/providers/", page=1)["results"]
    first = source[0]
    last = SEARCH_PREFIX if found else first["last_name"][:3].lower()
    return f"{first['first_name'][:2].lower()} {last}"


def _probes(session: Session) -> list[Probe]:
    """The probes, with targets read from the seeded data (last page, ids, ETag, queries)."""
    rng = random.Random(2026)
    with session.client() as client:
        count = _json(client, "/providers/", page=1)["count"]
        last = max(1, math.ceil(count / 50))
        ids = _sample_ids(client, count, rng)
        found = _json(client, "/providers/search/", q=SEARCH_PREFIX)
        two = _two_words(client, found)
        two_found = len(_json(client, "/providers/search/", q=two))
        listed = _json(client, "/providers/", search=SEARCH_PREFIX, page=1)["count"]
        etag = client.get("/providers/dropdown/").headers.get("ETag", "")
    detail: Send = lambda c, i: c.get(f"/providers/{ids[i % len(ids)]}/")  # noqa: E731 (a short Send)
    return [
        Probe("list page 1", _get("/providers/", {"page": 1}), note=f"count={count}"),
        Probe(f"list page {last} (last)", _get("/providers/", {"page": last, "page_size": 50})),
        Probe(f"search q={SEARCH_PREFIX}", _get("/providers/search/", {"q": SEARCH_PREFIX}),
              note=f"{len(found)} results"),
        Probe(f"search q='{two}'", _get("/providers/search/", {"q": two}), note=f"{two_found} results"),
        Probe(f"list search={SEARCH_PREFIX}", _get("/providers/", {"search": SEARCH_PREFIX}),
              note=f"count={listed}"),
        Probe("detail (random id)", detail, note=f"{len(ids)} ids"),
        Probe("dropdown (full body)", _get("/providers/dropdown/")),
        Probe("health", _get("/health/")),
        Probe("staff dashboard", _get("/dashboard/"), note="cached by the directory's revision"),
        Probe("hospitals", _get("/hospitals/"), note="cached by the directory's revision"),
        Probe("dropdown If-None-Match", _get("/providers/dropdown/", headers={"If-None-Match": etag}),
              expect=304),
    ]


def _measure_probe(session: Session, probe: Probe, requests: int) -> list[Row]:
    with session.client() as client:
        probe.send(client, 0)  # warm-up, not counted
    single = measure(probe.name, session.client, probe.send, clients=1, count=requests,
                     budget=BUDGET_SECONDS, expect=probe.expect, note=probe.note)
    many = measure(probe.name, session.client, probe.send, clients=CLIENTS, count=max(1, requests // 2),
                   budget=BUDGET_SECONDS, expect=probe.expect, note=probe.note)
    return [single, many]


def _feed(session: Session) -> list[FeedRow]:
    """One walk of the whole feed; then 8 at once when one walk is quick enough to bound them."""
    start = time.perf_counter()
    single = walk_feed(session.client, limit=FEED_LIMIT, deadline=time.monotonic() + 120)
    unique = f"{len(single.ids)} unique ids"
    rows = [feed_row("changes walk", [single], 1, time.perf_counter() - start, unique)]
    print(f"  change feed walk: {single.seconds:.2f} s, {single.rows} rows, {single.pages} pages", flush=True)
    if not single.complete or single.seconds * CLIENTS > FEED_CONCURRENT_BUDGET * 2:
        return rows
    start = time.perf_counter()
    walks = walks_concurrent(session.client, clients=CLIENTS, limit=FEED_LIMIT,
                             deadline=time.monotonic() + FEED_CONCURRENT_BUDGET)
    rows.append(feed_row("changes walk", walks, CLIENTS, time.perf_counter() - start))
    return rows


@dataclass(frozen=True)
class SnapshotRow:
    """Reads of the snapshot with one encoding: `runs` one after the other, or `clients` at once."""

    name: str
    clients: int
    runs: int
    complete: int
    rows: int
    median_s: float
    min_s: float
    max_s: float
    first_byte_ms: float
    wire_mb: float
    lan_100mbit_s: float
    note: str = ""


SNAPSHOT_COLUMNS = (("snapshot", "name"), ("clients", "clients"), ("runs", "runs"), ("done", "complete"),
                    ("rows", "rows"), ("median s", "median_s"), ("min s", "min_s"), ("max s", "max_s"),
                    ("first byte ms", "first_byte_ms"), ("sent MB", "wire_mb"),
                    ("100 Mbit/s s", "lan_100mbit_s"), ("note", "note"))


def _snapshot_row(name: str, reads: list[SnapshotRead], clients: int) -> SnapshotRow:
    times = sorted(r.seconds for r in reads if r.complete) or [0.0]
    wire = max((r.wire_bytes for r in reads), default=0)
    errors = "; ".join(sorted({r.error for r in reads if r.error}))
    return SnapshotRow(
        name=name, clients=clients, runs=len(reads), complete=sum(r.complete for r in reads),
        rows=max((r.rows for r in reads), default=0), median_s=round(percentile(times, 0.5), 2),
        min_s=round(times[0], 2), max_s=round(times[-1], 2),
        first_byte_ms=round(percentile(sorted(r.first_byte_ms for r in reads), 0.5), 1),
        wire_mb=round(wire / 1e6, 1), lan_100mbit_s=round(wire / LAN_BYTES_PER_SECOND, 2), note=errors,
    )


def _snapshots(session: Session) -> list[SnapshotRow]:
    """The whole snapshot, plain and gzipped, SNAPSHOT_RUNS times each in turn; then 8 clients at once."""
    rows = []
    read_snapshot(session.client, gzip=True)  # warm-up, not counted
    for gzip in (False, True):
        name = "gzip" if gzip else "plain"
        reads = []
        for _ in range(SNAPSHOT_RUNS):
            reads.append(read_snapshot(session.client, gzip=gzip))
        rows.append(_snapshot_row(name, reads, 1))
        print(f"  snapshot {name}: median {rows[-1].median_s} s of {len(reads)} "
              f"({', '.join(f'{r.seconds:.2f}' for r in reads)}), {rows[-1].wire_mb} MB", flush=True)
    many: list[SnapshotRead] = []
    threads = [threading.Thread(target=lambda: many.append(read_snapshot(session.client, gzip=True)))
               for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows.append(_snapshot_row("gzip", many, CLIENTS))
    return rows


def _seeded(args: argparse.Namespace, stack: ExitStack) -> Seeded:
    if not args.database_url:
        return server_process.seeded_cache(args.providers, args.keep)
    database_url = server_process.postgres_create(args.database_url)
    stack.callback(server_process.postgres_drop, database_url)
    data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pd-bench-")))
    return server_process.seed(data_dir / "data", args.providers, database_url)


def _summary(
    args: argparse.Namespace, seeded: Seeded, server: ServerProcess, feed: list[FeedRow],
    snapshots: list[SnapshotRow],
) -> dict[str, Any]:
    walk = feed[0] if feed else None
    met = bool(walk and walk.complete and walk.seconds < FEED_TARGET_SECONDS)
    single = {row.name: row for row in snapshots if row.clients == 1}
    return {
        "benchmark": "server",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": report.machine_info(),
        "database": "postgresql" if args.database_url else "sqlite",
        "providers": args.providers,
        "server_threads": SERVER_THREADS,
        "seed": {"seconds": round(seeded.seconds, 2), "cached": seeded.cached,
                 "output": seeded.output[-300:]},
        "requests": {"single": args.requests, "concurrent": f"{CLIENTS}x{max(1, args.requests // 2)}",
                     "budget_s_per_row": BUDGET_SECONDS},
        "feed_target": {"seconds": FEED_TARGET_SECONDS, "walk_seconds": walk.seconds if walk else None,
                        "met": met},
        "snapshot_target": {
            "seconds": SNAPSHOT_TARGET_SECONDS,
            **{f"{name}_median_s": row.median_s for name, row in single.items()},
            "met": all(row.complete == row.runs and row.median_s <= SNAPSHOT_TARGET_SECONDS
                       for row in single.values()),
        },
        "snapshot": [asdict(row) for row in snapshots],
        "server_peak_rss_mb": server.peak_rss_mb(),
        "server_log_problems": server.problems[:10],
        "waitress_queue_warnings": {"count": server.queue_warnings, "max_depth": server.queue_depth_max},
    }


def _output(args: argparse.Namespace) -> Path:
    if args.output:
        return Path(args.output)
    return RESULTS / ("server-postgresql.json" if args.database_url else "server.json")


def _print_end(summary: dict[str, Any], rows: list[Row], feed: list[FeedRow], snapshots: list[SnapshotRow],
               output: Path) -> None:
    print()
    print(report.table(rows, report.ROW_COLUMNS))
    print()
    print(report.table(feed, report.FEED_COLUMNS))
    print()
    print(report.table(snapshots, SNAPSHOT_COLUMNS))  # type: ignore[arg-type]  (the same kind of record)
    snap = summary["snapshot_target"]
    print(f"\nsnapshot, server's part: plain {snap.get('plain_median_s')} s, gzip {snap.get('gzip_median_s')} s "
          f"(medians of {SNAPSHOT_RUNS}; target <= {SNAPSHOT_TARGET_SECONDS} s: "
          f"{'met' if snap['met'] else 'NOT MET'})")
    target = summary["feed_target"]
    verdict = "met" if target["met"] else "NOT MET"
    print(f"\nfull change feed walk: {target['walk_seconds']} s for {summary['providers']:,} providers "
          f"(target < {FEED_TARGET_SECONDS:.0f} s: {verdict})")
    print(f"server peak RSS: {summary['server_peak_rss_mb']} MB")
    queue = summary["waitress_queue_warnings"]
    print(f"waitress 'Task queue depth' warnings: {queue['count']} (deepest {queue['max_depth']})")
    for line in summary["server_log_problems"]:
        print(f"server log: {line}")
    print(f"results written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


def _bench(args: argparse.Namespace, seeded: Seeded, server: ServerProcess) -> None:
    session = Session(server.api)
    session.token()  # sign in now, so that no timing includes it
    rows: list[Row] = []
    snapshots = _snapshots(session)
    feed = _feed(session)
    for probe in _probes(session):
        measured = _measure_probe(session, probe, args.requests)
        for row in measured:
            print(f"  {row.name}, {row.clients} client(s): {row.count} ok, {row.errors} errors, "
                  f"p50 {row.p50_ms} ms, p95 {row.p95_ms} ms, {row.rps} req/s", flush=True)
        rows += measured
    summary = _summary(args, seeded, server, feed, snapshots)
    output = _output(args)
    report.write_json(output, summary, rows, feed)
    _print_end(summary, rows, feed, snapshots, output)


def run(args: argparse.Namespace) -> int:
    """Seed, serve, measure, report; the server is stopped (and a PostgreSQL database dropped) always."""
    with ExitStack() as stack:
        print(f"seeding {args.providers:,} providers ...", flush=True)
        seeded = _seeded(args, stack)
        state = "cached, from the run that seeded it" if seeded.cached else "seed-demo wall time"
        print(f"seed: {seeded.seconds:.1f} s ({state}) {seeded.output}", flush=True)
        server = server_process.start(seeded, threads=SERVER_THREADS)
        stack.callback(server.stop)
        print(f"server: {server.api} (pid {server.process.pid})", flush=True)
        try:
            _bench(args, seeded, server)
        except Exception:
            _print_server_state(server)
            raise
    return 0


def _print_server_state(server: ServerProcess) -> None:
    """After a failure: is the server still running, and what did it print last."""
    try:  # a server stopped by SIGTERM or SIGINT from elsewhere closes its socket, then exits 0
        code: int | None = server.process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        code = None
    state = "still running" if code is None else f"exited with {code}"
    tail = "".join(list(server.output)[-40:])
    print(f"the benchmark failed; the server process {state}; its last output:\n{tail}", flush=True)
