"""Giving memory back to the system between stages and chunks of work.

Python's collector, Arrow's allocator (mimalloc) and glibc's heap all keep freed memory for
reuse; a long run (10,000 reports) that moves from one large stage to the next would otherwise
hold the high-water mark of every stage at once beside the processes it starts (dbt).
"""

from __future__ import annotations

import ctypes
import gc
import threading
from contextlib import contextmanager
from typing import Iterator

import pyarrow as pa


def release_memory() -> None:
    """Return freed memory: after ingesting 10,000 reports the run's process held 1.4 GB while
    dbt ran beside it, and the GX gates grew by ~60 MB a chunk (1.9 GB at 11 million facts;
    1.15 GB when released after each chunk)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


@contextmanager
def collected_cheaply() -> Iterator[None]:
    """Within the block, `gc.collect()` looks only at objects made inside it.

    Ingest's loop drops each chunk's parse results, held in reference cycles (Prefect's futures
    and their done-callbacks hold a chunk's pickled results, ~16 MB); Python frees a cycle only
    when its collector runs, which a loop of few, large objects seldom triggers: the run's
    process grew to 1.35 GB at 1,000 reports instead of ~0.75 GB.  A full collection as each
    chunk is taken (flows/nightly.py) frees them, but traverses every object of the process
    (the parser's caches, Prefect, dbt's and GX's modules: ~270 ms); with what exists before the
    loop frozen (`gc.freeze`), it takes ~1 ms.  Blocks nest: the objects are given back to the
    collector when the outermost block ends (the nightly flow runs in one; `lumbung serve` is a
    long-lived process)."""
    global _depth
    with _depth_lock:
        gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _depth_lock:
            _depth -= 1
            if not _depth:
                gc.unfreeze()


_depth = 0  # collected_cheaply blocks open (in any thread: a Dask worker parses chunks in threads)
_depth_lock = threading.Lock()
