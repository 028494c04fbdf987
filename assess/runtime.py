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

GC_THRESHOLDS = (100_000, 50, 100)


def tune_gc() -> None:
    """Called once at the start of the command-line process and of each reading worker."""
    gc.set_threshold(*GC_THRESHOLDS)
