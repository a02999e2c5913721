"""A small run of `python -m bench directory --smoke`: the benchmark still works, in seconds."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("providers", "search_first_screen_ms_p50", "search_first_screen_ms_p95", "search_count_ms_p95",
        "proxy_baseline_providers", "proxy_baseline_ms_median", "rss_mb", "full_sync_providers", "full_sync_s",
        "incremental_sync_s", "max_stall_ms", "seed_way_s", "seed_way_ratio", "server_part_s", "feed_fill_s",
        "cache_bytes_per_provider", "big_fill_s", "busy_hogs", "fill_load_average_1m")


def test_directory_benchmark_smoke(tmp_path: Path) -> None:
    output = tmp_path / "directory.json"
    command = [sys.executable, "-m", "bench", "directory", "--smoke", "--busy", "1", "--output", str(output)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert set(KEYS) <= set(results)
    assert results["providers"] == 2000
    assert results["proxy_baseline_providers"] == 2000
    assert 0 < results["search_first_screen_ms_p95"] < 1000
    assert {q["query"].split(":")[0] for q in results["queries"]} >= {"one letter", "two word prefixes", "no match"}
    assert "search_first_screen_ms_p95" in done.stdout
    assert 0 < results["cache_bytes_per_provider"] < 10_000
    sync = results["sync"]
    assert sync["full_sync_way"] == "snapshot"
    assert sync["full_sync_providers"] >= 300, "the first fill brought the server's providers"
    assert sync["seed_way_rows"] > 0
    assert results["seed_way_s"] > 0
    assert results["server_part_s"] > 0
    assert results["feed_fill_s"] > 0
    assert sync["incremental_rows"] >= sync["incremental_changes"] == 100
    assert results["busy_hogs"] == 1, "the first fills ran beside a CPU hog"
    assert results["max_stall_ms"] == max(sync["stall_runs_ms"]) >= 0
