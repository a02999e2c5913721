"""Streamed answers in gzip when the client takes it, compressed beside the building of the next chunk."""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.http import StreamingHttpResponse
from rest_framework.request import Request

# gzip level 1: on loopback it costs the server about as much as it saves in bytes to send; on a
# 100 Mbit/s LAN it sends the snapshot's rows ~7x smaller (measured: docs/api.md, README's bench)
GZIP_LEVEL = 1
# compression beside the building of chunks (see gzipped); each stream has one chunk in it at a time
_PACKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gzip")


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (by name or "*", and not with q=0)."""
    for part in header.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        if name.lower() not in ("gzip", "*"):
            continue
        for param in params:
            if param.lower().startswith("q="):
                try:
                    return float(param[2:]) > 0
                except ValueError:
                    return False
        return True
    return False


def gzipped(chunks: Iterator[bytes], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """`chunks` as one gzip stream. A chunk is compressed on a helper thread while the next is built.

    zlib lets go of the interpreter lock while it compresses, so on a second core the compression
    (0.4 s for a snapshot of 100,000 providers at level 1) hides behind the building of the rows; the
    database work stays on the request's thread, whose connection it is.
    """
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: the gzip wrapper
    pending: Future[bytes] | None = None
    try:
        for piece in chunks:
            if pending is not None:
                packed = pending.result()
                if packed:
                    yield packed
            pending = _PACKERS.submit(packer.compress, piece)
        if pending is not None:
            packed, pending = pending.result(), None
            if packed:
                yield packed
        yield packer.flush()
    finally:
        if pending is not None:
            pending.cancel() or pending.exception()  # never leave the packer in use
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def stream_response(request: Request, chunks: Iterator[bytes], content_type: str) -> StreamingHttpResponse:
    """`chunks` streamed, gzipped when the request accepts it (and saying so, and that it varies by it)."""
    packed = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    response = StreamingHttpResponse(gzipped(chunks) if packed else chunks, content_type=content_type)
    response["Vary"] = "Accept-Encoding"
    if packed:
        response["Content-Encoding"] = "gzip"
    return response
