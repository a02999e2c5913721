"""A small run of `python -m bench responsiveness`: the stall benchmark still signs in every role."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_responsiveness_benchmark_smoke(tmp_path: Path) -> None:
    output = tmp_path / "responsiveness.json"
    done = subprocess.run([sys.executable, "-m", "bench", "responsiveness", "--providers", "40", "--repeats", "1",
                           "--output", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert set(results["summary"]) == {"provider", "credentialing_officer", "facility_admin"}
    for role, runs in results["runs"].items():
        assert len(runs) == 1, role
        assert runs[0]["ticks"] > 10, "the timer ran through the sign-in"
        assert runs[0]["dashboard_s"] > 0
    assert "stall p50 ms" in done.stdout
