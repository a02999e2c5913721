"""A small run of `python -m bench typing`: the keystroke benchmark still types into every field it names."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_keystroke_benchmark_smoke(tmp_path: Path) -> None:
    output = tmp_path / "typing.json"
    done = subprocess.run([sys.executable, "-m", "bench", "typing", "--characters", "30", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert set(results["fields"]) == {"bio", "additional_information", "first_name", "bare"}
    for name, summary in results["fields"].items():
        assert summary["keys"] == 30, name
        assert summary["median_ms"] > 0
    assert "median" in done.stdout
