"""Recredentialing clocks in the directory cache (staff only), so that the worklist's recredentialing queues
work offline."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.api.models import RecredentialingClock

if TYPE_CHECKING:
    from app.directory.cache import DirectoryCache


def replace_clocks(cache: DirectoryCache, clocks: Sequence[RecredentialingClock]) -> None:
    """Keep `clocks` as the cache's, in place of those it had (blocking: a worker thread's call)."""
    with cache.transaction() as conn:
        conn.execute("DELETE FROM recredentialing")
        conn.executemany("INSERT OR REPLACE INTO recredentialing VALUES (?, ?)",
                         [(clock.provider_id, clock.due.isoformat()) for clock in clocks])
