"""Read many input files at once: layouts detected per file, both cores used,
one bad file reported without stopping the others, detail tables attached.

Workers receive only the ``ReadPlan`` (plain dataclasses) and return
``UnitData`` and findings; nothing else crosses the process boundary.
Province-wide detail tables are read in the main process once every unit is
known, and split onto the units by their (normalised) names.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Finding, Location
from assess.runtime import process_context
from assess.scheme.inputs import ReadPlan, TableSpec
from assess.workbook.checks import missing_tables
from assess.workbook.county import county_from_book
from assess.workbook.data import MISSING, UnitData
from assess.workbook.details import UnitTables, details_from_book, find_table_sheet
from assess.workbook.detect import layout_of
from assess.workbook.marker import TEMPLATE, label
from assess.workbook.names import key_of, shown
from assess.workbook.read import Book, open_book, paused_gc
from assess.workbook.split import allow as allow_split
from assess.workbook.summary import summary_from_book

PARALLEL_FROM = 16  # below this many files a pool costs more than it saves
CHUNK = 8  # files per task sent to a worker

Progress = Callable[[int, int], object]  # (done, total)
# One file's result: its units, findings about the file, and whether it is a detail table.
FileResult = tuple[list[UnitData], list[Finding], bool]


def _unreadable(path: Path, exc: BaseException) -> Finding:
    """The finding for a file that could not be read at all."""
    if isinstance(exc, AssessError):
        loc = exc.location if exc.location.file else Location(file=str(path))
        return Finding("unreadable", exc.message, loc)
    if isinstance(exc, (MemoryError, RecursionError)):
        message = f"无法读取“{path.name}”:文件过大或结构过深"
    else:
        message = f"无法读取“{path.name}”:读取时发生意外错误({type(exc).__name__}: {exc})"
    return Finding("unreadable", message, Location(file=str(path)))


def read_file(path: Path, plan: ReadPlan) -> FileResult:
    """One file → its units and the findings about the file; never raises.

    A county workbook gives one unit, a summary table many; a detail table
    gives none and ``True``, to be attached once every unit is known.
    """
    path = Path(path)
    try:
        # A big sheet is millions of objects: no collector passes over them while it is read.
        with paused_gc(), open_book(path) as book:
            kind = book.output_kind
            if kind is not None and kind != TEMPLATE:
                return [], [_own_output(path, kind)], False
            layout = layout_of(book, plan)
            if layout == "county":
                got = [county_from_book(book, plan)]
                problems: list[Finding] = []
            elif layout == "summary":
                units = summary_from_book(book, plan)
                got, problems = list(units), units.findings
            else:
                return [], [], True
            if kind == TEMPLATE and not any(map(_filled, got)):
                return [], [_blank_template(path)], False
            return got, problems, False
    except Exception as exc:
        return [], [_unreadable(path, exc)], False


SKIPPED = ("own-output", "blank-template")  # finding codes of files passed over, not refused


def _own_output(path: Path, kind: str) -> Finding:
    message = f"“{path.name}”是 assess 生成的{label(kind)},不作为填报数据读取"
    return Finding("own-output", message, Location(file=str(path)), "warning")


def _blank_template(path: Path) -> Finding:
    message = f"“{path.name}”是尚未填写的填报模板(没有任何数据),不作为单位读取"
    return Finding("blank-template", message, Location(file=str(path)), "warning")


def _filled(unit: UnitData) -> bool:
    """Whether a unit read from a template holds any value (a blank one holds none)."""
    return any(v.status != MISSING for v in unit.values.values()) or any(map(len, unit.tables.values()))


_worker_plan: list[ReadPlan] = []  # the plan, sent once to each worker process


def _start_worker(plan: ReadPlan, split: bool = False) -> None:
    """Set up a reading process; ``split``: may it read a big sheet with a process of its own
    (not in a pool that already keeps every core busy)."""
    from assess.runtime import tune_gc

    tune_gc()  # inherited where workers are forked, not where they are spawned (Windows)
    allow_split(split)
    _worker_plan[:] = [plan]


def _read_chunk(paths: list[Path]) -> list[FileResult]:
    """A worker's task: a few files read with the plan it was started with."""
    return [read_file(p, _worker_plan[0]) for p in paths]


def _results(
    files: list[Path], plan: ReadPlan, jobs: int, tick: Callable[[int], None], started: Callable[[], None]
) -> Iterable[FileResult]:
    """Each file's result in order; ``tick(n)`` after every n files read; ``started()`` once the
    pool has the work, before the first result is awaited (the caller's own reading overlaps)."""
    workers = jobs or min(os.cpu_count() or 1, 8)
    if len(files) >= PARALLEL_FROM and workers > 1:
        chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
        with ProcessPoolExecutor(
            max_workers=min(workers, len(chunks)),
            initializer=_start_worker,
            initargs=(plan,),
            mp_context=process_context(),
        ) as pool:
            batches = pool.map(_read_chunk, chunks)  # every chunk submitted: the workers start
            started()
            for batch in batches:
                yield from batch
                tick(len(batch))
        return
    started()
    for path in files:
        yield read_file(path, plan)
        tick(1)


def read_all(
    files: Iterable[Path],
    plan: ReadPlan,
    *,
    details: Iterable[Path] = (),
    progress: Progress | None = None,
    jobs: int = 0,
    on_units: Callable[[list[UnitData]], None] | None = None,
    started: Callable[[], None] | None = None,
) -> tuple[list[UnitData], list[Finding]]:
    """Read every file, never stopping at a bad one; detail tables are attached to their units.

    ``started()`` is called once, when the pool has the files and before any unit is handed to
    ``on_units``: the caller reads its other data sources meanwhile (``read_inputs``).

    ``files`` may mix county workbooks, summary tables and detail tables
    (detected per file); ``details`` are files known to be detail tables.
    ``jobs`` is the number of processes (0: one per core, at most 8; 1: no
    pool).  ``progress(done, total)`` is called as files are read, and
    ``on_units(units)`` with each file's units as soon as they arrive, so the
    caller can work while the pool reads on (detail tables may still be
    attached to those units afterwards).  Returns
    the units (duplicates as they are: the caller decides which one counts)
    and the findings about files as a whole; findings about one unit are in
    its ``UnitData.findings``.
    """
    files = [Path(p) for p in files]
    detail_files = [Path(p) for p in details]
    total = len(files) + len(detail_files)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    units: list[UnitData] = []
    findings: list[Finding] = []
    found_details: list[Path] = []
    with _DetailReader(detail_files, plan, jobs) as early:  # big detail files read beside the others
        # One process asked for: a big sheet is read in one piece too.  A detail file read in a
        # second process takes the other core: this one reads its own big sheets in one piece.
        allow_split(jobs != 1 and early.pool is None)
        called = False

        def begin() -> None:
            nonlocal called
            if not called and started is not None:
                started()
            called = True

        results = _results(files, plan, jobs, tick, begin)
        for path, (got, problems, is_details) in zip(files, results, strict=True):
            units.extend(got)
            findings.extend(problems)
            if on_units is not None and got:
                on_units(got)
            if is_details:
                found_details.append(path)  # already counted as read
        begin()  # no file at all: the caller's sources are read all the same
        for path in found_details:
            findings.extend(_as_details(attach_details(path, plan, units)))
        for path in detail_files:
            findings.extend(attach_read(early.result(path), units))
            tick(1)
    if plan.tables and units:
        findings.extend(missing_tables(plan, units))
    return units, findings


def _as_details(findings: list[Finding]) -> list[Finding]:
    """Say why a file among the inputs was read as a detail table when that failed."""
    why = ";该文件被当作明细表读取(有“所属县”一类的列,或同一单位名称出现多行),若它是汇总表,请检查表头和重复的单位名称"
    return [replace(f, message=f.message + why) if f.code == "unreadable" else f for f in findings]


def attach_details(path: Path, plan: ReadPlan, units: list[UnitData]) -> list[Finding]:
    """Read a province-wide detail file and give each unit its part; never raises.

    Every table of the plan found in the file (a sheet named like it, or
    failing that the sheet whose header matches it best) is split by its unit
    column; unit names are matched as everywhere else (full-width/half-width,
    spaces and case ignored).  A unit that already has the table keeps the
    first one read.
    """
    return attach_read(read_detail_file(path, plan), units)


# A detail file read without its units: (table, its rows split by unit name), findings, file name.
DetailRead = tuple[list[tuple[TableSpec, UnitTables]], list[Finding], str]


def read_detail_file(path: Path, plan: ReadPlan) -> DetailRead:
    """The plan's tables in a detail file, split by unit; never raises (problems are findings)."""
    path = Path(path)
    if not plan.tables:
        return (
            [],
            [
                Finding(
                    "unused-details",
                    "方案没有定义明细表,明细表文件未使用",
                    Location(file=str(path)),
                    "warning",
                )
            ],
            "",
        )
    try:
        with open_book(path) as book:
            out: list[Finding] = []
            specs = _tables_in(book, plan.tables)
            if not specs:
                names = "、".join(t.name for t in plan.tables)
                message = f"无法读取“{path.name}”:文件中没有可识别的明细表(应为:{names})"
                return [], [Finding("unreadable", message, Location(file=str(path)))], book.file
            read: list[tuple[TableSpec, UnitTables]] = []
            for spec in specs:
                try:
                    read.append((spec, details_from_book(book, spec)))
                except AssessError as exc:
                    out.append(_unreadable(path, exc))
            return read, out, book.file
    except Exception as exc:
        return [], [_unreadable(path, exc)], str(path)


def attach_read(read: DetailRead, units: list[UnitData]) -> list[Finding]:
    """Give each unit its part of a detail file already read."""
    tables, out, file = read
    out = list(out)
    if tables:
        index = {key_of(u.unit): u for u in units}
        for spec, split in tables:
            out.extend(_attach(spec, split, index, file))
    return out


BIG_DETAILS = 4 << 20  # bytes: a detail file this large is read in a process of its own


class _DetailReader:
    """Reads large ``--details`` files in a second process while the main one reads the rest.

    A province's village table takes ten seconds to read and needs no unit
    to be read first; only attaching it does.  Small files, ``jobs=1`` and
    single-core machines read in place, when their result is asked for.
    """

    def __init__(self, paths: list[Path], plan: ReadPlan, jobs: int) -> None:
        self.plan = plan
        self.pending: dict[Path, Any] = {}
        big = [p for p in paths if _size(p) >= BIG_DETAILS]
        self.pool = None
        if big and jobs != 1 and (os.cpu_count() or 1) > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=1, initializer=_start_worker, initargs=(plan, True), mp_context=process_context()
            )
            self.pending = {p: self.pool.submit(_read_details_task, p) for p in big}

    def __enter__(self) -> _DetailReader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def result(self, path: Path) -> DetailRead:
        future = self.pending.get(path)
        if future is None:
            return read_detail_file(path, self.plan)
        try:
            got: DetailRead = future.result()
            return got
        except Exception:  # the process died (memory…): read it here instead
            return read_detail_file(path, self.plan)


def _read_details_task(path: Path) -> DetailRead:
    return read_detail_file(path, _worker_plan[0])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tables_in(book: Book, tables: tuple[TableSpec, ...]) -> list[TableSpec]:
    """The plan's tables in a detail file: those with a sheet of their name, else the best match."""
    named = [t for t in tables if book.find_sheet(t.name, *t.aliases)[0] is not None]
    if named:
        return named
    if len(tables) == 1:
        return list(tables)
    stem = key_of(book.path.stem)
    by_stem = [t for t in tables if any(key_of(n) in stem for n in (t.name, *t.aliases))]
    if by_stem:
        return by_stem[:1]
    scored = []
    for t in tables:
        try:
            find_table_sheet(book, t, None)
        except AssessError:
            continue
        scored.append(t)
    return scored[:1]


def _attach(spec: TableSpec, tables: UnitTables, index: dict[str, UnitData], file: str) -> list[Finding]:
    out: list[Finding] = list(tables.findings)
    for name, table in tables.items():
        unit = index.get(key_of(name))
        if unit is None:
            loc = Location(file=file, sheet=table.sheet, row=table.rows[0] if table.rows else None)
            out.append(
                Finding(
                    "unknown-unit",
                    f"明细表“{spec.name}”中的单位“{shown(name)}”({len(table)} 行)没有对应的填报数据,未使用",
                    loc,
                    "warning",
                )
            )
            continue
        if spec.key in unit.tables:
            out.append(
                Finding(
                    "duplicate-table",
                    f"单位“{unit.unit}”的明细表“{spec.name}”重复提供"
                    f"(已从 {unit.tables[spec.key].file} 读取),以先读取的为准",
                    Location(file=file, sheet=table.sheet),
                    "warning",
                )
            )
            continue
        unit.tables[spec.key] = table
        unit.findings.extend(table.findings)
    return out


__all__ = ["attach_details", "attach_read", "read_all", "read_detail_file", "read_file"]
