"""Process settings for a batch run.

A ranking keeps millions of small objects alive until it ends (values,
results, basis texts), and creates few reference cycles.  With the default
threshold of 700 allocations the cyclic collector walks that growing heap
again and again: 50,000 villages ranked spend a quarter of their time in it.
A higher first threshold keeps collection for what it is for (cycles) at a
fraction of the cost; memory stays the same (measured in docs/performance.md).
"""

from __future__ import annotations

import gc
from typing import Any

GC_THRESHOLDS = (100_000, 50, 100)


def tune_gc() -> None:
    """Called once at the start of the command-line process and of each reading worker."""
    gc.set_threshold(*GC_THRESHOLDS)


def process_context() -> Any:
    """The way to start reading workers: fork where it is safe, spawn where it is not.

    The command line is one thread, so forking (Linux's default, fast) is
    safe.  ``assess serve`` runs a ranking in a thread beside the web
    server's; forking a process that has other threads can copy a lock held
    by one of them and hang the child, so there workers are spawned (as on
    Windows, where spawning is the only way).
    """
    import multiprocessing
    import threading

    if threading.active_count() > 1 and "spawn" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context()
