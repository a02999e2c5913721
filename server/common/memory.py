"""Large buffers go back to the system when freed (glibc only; elsewhere nothing changes).

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
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value

log = logging.getLogger(__name__)


def large_blocks_returned() -> bool:
    """Fix glibc's mmap threshold at its starting value; whether it was done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt to speak of)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    if not done:
        log.info("mallopt(M_MMAP_THRESHOLD) was refused; large buffers may stay in the heap once freed")
    return done
