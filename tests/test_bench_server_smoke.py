"""A small run of `python -m bench server`: the server benchmark still works, snapshot included."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_server_benchmark_smoke(tmp_path: Path) -> None:
    output = tmp_path / "server.json"
    done = subprocess.run([sys.executable, "-m", "bench", "server", "--providers", "300", "--requests", "4",
                           "--output", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert results["providers"] == 300
    snapshots = {(row["name"], row["clients"]): row for row in results["snapshot"]}
    assert set(snapshots) == {("plain", 1), ("gzip", 1), ("gzip", 8)}
    for row in snapshots.values():
        assert row["complete"] == row["runs"], row
        assert row["rows"] == 300
    assert snapshots[("gzip", 1)]["wire_mb"] < snapshots[("plain", 1)]["wire_mb"]
    assert results["feed"][0]["complete"] == 1
    assert results["server_peak_rss_mb"] is None or results["server_peak_rss_mb"] > 0
    assert "snapshot, server's part" in done.stdout
