"""``assess rectify``: problems from results and findings → the ledger, checklists, progress.

Orchestration only: takes parsed options, returns a :class:`RectifyReport`;
prints nothing.  Score results must be JSON (``assess score``/``assess rank``
output); data workbooks need the scoring pipeline, which the caller may pass
as ``scorer`` (paths → list of ``UnitResult.to_dict()``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess.errors import Finding, Location, OutputError, UsageError
from assess.rectify.merge import MergeStats
from assess.rectify.model import (
    C_CATEGORY,
    C_CHECK,
    C_DEPARTMENT,
    C_DESCRIPTION,
    C_DONE_DATE,
    C_EVIDENCE,
    C_INDICATOR,
    C_LOST,
    C_MEASURE,
    C_OWNER,
    C_REMARK,
    C_SOURCE,
    Problem,
    Row,
    clean_text,
    deadline_text,
    shown,
)
from assess.rectify.progress import Progress

if TYPE_CHECKING:
    from assess.commands.output import Outputs
    from assess.rectify.problems import Omitted, Screen

LEDGER_NAME = "整改台账.xlsx"
JSON_NAME = "整改情况.json"
PROGRESS_NAME = "整改进展情况"
CHECKLIST_PREFIX = "整改清单_"
JSON_FORMAT = "assess.rectify/1"
FORMATS = frozenset({"xlsx", "html", "doc", "docx", "pdf", "json"})
# --as-of must be a date a ledger can be kept at: deadlines (as-of + days) and the
# dates written to the ledger must stay within what Python and Excel can hold.
MIN_AS_OF = dt.date(2000, 1, 1)
MAX_AS_OF = dt.date(2099, 12, 31)
# paths → units (``UnitResult.to_dict()``), or a results document with ``units`` and ``statistics``
Scorer = Callable[[list[Path]], list[dict[str, Any]] | dict[str, Any]]


@dataclass
class RectifyReport:
    ledger: Path
    as_of: dt.date
    progress: Progress
    rows: list[Row]  # the whole ledger after this run
    problems: list[Problem]  # what this run's inputs contain
    stats: MergeStats
    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    backup: Path | None = None
    ledger_written: bool = False
    omitted: Omitted | None = None  # lost points the screen left off (docs/rectify.md 失分问题的筛选)
    lifecycle: Any = None  # assess.rectify.lifecycle.Lifecycle: what each row counts as
    unit_order: list[str] = field(default_factory=list)
    upgraded_from: int | None = None  # the ledger's format before this run upgraded it

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def summary(self) -> str:
        """One line for the terminal: what changed and where the figures stand."""
        from assess.rectify.cycle import summary_lines

        text = f"{self.stats.sentence()};{self.progress.overall.sentence()}"
        text = "\n".join([text, *summary_lines(self.progress, self.stats, self.unit_order)])
        left = self.omitted.sentence() if self.omitted is not None else ""
        return f"{text}\n{left}" if left else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": JSON_FORMAT,
            "as_of": self.as_of.isoformat(),
            "ledger": str(self.ledger),
            "ledger_written": self.ledger_written,
            "backup": str(self.backup) if self.backup else None,
            "changes": self.stats.to_dict(self.unit_order),
            "omitted": self.omitted.to_dict() if self.omitted is not None else None,
            "progress": self.progress.to_dict(),
            "problems": [row_dict(r, self.as_of, self.lifecycle) for r in self.rows],
            "measures": self._measures(),
            "findings": [f.to_dict() for f in self.findings],
            "written": [str(p) for p in self.written],
        }

    def _measures(self) -> list[dict[str, Any]]:
        from assess.rectify.progress import _late

        if self.lifecycle is None:
            return []
        return [
            m.to_dict(counted, _late(m.deadline, counted, self.as_of))
            for pairs in self.lifecycle.measures.values()
            for m, counted in pairs
        ]


def row_dict(row: Row, as_of: dt.date, lifecycle: Any = None) -> dict[str, Any]:
    from assess.rectify.cycle import row_extra
    from assess.rectify.progress import is_overdue

    def text(column: str) -> str | None:
        value = row.get(column)
        return None if value is None or str(value).strip() == "" else str(value).strip()

    lost = row.get(C_LOST)
    done = row.get(C_DONE_DATE)
    return {
        "id": row.id,
        "unit": row.unit,
        "source": text(C_SOURCE),
        "category": text(C_CATEGORY),
        "description": text(C_DESCRIPTION),
        "indicator": text(C_INDICATOR),
        "lost": lost if isinstance(lost, (int, float)) and not isinstance(lost, bool) else None,
        "department": text(C_DEPARTMENT),
        "owner": text(C_OWNER),
        "measure": text(C_MEASURE),
        "deadline": deadline_text(row.deadline) or None,
        "status": row.status,
        "done_date": done.isoformat() if isinstance(done, dt.date) else None,
        "evidence": text(C_EVIDENCE),
        "remark": text(C_REMARK),
        "check": text(C_CHECK),
        "overdue": is_overdue(row, as_of, lifecycle.of(row) if lifecycle is not None else None),
        "sheet": row.sheet,
        "row": row.row,
        **row_extra(row, lifecycle, as_of),
    }


def _load_plan(scheme: Path | str | None) -> Any:
    if scheme is None:
        raise UsageError("从评分结果生成整改问题需要方案(--scheme),以取得整改文本模板和责任单位")
    from assess.commands.common import load_plan

    return load_plan(str(scheme))


def _score_problems(
    scheme: Path | str | None,
    results: list[Path],
    as_of: dt.date,
    findings: list[Finding],
    scorer: Scorer | None,
    screen: Screen,
    omitted: Omitted,
) -> tuple[list[Problem], set[tuple[str, str]], list[str]]:
    from assess.rectify.problems import problems_from_results, read_results, statistics_of, units_of

    plan = _load_plan(scheme)
    units: dict[str, tuple[dict[str, Any], str]] = {}
    workbooks = [p for p in results if p.suffix.lower() != ".json"]
    if workbooks and scorer is None:
        raise UsageError(
            f"“{workbooks[0]}”不是评分结果 JSON;请先用 assess score --format json 评分,"
            "再把输出的 JSON 文件交给 assess rectify"
        )
    batches: list[tuple[str, list[dict[str, Any]], dict[str, dict[str, Any]]]] = [
        (str(p), *read_results(p)) for p in results if p.suffix.lower() == ".json"
    ]
    if workbooks and scorer is not None:
        scored = scorer(workbooks)
        name = "、".join(str(p) for p in workbooks)
        batches.append((name, units_of(scored, workbooks[0]), statistics_of(scored)))
    stats_of: dict[str, dict[str, dict[str, Any]]] = {}
    for file, data, stats in batches:
        stats_of[file] = stats
        for unit in data:
            name = clean_text(str(unit["unit"]))
            if name in units:
                findings.append(
                    Finding(
                        "duplicate-unit",
                        f"单位“{shown(name)}”的评分结果出现两次(另见 {units[name][1]}),以后者为准",
                        Location(file=file),
                        "warning",
                    )
                )
            units[name] = (unit, file)
    problems: list[Problem] = []
    omitted.criteria = screen.limits(plan).words()
    for unit, file in units.values():
        problems += problems_from_results(
            plan,
            [unit],
            as_of,
            file=file,
            findings=findings,
            screen=screen,
            omitted=omitted,
            statistics=stats_of[file],
        )
    if omitted.no_average:
        findings.append(
            Finding(
                "rectify-average",
                "评分结果中没有各指标的平均值(assess rank 输出的 JSON 才有),"
                "“差于平均值”的列入标准未起作用,这些指标按失分列入",
                Location(file=next(iter(stats_of), None)),
                "warning",
            )
        )
    origin = f"score:{plan.scheme.id}"
    scope = {(origin, name) for name in units}
    order = [u.name for u in plan.scheme.units]
    return problems, scope, order


def _finding_problems(paths: list[Path], findings: list[Finding]) -> list[Problem]:
    from assess.rectify.findings import read_findings

    out: list[Problem] = []
    seen: dict[str, Problem] = {}
    for path in paths:
        for p in read_findings(path, findings):
            if p.id in seen:
                findings.append(
                    Finding(
                        "duplicate-finding",
                        f"与 {seen[p.id].location} 的问题相同(同一单位、来源和描述),已合并为一条",
                        p.location or Location(file=str(path)),
                        "warning",
                    )
                )
                continue
            seen[p.id] = p
            out.append(p)
    return out


def backup_path(ledger: Path, as_of: dt.date) -> Path:
    """``台账.20250331.bak.xlsx`` beside the ledger; ``-2``, ``-3`` … when taken."""
    from assess.render.atomic import free_name

    return free_name(ledger, f"{ledger.stem}.{as_of:%Y%m%d}", f".bak{ledger.suffix}")


def run_rectify(
    scheme_path: Path | str | None,
    results: list[Path],
    findings: list[Path],
    ledger: Path | None,
    out_dir: Path,
    as_of: dt.date,
    layout: str = "single",
    formats: set[str] | frozenset[str] = frozenset({"xlsx", "html"}),
    backup: bool = True,
    issuer: str | None = None,
    title: str | None = None,
    *,
    scorer: Scorer | None = None,
    lock_timeout: float | None = None,
    sources: list[Path] | None = None,
    screen: Screen | None = None,
    split_by_unit: bool = False,
) -> RectifyReport:
    """Build or update the ledger and write the documents; see docs/rectify.md.

    ``screen`` decides which lost points are listed (default: the scheme's
    ``rectify:`` limits, else 0.5 point and 10 %); one the ledger already
    holds is always passed on, so a re-run never marks it 本轮未再发现.
    """
    from assess.rectify import cycle
    from assess.rectify.claim import split_shared
    from assess.rectify.ledger import LAYOUTS, new_ledger, write_meta
    from assess.rectify.ledger_read import open_ledger
    from assess.rectify.lifecycle import upgrade_note
    from assess.rectify.lock import DEFAULT_TIMEOUT, LedgerLock, real_path, refuse_if_open
    from assess.rectify.merge import merge
    from assess.rectify.problems import Omitted, Screen
    from assess.render.atomic import atomic_path, copy_atomic
    from assess.render.ledger_sheets import print_layout, write_progress_sheet, write_summary
    from assess.workbook.marker import LEDGER as LEDGER_KIND
    from assess.workbook.marker import mark

    if not MIN_AS_OF <= as_of <= MAX_AS_OF:
        raise UsageError(
            f"--as-of 的日期“{as_of.isoformat()}”超出可用范围:统计截止日期应在 "
            f"{MIN_AS_OF.isoformat()} 至 {MAX_AS_OF.isoformat()} 之间,请检查是否写错"
        )
    if layout not in LAYOUTS:
        raise UsageError(f"--layout 应为 {' 或 '.join(LAYOUTS)},而不是“{layout}”")
    unknown = set(formats) - FORMATS
    if unknown:
        raise UsageError(f"不支持的输出格式:{'、'.join(sorted(unknown))}")
    if not results and not findings and ledger is None:
        raise UsageError("请至少提供评分结果、督查发现问题清单(--findings)或已有台账(--ledger)之一")
    notes: list[Finding] = []
    problems: list[Problem] = []
    scope: set[tuple[str, str]] = set()
    order: list[str] = []
    omitted = Omitted()
    if results:
        problems, scope, order = _score_problems(
            scheme_path, results, as_of, notes, scorer, screen or Screen(), omitted
        )
    if findings:
        problems += _finding_problems(findings, notes)
        scope |= {(f"findings:{p.name}", "*") for p in findings}

    out_dir = Path(out_dir)
    if ledger is None:
        target = out_dir / LEDGER_NAME
        if target.exists():
            raise UsageError(f"输出文件夹中已有整改台账“{target}”;如需在其基础上更新,请用 --ledger 指定它")
    else:
        target = Path(ledger)
    outputs = _outputs(scheme_path, results, findings, sources)
    _check_ledger(outputs, target)
    _check_documents(outputs, out_dir)
    for folder in {out_dir, target.parent}:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(
                f"无法创建文件夹“{folder}”({e.strerror or e})",
                Location(file=str(folder)),
            ) from None

    saved_backup: Path | None = None
    # A symlinked ledger is updated through the link: the real file is replaced (the link
    # stays a link) and the backup goes beside the real file, where the lock also is.
    real = real_path(target)
    refuse_if_open(target)
    with LedgerLock(target, DEFAULT_TIMEOUT if lock_timeout is None else lock_timeout):
        refuse_if_open(target)
        existed = real.exists()
        book = open_ledger(target) if existed else new_ledger(layout)
        notes.extend(book.warnings)
        upgraded_from = cycle.upgrade_if_old(book)
        year, scheme_units = cycle.scheme_facts(scheme_path)
        order = cycle.unit_order(order or scheme_units, problems, book)
        problems = split_shared(problems, order, notes)
        if omitted.problems:  # the screen decides what is added, never what the ledger keeps
            held = set(book.meta) | {row.id for row in book.rows}  # problem keys (and format-1 ids)
            problems += [p for p in omitted.problems if p.id in held]
            omitted.problems = [p for p in omitted.problems if p.id not in held]
        if existed and layout != book.layout and layout != "single":
            notes.append(
                Finding(
                    "ledger-layout",
                    "已有台账的排布方式不变,--layout 只对新建台账起作用",
                    Location(file=str(target)),
                    "warning",
                )
            )
        stats = merge(book, problems, as_of, scope, notes, year=year, unit_order=order)
        done = cycle.figures(book, stats, as_of, order, upgraded_from)
        progress = done.progress
        notes.extend(done.lifecycle.findings)
        if split_by_unit:  # a file in the way of a unit's workbook stops the run before the ledger is written
            from assess.render.ledger_books import check_unit_books

            check_unit_books(done.rows, progress, out_dir, outputs, target)
        if (
            upgraded_from is not None
            or not existed
            or stats.changed
            or done.changed
            or book.updated != as_of.isoformat()
        ):
            write_summary(book, progress, f"{title or '问题'}整改台账汇总")
            write_progress_sheet(book, progress)
            print_layout(book, f"{title or '问题'}整改台账")  # printing set up where it is not yet
            write_meta(book, as_of, done.period)
            refuse_if_open(target)  # opened while this run was merging: still nothing written
            if existed and (backup or upgraded_from is not None):  # an upgrade always keeps the old file
                saved_backup = backup_path(real, as_of)
                refusal = f"更新前无法备份台账“{target}”({{error}}),台账未作任何修改"
                copy_atomic(real, saved_backup, refusal)
            mark(book.wb, LEDGER_KIND)  # never read back as a unit's data (workbook.marker)
            try:
                with atomic_path(real) as tmp:
                    try:
                        book.wb.save(tmp)
                    except OSError as e:
                        raise OutputError(
                            f"无法写入台账“{target}”({e.strerror or e})",
                            Location(file=str(target)),
                        ) from None
            except OutputError:
                if saved_backup is not None:  # the ledger is unchanged: no backup of it
                    saved_backup.unlink(missing_ok=True)
                raise
            ledger_written = True
        else:
            ledger_written = False
        if saved_backup is not None:
            saved_backup = _as_named(saved_backup, target, real)
        if upgraded_from is not None:
            notes.append(upgrade_note(book, upgraded_from, str(saved_backup) if saved_backup else None))

    report = RectifyReport(
        ledger=target,
        as_of=as_of,
        progress=progress,
        rows=done.rows,
        problems=problems,
        stats=stats,
        findings=notes,
        backup=saved_backup,
        ledger_written=ledger_written,
        omitted=omitted if results else None,
        lifecycle=done.lifecycle,
        unit_order=order,
        upgraded_from=upgraded_from,
    )
    if ledger_written:
        report.written.append(target)
    outputs.read([target], "整改台账")  # the documents never land on the ledger either
    if split_by_unit:
        from assess.render.ledger_books import write_unit_books

        heading = f"{title or '问题'}整改台账"
        report.written += write_unit_books(report.rows, progress, out_dir, heading, outputs.write)
    report.written += _documents(report, out_dir, formats, issuer, title, outputs)
    return report


def _as_named(backup: Path, target: Path, real: Path) -> Path:
    """The backup as the clerk named the ledger (``整改/整改台账.20250430.bak.xlsx``), not as an absolute
    path; beside the real file when the ledger is a link, and then shown where it really is."""
    if target.is_symlink() or real.parent != target.parent.resolve():
        return backup
    return target.parent / backup.name


def _outputs(
    scheme: Path | str | None, results: list[Path], findings: list[Path], sources: list[Path] | None = None
) -> Outputs:
    """What rectify reads; its documents are remade each run, so replacing its own is allowed."""
    from assess.commands.output import Outputs

    outputs = Outputs(force=True, keep=False)
    outputs.read(results, "评分结果或填报表")
    outputs.read(findings, "问题清单")
    outputs.read(sources or [], "数据来源文件")
    if scheme is not None:
        from assess.scheme.registry import resolve_scheme

        with contextlib.suppress(UsageError):
            outputs.read([resolve_scheme(str(scheme))], "考核方案")
    return outputs


def _check_ledger(outputs: Outputs, target: Path) -> None:
    """The ledger is read and written by design, but it is never one of the other inputs."""
    hit = outputs.input_of(target)
    if hit is not None:
        raise UsageError(
            f"整改台账“{target}”与输入的{hit.role}“{hit.path}”是同一个文件;"
            "assess 从不改写输入文件,请用 --ledger 指定另一个台账文件"
        )


def _check_documents(outputs: Outputs, out_dir: Path) -> None:
    """Documents of an earlier run may be remade; anything else by those names stops the run
    before the ledger is touched."""
    if not out_dir.is_dir():
        return
    names = {f"{PROGRESS_NAME}{s}" for s in (".html", ".doc", ".docx", ".pdf")} | {JSON_NAME}
    for path in out_dir.iterdir():
        if path.name in names or path.name.startswith(CHECKLIST_PREFIX):
            outputs.check(path)


def _documents(
    report: RectifyReport,
    out_dir: Path,
    formats: set[str] | frozenset[str],
    issuer: str | None,
    title: str | None,
    outputs: Outputs,
) -> list[Path]:
    from assess.render.atomic import safe_filename
    from assess.render.document import write_document
    from assess.render.rectify_docs import checklist_document, progress_document

    write_atomic = outputs.write

    written: list[Path] = []
    as_of = report.as_of
    counted = report.lifecycle.status if report.lifecycle is not None else None
    for fmt in sorted(formats & {"html", "doc", "docx", "pdf"}):
        suffix = f".{fmt}"  # docx and pdf: the HTML, converted by outputs.write
        taken: set[str] = set()
        for tally in report.progress.units:
            rows = [r for r in report.rows if r.unit == tally.name]
            left = report.omitted.of_unit(tally.name).sentence(checklist=True) if report.omitted else ""
            checklist = checklist_document(
                tally.name,
                rows,
                tally,
                as_of,
                title=f"{tally.name}{title or '问题'}整改清单",
                issuer=issuer,
                omitted=left,
                counted=counted,
            )
            path = out_dir / f"{CHECKLIST_PREFIX}{safe_filename(tally.name, taken)}{suffix}"
            written.append(write_document(checklist, path, write_atomic, fmt))
        progress = progress_document(
            report.progress, as_of, title=f"{title or '问题'}整改进展情况", issuer=issuer
        )
        written.append(write_document(progress, out_dir / f"{PROGRESS_NAME}{suffix}", write_atomic, fmt))
    if "json" in formats:
        path = out_dir / JSON_NAME
        written.append(path)
        payload = report.to_dict()
        payload["written"] = [str(p) for p in written]
        write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return written


__all__ = ["JSON_NAME", "LEDGER_NAME", "RectifyReport", "backup_path", "run_rectify"]
