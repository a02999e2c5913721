"""A small run of `python -m bench load`: a few clients for a few seconds, every endpoint answered, none failing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.load_mix import COLD, ENDPOINTS
from bench.load_stats import ALL

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 5


def test_load_benchmark_smoke(tmp_path: Path) -> None:
    output = tmp_path / "load.json"
    # 240 providers: a cache folder of its own (the server bench's smoke test reseeds server-300)
    done = subprocess.run([sys.executable, "-m", "bench", "load", "--providers", "240", "--clients", str(CLIENTS),
                           "--seconds", "4", "--warmup", "1", "--sign-ins", "5", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert results["roles"] == {"provider": 2, "facility_admin": 2, "credentialing_officer": 1}

    cold = results["cold"]
    assert (cold["endpoint"], cold["count"], cold["errors"]) == (COLD, CLIENTS, 0), cold
    assert cold["wall_s"] > 0
    assert cold["p50_ms"] > 0

    warmup = results["warmup"]["endpoints"]
    assert set(warmup) == set(ENDPOINTS) - {COLD}
    for endpoint, counted in warmup.items():  # the warm-up runs every operation of every client once
        assert counted["count"] > 0, (endpoint, counted)
        assert counted["errors"] == 0, (endpoint, counted, results["first_failures"])

    steady = {row["endpoint"]: row for row in results["steady"]}
    assert list(steady) == [*ENDPOINTS[1:], ALL]
    for endpoint, row in steady.items():
        assert (row["errors"], row["failures"]) == (0, ""), (endpoint, row, results["first_failures"])
    for endpoint in ("list", "search", "detail", ALL):  # a quarter of the mix or more: sent in any 4 s
        assert steady[endpoint]["count"] > 0, steady[endpoint]
        assert steady[endpoint]["rps"] > 0, steady[endpoint]
        assert 0 < steady[endpoint]["p50_ms"] <= steady[endpoint]["p95_ms"] <= steady[endpoint]["p99_ms"]
    assert steady[ALL]["count"] == sum(row["count"] for name, row in steady.items() if name != ALL)

    generator, cpu = results["generator"], results["cpu_steady"]
    assert generator["processes"] == 1
    assert generator["per_process"][0]["steady_cpu_s"] > 0
    assert cpu["server_s"] > 0
    assert cpu["core_seconds"] > 0
    assert results["server"]["peak_rss_mb"] > 0
    assert len(results["load_average"]["start"]) == 3
    assert "requests/s" in done.stdout


def test_the_read_mix_leaves_out_every_write() -> None:
    from bench.load_mix import MIX, WRITES, Account, Client, ClientPlan, Shared

    shared = Shared(staff_ids=("a",), provider_ids=("b",), staff_pages=1, provider_pages=1, terms=("ab",),
                    cursor="r0", reads_only=True)
    for role in MIX:
        client = Client(ClientPlan(0, Account(role, "x@example.org", "pw")), shared, None, lambda *_: None)  # type: ignore[arg-type]
        assert client.operations(), role
        assert not set(client.operations()) & set(WRITES), role
    assert {"profile PATCH", "decision"} <= {name for mix in MIX.values() for name in mix}, "the writes exist"
