"""`python -m bench typing`: what one keystroke costs the event loop in the registration wizard's
fields, typed at the end of a text of up to `--characters` (1,000 by default).

Each character is one key press delivered to the focused field, then the events it queued (the
repaint, the wizard's checks); its time is how long the loop was busy with it, which is what makes
typing lag behind. No server is needed: typing sends nothing. Writes bench/results/typing.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import machine_info

FIELDS = ("bio", "additional_information", "first_name")  # the two multi-line fields, and a line for comparison
TEXT = "Board-certified family physician; fifteen years in community clinics. "


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("typing", help="the cost of one keystroke in the registration wizard")
    parser.add_argument("--characters", type=int, default=1000, help="characters typed into each field (1000)")
    parser.add_argument("--output", type=Path, help="results file (bench/results/typing.json)")
    parser.set_defaults(run=run)


def _keystrokes(wizard: Any, name: str, count: int) -> list[float]:
    """Type `count` characters into field `name` of `wizard`; the seconds each took, events included."""
    from PySide6.QtTest import QTest  # late: the command line parses without Qt
    from PySide6.QtWidgets import QApplication

    field = wizard.fields.inputs[name]
    page = next(i for i, page in enumerate(wizard.step_pages) if name in page.names)
    wizard.setStartId(wizard.pageIds()[page])  # its step shown, as if the earlier ones were done
    wizard.restart()
    QApplication.processEvents()
    field.setFocus()
    text = (TEXT * (count // len(TEXT) + 1))[:count]
    if name == "first_name":  # a name: letters, at most the 100 a name may have
        text = ("Amelia" * (count // 6 + 1))[: min(count, 100)]
    times = []
    for char in text:
        start = time.perf_counter()
        QTest.keyClick(field, char)
        QApplication.processEvents()
        times.append(time.perf_counter() - start)
    return times


def _bare(count: int) -> list[float]:
    """The same keystrokes into a QPlainTextEdit alone in a window of the wizard's size: Qt's own cost."""
    from PySide6.QtTest import QTest  # late: the command line parses without Qt
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    field = QPlainTextEdit()
    field.resize(680, 600)
    field.show()
    field.setFocus()
    times = []
    for char in (TEXT * (count // len(TEXT) + 1))[:count]:
        start = time.perf_counter()
        QTest.keyClick(field, char)
        QApplication.processEvents()
        times.append(time.perf_counter() - start)
    field.close()
    return times


def _summary(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    return {"keys": len(ms), "median_ms": round(statistics.median(ms), 3),
            "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 3), "max_ms": round(ms[-1], 3),
            "last_100_median_ms": round(statistics.median(ms[-100:]) if len(times) >= 100 else ms[-1], 3),
            "total_s": round(sum(ms) / 1000, 3)}


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # late: the command line parses without Qt

    from app.api.client import ApiClient
    from ui.common.tasks import TaskRunner
    from ui.common.theme import apply_theme
    from ui.profile.wizard import RegistrationWizard

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app, dark=False)  # type: ignore[arg-type]
    results: dict[str, Any] = {"machine": machine_info(), "characters": args.characters, "fields": {}}
    with tempfile.TemporaryDirectory() as data_dir:
        client = ApiClient("http://127.0.0.1:9/api/v1")  # never called: typing sends nothing
        wizard = RegistrationWizard(client, TaskRunner(), Path(data_dir))
        wizard.show()
        for name in FIELDS:
            results["fields"][name] = summary = _summary(_keystrokes(wizard, name, args.characters))
            print(f"{name:24} {summary['keys']:5} keys  median {summary['median_ms']:7.3f} ms  "
                  f"p95 {summary['p95_ms']:7.3f} ms  max {summary['max_ms']:8.3f} ms  "
                  f"last 100 median {summary['last_100_median_ms']:7.3f} ms")
        wizard.save_draft()
        wizard.close()
        results["fields"]["bare"] = summary = _summary(_bare(args.characters))
        print(f"{'a bare QPlainTextEdit':24} {summary['keys']:5} keys  median {summary['median_ms']:7.3f} ms  "
              f"p95 {summary['p95_ms']:7.3f} ms  max {summary['max_ms']:8.3f} ms  (the floor: Qt's own work)")
    output = args.output or Path(__file__).parent / "results" / "typing.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    return 0
