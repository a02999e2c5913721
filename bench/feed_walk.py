"""Walks of the change feed (`GET /providers/changes/`) from no cursor to `has_more: false`, and reads of
the snapshot (`GET /providers/snapshot/`)."""
from __future__ import annotations

import json
import threading
import time
import zlib
from dataclasses import dataclass, field

import httpx

from bench.timing import ClientFactory, percentile


@dataclass
class Walk:
    """One walk: its end-to-end time, what it delivered, and where the time went."""

    seconds: float = 0.0
    rows: int = 0
    deleted: int = 0
    pages: int = 0
    complete: bool = False
    fetch_seconds: float = 0.0  # request sent until the whole body was read
    parse_seconds: float = 0.0  # the client's json.loads of the bodies
    slowest_page_ms: float = 0.0
    error: str = ""
    ids: set[str] = field(default_factory=set, repr=False)


@dataclass(frozen=True)
class FeedRow:
    """One feed row of the results: `walks` walks by `clients` clients at once."""

    name: str
    clients: int
    walks: int
    complete: int
    rows: int
    pages: int
    seconds: float
    walk_p50_s: float
    walk_p95_s: float
    rows_per_s: float
    fetch_s: float
    parse_s: float
    slowest_page_ms: float
    note: str = ""


def _page(walk: Walk, body: bytes) -> tuple[str, bool]:
    start = time.perf_counter()
    data = json.loads(body)
    walk.parse_seconds += time.perf_counter() - start
    walk.rows += len(data["results"])
    walk.deleted += len(data["deleted"])
    walk.ids.update(row["id"] for row in data["results"])
    return str(data["cursor"]), bool(data["has_more"])


def walk_feed(factory: ClientFactory, *, limit: int, deadline: float) -> Walk:
    """Follow the feed's cursors until `has_more` is false, or stop at `deadline` (incomplete)."""
    walk, cursor = Walk(), ""
    with factory() as client:
        start = time.perf_counter()
        while time.monotonic() < deadline:
            params: dict[str, str | int] = {"limit": limit, **({"since": cursor} if cursor else {})}
            sent = time.perf_counter()
            try:
                response = client.get("/providers/changes/", params=params)
            except httpx.HTTPError as exc:
                walk.error = f"page {walk.pages + 1}: {type(exc).__name__}: {exc}"
                break
            fetched = time.perf_counter() - sent
            walk.fetch_seconds += fetched
            walk.slowest_page_ms = max(walk.slowest_page_ms, fetched * 1000)
            if response.status_code != 200:
                walk.error = f"HTTP {response.status_code}: {response.text[:200]}"
                break
            walk.pages += 1
            cursor, has_more = _page(walk, response.content)
            if not has_more:
                walk.complete = True
                break
        walk.seconds = time.perf_counter() - start
    return walk


def walks_concurrent(factory: ClientFactory, *, clients: int, limit: int, deadline: float) -> list[Walk]:
    """`clients` walks at once, each on its own client and thread."""
    walks: list[Walk] = []
    lock = threading.Lock()

    def one() -> None:
        walk = walk_feed(factory, limit=limit, deadline=deadline)
        with lock:
            walks.append(walk)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return walks


def feed_row(name: str, walks: list[Walk], clients: int, seconds: float, note: str = "") -> FeedRow:
    """Summarise `walks` that together took `seconds` of wall-clock time."""
    times = [w.seconds for w in walks]
    rows = sum(w.rows for w in walks)
    errors = "; ".join(sorted({w.error for w in walks if w.error}))
    return FeedRow(
        name=name, clients=clients, walks=len(walks), complete=sum(w.complete for w in walks),
        rows=rows, pages=sum(w.pages for w in walks), seconds=round(seconds, 2),
        walk_p50_s=round(percentile(times, 0.5), 2), walk_p95_s=round(percentile(times, 0.95), 2),
        rows_per_s=round(rows / seconds) if seconds > 0 else 0,
        fetch_s=round(sum(w.fetch_seconds for w in walks), 2),
        parse_s=round(sum(w.parse_seconds for w in walks), 2),
        slowest_page_ms=round(max((w.slowest_page_ms for w in walks), default=0.0), 1),
        note="; ".join(part for part in (note, errors) if part),
    )


@dataclass
class SnapshotRead:
    """One read of `GET /providers/snapshot/`: the body as sent, read and counted, not parsed."""

    seconds: float = 0.0
    first_byte_ms: float = 0.0
    wire_bytes: int = 0
    rows: int = 0
    complete: bool = False
    error: str = ""


def read_snapshot(factory: ClientFactory, *, gzip: bool) -> SnapshotRead:
    """Read the snapshot to its end as fast as the client can: the server's part alone.

    The raw bytes are read and counted only (decoding and parsing are the client's own work);
    after the clock stops the body is checked: the header's count of rows, then its trailer.
    """
    read = SnapshotRead()
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    chunks: list[bytes] = []
    with factory() as client:
        start = time.perf_counter()
        try:
            with client.stream("GET", "/providers/snapshot/", headers=headers) as response:
                if response.status_code != 200:
                    read.error = f"HTTP {response.status_code}"
                    return read
                for chunk in response.iter_raw(1 << 20):
                    if not chunks:
                        read.first_byte_ms = round((time.perf_counter() - start) * 1000, 1)
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            read.error = f"{type(exc).__name__}: {exc}"
            return read
        read.seconds = time.perf_counter() - start
    body = b"".join(chunks)
    read.wire_bytes = len(body)
    if gzip:
        body = zlib.decompress(body, 31)
    lines = body.split(b"\n")
    header, trailer = json.loads(lines[0]), json.loads(lines[-2])
    read.rows = len(lines) - 3
    read.complete = trailer == {"end": True, "count": read.rows} and header["count"] == read.rows
    return read
