"""The credentialing worklist on the benchmark's cache: each queue's count and first screen, and the
counts of every queue the page's picker shows, computed in a worker thread after each write."""
from __future__ import annotations

import time
from typing import Any

from app.credentialing.worklist import ALL_QUEUES, queue_counts
from app.directory.cache import DirectoryCache
from bench.timing import percentile

SCREEN = 200  # the table model's block


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def measure_worklist(cache: DirectoryCache, repeats: int) -> dict[str, Any]:
    """Per queue: size, count and first-screen p50/p95 (on the loop's connection), and all the counts.
    The screening and recredentialing queues read the staff cache's flags and clocks (none in the
    benchmark's cache: their times are those of an empty table)."""
    queues = []
    for queue in ALL_QUEUES:
        cache.count(queue.query), cache.rows(queue.query, 0, SCREEN)  # warm-up
        counts, screens = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            cache.rows(queue.query, 0, SCREEN)
            screens.append(time.perf_counter() - start)
            start = time.perf_counter()
            size = cache.count(queue.query)
            counts.append(time.perf_counter() - start)
        queues.append({"queue": queue.key, "providers": size,
                       "count_p50_ms": _ms(percentile(counts, 0.5)), "count_p95_ms": _ms(percentile(counts, 0.95)),
                       "screen_p50_ms": _ms(percentile(screens, 0.5)), "screen_p95_ms": _ms(percentile(screens, 0.95))})
    tabs = []
    for _ in range(max(3, repeats // 3)):
        start = time.perf_counter()
        queue_counts(cache)
        tabs.append(time.perf_counter() - start)
    return {"queues": queues, "tab_counts_ms_p50": _ms(percentile(tabs, 0.5))}


def print_worklist(worklist: dict[str, Any]) -> None:
    print(f"\n{'worklist queue':22}{'providers':>10}{'count p50':>11}{'count p95':>11}{'screen p50':>12}"
          f"{'screen p95':>12}")
    for row in worklist["queues"]:
        print(f"{row['queue']:22}{row['providers']:>10,}{row['count_p50_ms']:>11}{row['count_p95_ms']:>11}"
              f"{row['screen_p50_ms']:>12}{row['screen_p95_ms']:>12}")
    print(f"{'every queue count (worker thread), p50 ms':42} {worklist['tab_counts_ms_p50']}")
