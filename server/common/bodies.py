"""Large rendered answers without copies: a byte-bounded cache of bodies, sending them in slices,
and a bound on how many large answers are built at once.

Measured with `python -m bench server` at 100,000 providers (the server held 1 GB at its peak):
Django's local-memory cache pickles, so every hit of the 16 MB dropdown body made a copy; waitress
then joined the whole body into its output buffer (another copy) before moving it to a temporary
file; and eight clients building feed pages at once held eight pages of objects, although with
Python's one interpreter lock they were built no faster than two at a time.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator

from django.http import StreamingHttpResponse

SLICE_BYTES = 256 * 1024  # below waitress's outbuf_overflow (1 MB): it never joins a large body in memory
HEAVY_AT_ONCE = 2  # large answers built at the same time (the others wait their turn)

heavy = threading.BoundedSemaphore(HEAVY_AT_ONCE)


class BodyCache:
    """Rendered bodies by key, at most `max_bytes` in all (least recently used go first), each for `seconds`.

    A hit hands back the very bytes object stored: no copy. `build_once` lets one thread build a
    missing body while the others asking for the same key wait for it.
    """

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes = max_bytes
        self.seconds = seconds
        self._bodies: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._building = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._bodies.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                self._drop(key)
                return None
            self._bodies.move_to_end(key)
            return found[1]

    def set(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._bodies:
                self._drop(key)
            self._bodies[key] = (time.monotonic() + self.seconds, body)
            self._size += len(body)
            while self._size > self.max_bytes:
                self._drop(next(iter(self._bodies)))

    def build_once(self, key: str, build: Callable[[], bytes]) -> bytes:
        """The cached body of `key`, else `build()`'s, built by one thread at a time and kept."""
        body = self.get(key)
        if body is not None:
            return body
        with self._building:
            body = self.get(key)  # built meanwhile by the thread this one waited for
            if body is None:
                body = build()
                self.set(key, body)
            return body

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._size = 0

    def _drop(self, key: str) -> None:
        _, body = self._bodies.pop(key)
        self._size -= len(body)


def _slices(body: bytes) -> Iterator[bytes]:
    view = memoryview(body)
    for start in range(0, len(body), SLICE_BYTES):
        yield bytes(view[start:start + SLICE_BYTES])


def body_response(body: bytes, content_type: str = "application/json", status: int = 200) -> StreamingHttpResponse:
    """`body` sent in slices with its Content-Length (so not chunked), never copied whole."""
    response = StreamingHttpResponse(_slices(body), content_type=content_type, status=status)
    response["Content-Length"] = str(len(body))
    return response
