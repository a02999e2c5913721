"""Freed memory goes back to the system or to the next request (glibc only; elsewhere nothing changes).

glibc's malloc serves a block of 128 KiB or more with its own mmap and unmaps it when freed, but
after such a free it raises that threshold to the block's size (up to 32 MiB): from then on the
16 MB dropdown bodies, feed pages and the output buffers of waitress's eight threads came from
the heaps and stayed there once freed, fragmented across the threads' arenas. Measured with
`python -m bench server` at 100,000 providers: a peak RSS of 1 GB, growing with every dropdown
answer; fixing the threshold (which also turns off its raising) keeps it at a few hundred MB.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value
# glibc gives each thread an arena of its own (up to 8 per core), and what a worker freed stays in
# its arena; two shared arenas let the next request reuse it (a small gain measured: 346 -> 333 MB)
ARENAS = 2

log = logging.getLogger(__name__)


def large_blocks_returned() -> bool:
    """Fix glibc's mmap threshold at its starting value, and its arenas at ARENAS; whether it was done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt to speak of)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_ARENA_MAX, ARENAS))
    if not done:
        log.info("mallopt() was refused; freed buffers may stay in the heap")
    return done
