"""Reading workers are forked from the one-thread command line and spawned beside a server's threads."""

from __future__ import annotations

import threading
from pathlib import Path

from assess.runtime import process_context
from assess.workbook.load import PARALLEL_FROM, read_all

ROOT = Path(__file__).resolve().parents[2]


def test_workers_are_spawned_when_other_threads_run(tmp_path: Path) -> None:
    from assess.commands.common import load_plan

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert process_context().get_start_method() == "spawn"
        plan = load_plan("county-2024")
        files = sorted((ROOT / "examples" / "counties").glob("*.xlsx"))
        copies = (files * 2)[: PARALLEL_FROM + 2]  # enough files for a pool of workers
        units, _findings = read_all(copies, plan.own_read, jobs=2)
        assert [u.unit for u in units] == [u.unit for u in read_all(copies, plan.own_read, jobs=1)[0]]
        assert len(units) == len(copies)
    finally:
        stop.set()
        other.join()
