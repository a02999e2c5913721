"""A small run of `python -m bench fhir`: the FHIR export and name search benchmark still works."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_fhir_benchmark_smoke(tmp_path: Path) -> None:
    output = tmp_path / "fhir.json"
    done = subprocess.run([sys.executable, "-m", "bench", "fhir", "--providers", "300", "--runs", "1",
                           "--requests", "5", "--output", str(output)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert results["export"]["resources"]["Practitioner"] == 300
    assert results["search"]["count"] == 5
    assert results["search"]["errors"] == 0
    assert results["search"]["prefixes"] > 0
