"""`python -m bench fhir`: the FHIR export from the desktop's cache, and the server's FHIR name search.

1. Builds (or with --keep reuses) the benchmark's cache of N synthetic providers and writes all four
   NDJSON files from it as File → Export directory as FHIR does (`write_fhir`), a few times: target
   10 s at 100,000.
2. Seeds N demo providers on the reference server (cached with --keep), signs in as the demo
   facility administrator, reads the server's whole `$export` once, and sends
   `GET /fhir/Practitioner?name=<prefix>` with three-letter prefixes of real names, one client in
   sequence (target p95 50 ms at 100,000), then the same prefixes to the API's own search
   (`/api/v1/providers/search/?q=`) for comparison on a busy machine.
Prints the results and writes bench/results/fhir.json.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from app.directory.cache import DirectoryCache
from app.transfer.fhir_export import write_fhir
from bench import server_process
from bench.directory_cache import KEY, build_cache
from bench.server import ADMIN_EMAIL, DEMO_PASSWORD, RESULTS
from bench.timing import measure

EXPORT_TARGET_SECONDS = 10.0
SEARCH_TARGET_P95_MS = 50.0


def add_parser(commands: Any) -> None:
    """Register the `fhir` subcommand on `commands` (an argparse subparsers object)."""
    parser = commands.add_parser("fhir", help="FHIR export from the cache and the server's FHIR name search",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--providers", type=int, default=100_000, help="providers (100000)")
    parser.add_argument("--keep", action="store_true", help="reuse the cached cache file and seeded server folder")
    parser.add_argument("--runs", type=int, default=3, help="exports to time (3)")
    parser.add_argument("--requests", type=int, default=200, help="name searches to send (200)")
    parser.add_argument("--output", type=Path, help="results file (bench/results/fhir.json)")
    parser.set_defaults(run=run)


def measure_export(count: int, keep: bool, runs: int) -> dict[str, Any]:
    path, built, _ = build_cache(count, keep)
    cache = DirectoryCache.open(path, KEY)
    seconds, counts = [], {}
    try:
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                counts = write_fhir(Path(folder), cache)
                seconds.append(time.perf_counter() - start)
                size = sum(p.stat().st_size for p in Path(folder).iterdir())
    finally:
        cache.close()
    return {"providers": count, "runs": [round(s, 2) for s in seconds],
            "median_s": round(statistics.median(seconds), 2), "target_s": EXPORT_TARGET_SECONDS,
            "resources": counts, "mb": round(size / 1e6, 1), "cache_build_s": round(built, 1)}


def _prefixes(client: httpx.Client, total: int, rng: random.Random) -> list[str]:
    """Three-letter prefixes of family and given names from three random pages of the directory."""
    names: set[str] = set()
    offsets = range(0, max(1, total - 500), 500)
    for offset in rng.sample(offsets, min(3, len(offsets))):
        bundle = client.get("/fhir/Practitioner", params={"_count": 500, "_offset": offset}).json()
        for entry in bundle.get("entry", []):
            name = entry["resource"].get("name", [{}])[0]
            names.update(part[:3].lower() for part in (name.get("family", ""), *name.get("given", [])) if part)
    return sorted(names)


def measure_search(count: int, keep: bool, requests: int) -> dict[str, Any]:
    with ExitStack() as stack:
        seeded = server_process.seeded_cache(count, keep)
        server = server_process.start(seeded)
        stack.callback(server.stop)
        base = server.api.removesuffix("/api/v1")
        with httpx.Client(base_url=server.api, timeout=60) as anon:
            access = anon.post("/auth/login/", json={"email": ADMIN_EMAIL, "password": DEMO_PASSWORD}).json()["access"]

        def client() -> httpx.Client:
            return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}, timeout=60)

        with client() as one:
            total = one.get("/fhir/Practitioner", params={"_summary": "count"}).json()["total"]
            prefixes = _prefixes(one, total, random.Random(27))
        with client() as one:
            start = time.perf_counter()
            with one.stream("GET", "/fhir/$export", headers={"Accept-Encoding": "identity"}) as answer:
                lines = sum(chunk.count(b"\n") for chunk in answer.iter_bytes())
            export_s = time.perf_counter() - start
        row = measure("fhir name search", client,
                      lambda c, i: c.get("/fhir/Practitioner", params={"name": prefixes[i % len(prefixes)]}),
                      clients=1, count=requests, budget=120)
        # the same prefixes through the API's own search, in the same run: what the machine's load allows
        api = measure("api search", client,
                      lambda c, i: c.get("/api/v1/providers/search/", params={"q": prefixes[i % len(prefixes)]}),
                      clients=1, count=requests, budget=120)
    return {"providers": total, "prefixes": len(prefixes), "count": row.count, "errors": row.errors,
            "p50_ms": row.p50_ms, "p95_ms": row.p95_ms, "target_p95_ms": SEARCH_TARGET_P95_MS,
            "body_kb": row.body_kb, "seed_s": round(seeded.seconds, 1),
            "server_export_s": round(export_s, 2), "server_export_lines": lines,
            "api_search_p50_ms": api.p50_ms, "api_search_p95_ms": api.p95_ms}


def run(args: argparse.Namespace) -> int:
    print(f"FHIR export of {args.providers:,} providers from the cache ...", flush=True)
    export = measure_export(args.providers, args.keep, args.runs)
    print(f"  {export['median_s']} s median of {export['runs']} (target {EXPORT_TARGET_SECONDS} s), "
          f"{export['mb']} MB, {export['resources']}", flush=True)
    print(f"FHIR name search at {args.providers:,} providers ...", flush=True)
    search = measure_search(args.providers, args.keep, args.requests)
    print(f"  p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms (target {SEARCH_TARGET_P95_MS} ms) over "
          f"{search['count']} requests, {search['errors']} errors, {search['prefixes']} prefixes", flush=True)
    print(f"  the API's own search of the same prefixes: p50 {search['api_search_p50_ms']} ms, "
          f"p95 {search['api_search_p95_ms']} ms", flush=True)
    print(f"  the server's $export: {search['server_export_lines']:,} lines in {search['server_export_s']} s",
          flush=True)
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    output = args.output or RESULTS / "fhir.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(
        {"at": datetime.now(UTC).isoformat(timespec="seconds"), "load": load, "export": export, "search": search},
        indent=2) + "\n")
    return 0
