"""Freed memory goes back to the operating system, so one large document does not raise a worker's
resident size for the rest of the run.

glibc's malloc serves a block of at least ``M_MMAP_THRESHOLD`` bytes with its own mapping, unmapped when
freed; but it raises that threshold to the size of every such block freed (up to 32 MB), after which
blocks of that size come from the heap and stay resident once freed. A 30 MB document's arrays (words,
n-gram levels, token ids) then left about 100 MB more resident than needed. Fixing the threshold turns
that adjustment off. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

MMAP_THRESHOLD = 1 << 20
"""Blocks of 1 MiB and more are mapped on their own and unmapped when freed."""
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h


def return_freed_memory() -> None:
    """Fix malloc's mmap threshold for this process and, through the environment, the worker processes it
    starts (glibc reads ``MALLOC_MMAP_THRESHOLD_`` at start-up). A value the user set is kept."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    os.environ["MALLOC_MMAP_THRESHOLD_"] = str(MMAP_THRESHOLD)
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to set
        return
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
