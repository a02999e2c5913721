"""Plain-text tables and the small JSON results file of a benchmark run."""
from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.feed_walk import FeedRow
from bench.timing import Row

ROW_COLUMNS = (("endpoint", "name"), ("clients", "clients"), ("count", "count"), ("err", "errors"),
               ("p50 ms", "p50_ms"), ("p95 ms", "p95_ms"), ("req/s", "rps"), ("body kB", "body_kb"),
               ("note", "note"))
FEED_COLUMNS = (("feed", "name"), ("clients", "clients"), ("walks", "walks"), ("done", "complete"),
                ("rows", "rows"), ("pages", "pages"), ("wall s", "seconds"), ("walk p50 s", "walk_p50_s"),
                ("walk p95 s", "walk_p95_s"), ("rows/s", "rows_per_s"), ("fetch s", "fetch_s"),
                ("parse s", "parse_s"), ("slowest page ms", "slowest_page_ms"), ("note", "note"))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine_info() -> dict[str, Any]:
    """What the numbers depend on: CPUs, Python, platform."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
    }


def table(records: Sequence[Row | FeedRow], columns: tuple[tuple[str, str], ...]) -> str:
    """`records` as aligned text: text columns to the left, numbers to the right."""
    cells = [[title for title, _ in columns]]
    cells += [[_cell(getattr(record, key)) for _, key in columns] for record in records]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    numeric = [all(_is_number(getattr(r, key)) for r in records) for _, key in columns]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric, strict=True)]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def write_json(path: Path, summary: dict[str, Any], rows: list[Row], feed: list[FeedRow]) -> None:
    """Write the results file (small: one entry per row, no raw latencies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {**summary, "rows": [asdict(r) for r in rows], "feed": [asdict(f) for f in feed]}
    path.write_text(json.dumps(body, indent=1) + "\n")
