"""Screening flags in the directory cache (staff only), so that the worklist's screening queues, and each
flag's evidence, work offline."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.api.models import ScreeningFlag

if TYPE_CHECKING:
    from app.directory.cache import DirectoryCache

INSERT = "INSERT OR REPLACE INTO screening_flags VALUES (?, ?, ?, ?, ?)"


def _row(flag: ScreeningFlag) -> tuple[str, str, str, str | None, bytes]:
    """A flag's row: the columns the queues read, and its answer (a detail's history left out: it is the server's)."""
    body = flag.model_dump_json(exclude={"history"}).encode()
    return flag.id, flag.provider_id, flag.kind.value, flag.decision.value if flag.decision else None, body


def replace_flags(cache: DirectoryCache, flags: Sequence[ScreeningFlag]) -> None:
    """Keep `flags` as the cache's flags, in place of those it had (blocking: a worker thread's call)."""
    with cache.transaction() as conn:
        conn.execute("DELETE FROM screening_flags")
        conn.executemany(INSERT, [_row(flag) for flag in flags])


def store_flag(cache: DirectoryCache, flag: ScreeningFlag) -> None:
    """Keep one flag as the server answers it now (after a decision: the queue and its count follow at once)."""
    with cache.transaction() as conn:
        conn.execute(INSERT, _row(flag))


def flags_of(cache: DirectoryCache, provider_id: str, kind: str | None = None) -> list[ScreeningFlag]:
    """The cached flags of a provider (of `kind` only, when given), open ones first (a quick indexed read)."""
    rows = cache.read("SELECT body FROM screening_flags WHERE provider_id = ? AND (? IS NULL OR kind = ?) "
                      "ORDER BY decision IS NOT NULL, kind, id", (provider_id, kind, kind))
    return [ScreeningFlag.model_validate_json(body) for (body,) in rows]
