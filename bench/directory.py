"""`python -m bench directory`: search over the encrypted directory cache, sync from a real server.

Builds (or reuses with --keep) a cache of N deterministic synthetic providers in a child process,
then measures in this process: (a) count and first screen (50 rows) latency of fixed queries,
sorted by name; (b) Qt's QSortFilterProxyModel over a QAbstractTableModel of Python rows, as a
baseline; (c) resident memory with the cache open and a screen loaded; (d) a full sync of
100,000 providers from the real server into an empty cache (a first fill: the snapshot, and once
the change feed, app/directory/snapshot.py and staging.py) and an incremental sync of 100 changes
made as admin; (e) the longest event-loop stall during the full sync. Writes
bench/results/directory.json. The cache of (a) to (c) is bench/directory_cache.py's.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery
from bench import report
from bench.directory_cache import KEY, build_cache, file_bytes
from bench.server_process import ROOT
from bench.stalls import StallMeter, cpu_hogs
from bench.timing import percentile
from bench.worklist import measure_worklist, print_worklist
from ui.providers.table_model import CAPPED_FROM, COUNT_CAP

RESULTS = ROOT / "bench" / "results"
SCREEN = 50
QUERIES = (("one letter", "s"), ("one word prefix", "smi"), ("two word prefixes", "jo smi"),
           ("specialty", "cardiology"), ("license prefix", "ca-001"), ("email prefix", "mary.joh"),
           ("no match", "zzqx"))


def add_parser(commands: Any) -> None:
    """Register the `directory` subcommand on `commands` (an argparse subparsers object)."""
    parser = commands.add_parser("directory", help="directory cache search and sync", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--providers", type=int, default=1_000_000, help="providers in the cache (1000000)")
    parser.add_argument("--sync-providers", type=int, default=100_000, help="providers on the server (100000)")
    parser.add_argument("--proxy-providers", type=int, default=100_000, help="rows of the Qt baseline (100000)")
    parser.add_argument("--repeats", type=int, default=20, help="runs of each query (20)")
    parser.add_argument("--keep", action="store_true", help="reuse the cache file built by an earlier run")
    parser.add_argument("--no-sync", action="store_true", help="skip the server sync part")
    parser.add_argument("--sync-runs", type=int, default=3, help="runs of the first fill and incremental sync (3)")
    parser.add_argument("--no-feed-fill", action="store_true", help="skip the one first fill from the change feed")
    parser.add_argument("--fill-providers", type=int, default=0,
                        help="also one first fill of this many providers (1000000: long; seeds a server once)")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="CPU hogs running beside the first fills (0; 2 on 2 cores: the stall on a busy machine)")
    parser.add_argument("--no-seed-way", action="store_true", help="skip the seed's way (paging GET /providers/)")
    parser.add_argument("--smoke", action="store_true",
                        help="2,000 providers, a sync of 300, one run, few repeats (seconds)")
    parser.add_argument("--output", type=Path, help="results file (bench/results/directory.json)")
    parser.set_defaults(run=run)



def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def measure_search(cache: DirectoryCache, repeats: int) -> list[dict[str, Any]]:
    """Per query: matches, and count / first screen / both latencies (p50, p95) over `repeats` runs."""
    rows = []
    for name, text in QUERIES:
        query = DirectoryQuery(text=text)
        cache.count(query), cache.rows(query, 0, SCREEN)  # warm-up
        counts, screens, on_loop = [], [], []
        capped = cache.size() >= CAPPED_FROM  # the table model counts on the loop only up to the cap
        for _ in range(repeats):
            start = time.perf_counter()
            shown = cache.rows(query, 0, SCREEN)
            screens.append(time.perf_counter() - start)
            start = time.perf_counter()
            matches = cache.count(query)  # on a worker where it is capped on the loop
            counts.append(time.perf_counter() - start)
            start = time.perf_counter()
            cache.count(query, cap=COUNT_CAP if capped else None)
            on_loop.append(time.perf_counter() - start)
        rows.append({"query": f"{name}: {text!r}", "matches": matches, "shown": len(shown),
                     "screen_p50_ms": _ms(percentile(screens, 0.5)), "screen_p95_ms": _ms(percentile(screens, 0.95)),
                     "count_p50_ms": _ms(percentile(counts, 0.5)), "count_p95_ms": _ms(percentile(counts, 0.95)),
                     "loop_count_p50_ms": _ms(percentile(on_loop, 0.5)),
                     "loop_count_p95_ms": _ms(percentile(on_loop, 0.95)),
                     "screens": screens, "counts": counts, "loop_counts": on_loop})
    return rows


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def proxy_baseline(cache: DirectoryCache, count: int, text: str, runs: int = 3) -> tuple[int, float, int]:
    """Rows, median seconds and matches of QSortFilterProxyModel filtering `count` Python rows for `text`.

    The source is a QAbstractTableModel over Python tuples (6 text columns); the proxy tests every
    column, case-insensitively, as Qt's usual setup does.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt

    display = Qt.ItemDataRole.DisplayRole
    columns = ("full_name", "professional_role", "specialization", "organization_facility", "license_number", "email")
    data = [tuple(getattr(row, c) for c in columns) for row in cache.rows(DirectoryQuery(is_active=None), 0, count)]

    class RowsModel(QAbstractTableModel):
        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
            return 0 if parent.isValid() else len(data)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
            return 0 if parent.isValid() else len(columns)

        def data(self, index: Any, role: int = display) -> Any:
            return data[index.row()][index.column()] if role == display else None

    _app = QCoreApplication.instance() or QCoreApplication([])
    model = RowsModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    times, matches = [], 0
    for _ in range(runs):
        proxy.setFilterFixedString("")
        start = time.perf_counter()
        proxy.setFilterFixedString(text)
        matches = proxy.rowCount()
        times.append(time.perf_counter() - start)
    return len(data), statistics.median(times), matches


def _make_changes(api: str, access: str, count: int) -> int:
    """Change `count` providers through the API as the administrator (their bio); how many changed."""
    with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {access}"}, timeout=60) as client:
        listed = client.get("/providers/", params={"page_size": count, "ordering": "-updated_at"}).json()["results"]
        stamp = datetime.now(UTC).isoformat()
        for row in listed:
            answer = client.patch(f"/providers/{row['id']}/", json={"bio": f"Benchmark edit {stamp}"})
            answer.raise_for_status()
    return len(listed)


async def _seed_way(api: str, access: str, page_size: int = 100) -> tuple[float, int]:
    """The seed guide's way to a directory: page through GET /providers/ (`page_size` a page), parse
    each page and keep its results; seconds and rows. Raw httpx and orjson: no model is built, so
    this is the fastest form of that way."""
    kept: list[Any] = []
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=api.rstrip("/") + "/", timeout=60,
                                 headers={"Authorization": f"Bearer {access}"}) as client:
        page = 1
        while True:
            answer = await client.get("providers/", params={"page": page, "page_size": page_size})
            answer.raise_for_status()
            body = orjson.loads(answer.content)
            kept.extend(body["results"])
            if not body.get("next"):
                break
            page += 1
    return time.perf_counter() - start, len(kept)


async def _snapshot_alone(client: Any) -> tuple[float, int]:
    """The server's part alone: the whole snapshot received and dropped; seconds and bytes."""
    start, size = time.perf_counter(), 0
    async with client.snapshot() as body:
        async for chunk in body:
            size += len(chunk)
    return time.perf_counter() - start, size


async def _fill_once(client: Any, *, snapshot: bool = True) -> dict[str, Any]:
    """One first fill into an empty throwaway cache: seconds, providers, bytes a provider, worst stall."""
    from app.directory.sync import DirectorySync

    folder = Path(tempfile.mkdtemp(prefix="providerdesk-bench-"))
    cache = DirectoryCache.open(folder / "directory.db", os.urandom(32), persistent=False)
    meter = StallMeter()
    try:
        meter.start()
        result = await DirectorySync(client, cache, snapshot=snapshot).run()
        await meter.stop()
        size = cache.size()
        await asyncio.to_thread(cache.write_connection().execute, "PRAGMA wal_checkpoint(TRUNCATE)")
        per = round(file_bytes(cache.path) / size) if size else None
    finally:
        cache.close()
        await asyncio.to_thread(folder.rmdir)
    return {"s": result.seconds, "providers": size, "pages": result.pages, "stall_ms": meter.worst * 1000,
            "late_share": meter.late_share,
            "bytes_per_provider": per}


def _median(values: list[float], digits: int = 2) -> float:
    return round(statistics.median(values), digits)


async def measure_sync(count: int, keep: bool, runs: int = 3, feed: bool = True, *, busy: int = 0,
                       seed: bool = True) -> dict[str, Any]:
    """Against one real server process of `count` providers: the server's part alone (the snapshot
    received and dropped), the seed's way (unless not `seed`), the first fill (`runs` times, into empty
    caches, with `busy` CPU hogs beside it), the old feed fill once, then 100 changes and an incremental
    sync (`runs` times)."""
    from app.api.client import ApiClient
    from app.directory.sync import DirectorySync
    from bench import server_process

    print(f"seeding {count:,} providers on the server ...", flush=True)
    seeded = await asyncio.to_thread(server_process.seeded_cache, count, keep)
    server = await asyncio.to_thread(server_process.start, seeded)
    client = ApiClient(server.api)
    folder = Path(tempfile.mkdtemp(prefix="providerdesk-bench-"))
    cache = DirectoryCache.open(folder / "directory.db", os.urandom(32), persistent=False)
    try:
        login = await client.login("admin@demo.local", "demo-pass-2026")
        client.auth.start(login.access, login.refresh)
        alone = [await _snapshot_alone(client) for _ in range(runs)]
        print(f"server's part alone (snapshot received): {[round(a[0], 2) for a in alone]} s", flush=True)
        seed_way, seed_rows = await _seed_way(server.api, login.access) if seed else (0.0, 0)
        print(f"seed's way (GET /providers/, 100 a page): {seed_rows:,} rows in {seed_way:.2f} s", flush=True)
        with cpu_hogs(busy):
            fills = [await _fill_once(client) for _ in range(runs)]
            load = os.getloadavg()[0]
        print(f"first fill (snapshot, {busy} CPU hogs, load {load:.1f}): {[round(f['s'], 2) for f in fills]} s, "
              f"stalls {[round(f['stall_ms'], 1) for f in fills]} ms, ticks a frame late "
              f"{[round(f['late_share'] * 100, 1) for f in fills]} %", flush=True)
        old = await _fill_once(client, snapshot=False) if feed else None
        if old is not None:
            print(f"first fill (change feed, the fallback): {old['s']:.2f} s, stall {old['stall_ms']:.1f} ms",
                  flush=True)
        sync = DirectorySync(client, cache)
        await sync.run()
        incremental, changed, rows = [], 0, 0
        for _ in range(runs):
            changed = await asyncio.to_thread(_make_changes, server.api, login.access, 100)
            result = await sync.run()
            incremental.append(result.seconds)
            rows = result.changed
        synced = cache.size()
    finally:
        await client.aclose()
        cache.close()
        await asyncio.to_thread(folder.rmdir)
        server.stop()
    full = _median([f["s"] for f in fills])
    return {"full_sync_providers": synced, "full_sync_s": full, "full_sync_runs_s": [round(f["s"], 2) for f in fills],
            "full_sync_pages": fills[0]["pages"], "full_sync_way": "snapshot",
            "seed_way_s": round(seed_way, 2), "seed_way_rows": seed_rows,
            "seed_way_ratio": round(seed_way / full, 1) if full and seed_way else None,
            "server_part_s": _median([a[0] for a in alone]), "server_part_runs_s": [round(a[0], 2) for a in alone],
            "snapshot_mb": round(alone[0][1] / 2**20, 1),
            "feed_fill_s": round(old["s"], 2) if old else None,
            "feed_fill_stall_ms": round(old["stall_ms"], 1) if old else None,
            "synced_cache_bytes_per_provider": fills[0]["bytes_per_provider"],
            "incremental_changes": changed, "incremental_rows": rows,
            "incremental_sync_s": _median(incremental, 3), "incremental_runs_s": [round(t, 3) for t in incremental],
            "max_stall_ms": round(max(f["stall_ms"] for f in fills), 1),
            "stall_runs_ms": [round(f["stall_ms"], 1) for f in fills], "busy_hogs": busy,
            "late_tick_share_runs": [round(f["late_share"], 4) for f in fills],
            "fill_load_average_1m": round(load, 2),
            "server_seed_s": round(seeded.seconds, 1), "server_seed_cached": seeded.cached}


async def measure_big_fill(count: int, keep: bool) -> dict[str, Any]:
    """One first fill of `count` providers (a million: --fill-providers 1000000) from a real server."""
    from app.api.client import ApiClient
    from bench import server_process

    print(f"seeding {count:,} providers on the server (once; --keep reuses them) ...", flush=True)
    seeded = await asyncio.to_thread(server_process.seeded_cache, count, keep)
    server = await asyncio.to_thread(server_process.start, seeded)
    client = ApiClient(server.api)
    try:
        login = await client.login("admin@demo.local", "demo-pass-2026")
        client.auth.start(login.access, login.refresh)
        fill = await _fill_once(client)
    finally:
        await client.aclose()
        server.stop()
    print(f"first fill of {fill['providers']:,}: {fill['s']:.1f} s, stall {fill['stall_ms']:.1f} ms", flush=True)
    return {"big_fill_providers": fill["providers"], "big_fill_s": round(fill["s"], 1),
            "big_fill_stall_ms": round(fill["stall_ms"], 1), "big_fill_bytes_per_provider": fill["bytes_per_provider"]}


def run(args: argparse.Namespace) -> int:
    if args.smoke:  # seconds: a small cache, and a sync of a few hundred providers from a real server
        args.providers, args.proxy_providers, args.repeats = 2000, 2000, 3
        args.sync_providers, args.sync_runs = min(args.sync_providers, 300), 1
    print(f"building a cache of {args.providers:,} providers ...", flush=True)
    path, built, cached = build_cache(args.providers, args.keep)
    print(f"cache: {path} ({path.stat().st_size / 2**20:.0f} MB, "
          f"{'reused' if cached else f'built in {built:.1f} s'})", flush=True)
    per_provider = round(file_bytes(path) / args.providers)
    cache = DirectoryCache.open(path, KEY)
    try:
        cache.rows(DirectoryQuery(), 0, SCREEN)
        rss_open = rss_mb()
        search = measure_search(cache, args.repeats)
        worklist = measure_worklist(cache, args.repeats)
        rss = max(rss_open, rss_mb())
        proxy = proxy_baseline(cache, min(args.proxy_providers, args.providers), "smi")
    finally:
        cache.close()
    sync: dict[str, Any] = {}
    if not args.no_sync:
        sync = asyncio.run(measure_sync(args.sync_providers, args.keep, args.sync_runs, not args.no_feed_fill,
                                        busy=args.busy, seed=not args.no_seed_way))
    if args.fill_providers:
        sync.update(asyncio.run(measure_big_fill(args.fill_providers, args.keep)))
    summary = {**_summary(args, search, rss, proxy, sync, built, cached), "cache_bytes_per_provider": per_provider,
               "worklist": worklist}
    _print(summary, search)
    print_worklist(worklist)
    output = Path(args.output) if args.output else RESULTS / "directory.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"results written to {output}")
    return 0


def _summary(args: argparse.Namespace, search: list[dict[str, Any]], rss: float, proxy: tuple[int, float, int],
             sync: dict[str, Any], built: float, cached: bool) -> dict[str, Any]:
    screens = [s for row in search for s in row["screens"]]
    counts = [s for row in search for s in row["counts"]]
    on_loop = [s for row in search for s in row["loop_counts"]]
    smi = next(row for row in search if row["query"].startswith("one word"))
    ours = percentile(smi["screens"], 0.5) + percentile(smi["counts"], 0.5)
    return {
        "benchmark": "directory", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": report.machine_info(), "providers": args.providers,
        "build_s": round(built, 1), "build_cached": cached,
        "search_first_screen_ms_p50": _ms(percentile(screens, 0.5)),
        "search_first_screen_ms_p95": _ms(percentile(screens, 0.95)),
        "search_count_ms_p50": _ms(percentile(counts, 0.5)),
        "search_count_ms_p95": _ms(percentile(counts, 0.95)),
        "search_loop_count_ms_p95": _ms(percentile(on_loop, 0.95)),  # what the event loop pays (capped)
        "proxy_baseline_providers": proxy[0], "proxy_baseline_ms_median": _ms(proxy[1]),
        "proxy_baseline_matches": proxy[2], "proxy_query": "smi",
        "speedup_vs_proxy_same_query": round(proxy[1] / ours, 1) if ours else None,
        "rss_mb": rss,
        "full_sync_providers": sync.get("full_sync_providers"), "full_sync_s": sync.get("full_sync_s"),
        "seed_way_s": sync.get("seed_way_s"), "seed_way_ratio": sync.get("seed_way_ratio"),
        "server_part_s": sync.get("server_part_s"), "feed_fill_s": sync.get("feed_fill_s"),
        "incremental_sync_s": sync.get("incremental_sync_s"), "max_stall_ms": sync.get("max_stall_ms"),
        "busy_hogs": sync.get("busy_hogs"), "fill_load_average_1m": sync.get("fill_load_average_1m"),
        "big_fill_stall_ms": sync.get("big_fill_stall_ms"),
        "big_fill_providers": sync.get("big_fill_providers"), "big_fill_s": sync.get("big_fill_s"),
        "sync": sync,
        "queries": [{k: v for k, v in row.items() if k not in ("screens", "counts", "loop_counts")} for row in search],
    }


def _print(summary: dict[str, Any], search: list[dict[str, Any]]) -> None:
    columns = ("query", "matches", "screen_p50_ms", "screen_p95_ms", "count_p50_ms", "count_p95_ms",
               "loop_count_p95_ms")
    cells = [list(columns)] + [[str(row[c]) for c in columns] for row in search]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    print()
    for line in cells:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths,
                                                                                                      strict=True))))
    print()
    for key in ("providers", "search_first_screen_ms_p50", "search_first_screen_ms_p95", "search_count_ms_p95",
                "search_loop_count_ms_p95",
                "proxy_baseline_providers", "proxy_baseline_ms_median", "speedup_vs_proxy_same_query", "rss_mb",
                "cache_bytes_per_provider", "full_sync_providers", "full_sync_s", "seed_way_s", "seed_way_ratio",
                "server_part_s", "feed_fill_s", "incremental_sync_s", "max_stall_ms", "busy_hogs",
                "fill_load_average_1m", "big_fill_providers", "big_fill_s", "big_fill_stall_ms"):
        print(f"{key:32} {summary[key]}")
    print(f"{'median of all query samples':32} {statistics.median([s for r in search for s in r['screens']]):.4f} s")
