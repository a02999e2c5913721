"""Screening flags in the directory cache (staff only), so that the worklist's screening queues work offline."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.api.models import ScreeningFlag

if TYPE_CHECKING:
    from app.directory.cache import DirectoryCache


def replace_flags(cache: DirectoryCache, flags: Sequence[ScreeningFlag]) -> None:
    """Keep `flags` as the cache's flags, in place of those it had (blocking: a worker thread's call)."""
    with cache.transaction() as conn:
        conn.execute("DELETE FROM screening_flags")
        conn.executemany("INSERT OR REPLACE INTO screening_flags VALUES (?, ?, ?, ?)",
                         [(flag.id, flag.provider_id, flag.kind.value, flag.decision.value if flag.decision else None)
                          for flag in flags])
