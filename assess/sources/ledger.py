"""A rectification ledger (整改台账) as a data source: last round's problems scored again.

An assessment often scores how well last round's problems were rectified:
问题整改完成率 (done ÷ all problems) or 按期整改率 (done by the deadline ÷
problems whose deadline has come).  The ledger ``assess rectify`` keeps is
that record, so a ``kind: ledger`` source reads it — the xlsx (through
:func:`assess.rectify.ledger_read.open_ledger`, read only: nothing is ever
written back) or its JSON export 整改情况.json — and computes, per unit and
per ``rates:`` rule, one percentage from the unit's rows.

* Rows are chosen by 问题来源 and 问题类别 (``origins``, ``categories``);
  a row whose 整改状态 is 不涉及 is outside every figure, as in the ledger's
  own progress report.
* A row's status is what the ledger's own figures count it as
  (:func:`assess.rectify.lifecycle.evaluate`; ``counted_as`` in the JSON):
  已完成（待认定）without 完成日期 or 佐证材料 counts as 整改中 there, and so
  here.  A row is done when that status is one of ``assess.rectify.model.DONE``
  and its 完成日期, if written, is not after the as-of date.  The as-of date is the source's ``as_of``, else the date
  the ledger was last updated.
* On time (``on_time``): a row is due when its 整改时限 is a date not after
  the as-of date, or 立行立改; 长期坚持 and a blank deadline are never due.  A
  due row is done on time when it is done with a 完成日期 not after its
  deadline (立行立改: any 完成日期 up to the as-of date); done without a
  完成日期 cannot be shown to be on time and is said in the basis.
* A unit with no row counted gets what ``empty`` says: 100 % (无整改问题),
  missing, or not applicable.
* A file that cannot be used (unreadable, not a ledger, a broken row) makes
  the keys missing for every unit, never 100 %; each reason is a finding.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Finding, Location
from assess.rectify.model import (
    C_CATEGORY,
    C_DONE_DATE,
    C_SOURCE,
    DONE,
    IMMEDIATE,
    NOT_APPLICABLE,
    NOT_STARTED,
    Deadline,
    Row,
    as_date,
    ledger_status,
    parse_deadline,
    parse_iso,
)
from assess.scheme.inputs import ReadPlan
from assess.sources.data import SourceData
from assess.sources.spec import RateSpec, SourceSpec
from assess.workbook.checks import canonical_unit
from assess.workbook.data import MISSING, OK, Value
from assess.workbook.data import NOT_APPLICABLE as NA
from assess.workbook.names import code_key, shown

JSON_PREFIX = "assess.rectify/"
NONE_FOUND = "无整改问题"
# 整改台账.20250331.bak.xlsx, 整改台账.20250331-2.bak.xlsx: the backups rectify keeps beside a ledger
_BACKUP_RE = re.compile(r"\.\d{8}(-\d+)?\.bak\.[A-Za-z]+$")
MEASURE_WORDS = {"completion": "完成率", "on_time": "按期整改率"}


@dataclass(frozen=True, slots=True)
class _Row:
    """One ledger row as the rates need it."""

    unit: str
    origin: str
    category: str
    status: str
    done: dt.date | None  # 完成日期
    deadline: Deadline
    file: Path
    as_of: dt.date  # the as-of date its figures are taken at


@dataclass(slots=True)
class _Tally:
    """One unit's figures for one rate."""

    total: int = 0
    done: int = 0
    no_date: int = 0  # done, but without a 完成日期 (on_time: not shown to be on time)

    def value(self) -> float | None:
        return self.done * 100 / self.total if self.total else None


def is_backup(path: Path) -> bool:
    return bool(_BACKUP_RE.search(path.name))


def read_ledger(spec: SourceSpec, files: list[Path], read: ReadPlan) -> SourceData:
    """The ledger files' rows computed into the source's keys (never raises for a bad file)."""
    out = SourceData(spec, list(files))
    ledgers = [p for p in files if not is_backup(p)] or list(files)
    for path in files:
        if path not in ledgers:
            out.files.remove(path)
            out.findings.append(
                Finding(
                    "source-ledger-backup",
                    f"“{path.name}”是整改台账更新前的备份,不作为来源“{spec.id}”的数据读取",
                    Location(file=str(path)),
                    "warning",
                )
            )
    rows: list[_Row] = []
    broken: list[str] = []
    dates: dict[Path, dt.date] = {}
    seen: dict[str, Path] = {}
    for path in ledgers:
        got = _read_file(spec, path, out.findings)
        if got is None:
            broken.append(path.name)
            continue
        ledger_rows, own_date = got
        as_of = spec.as_of or own_date
        if as_of is None:
            out.findings.append(
                Finding(
                    "source-ledger",
                    f"整改台账“{path.name}”没有记录统计截止日期,请在方案中为来源“{spec.id}”写 as_of",
                    Location(file=str(path)),
                )
            )
            broken.append(path.name)
            continue
        if spec.as_of is not None and own_date is not None and own_date < spec.as_of:
            out.findings.append(
                Finding(
                    "source-ledger-stale",
                    f"整改台账“{path.name}”截至 {own_date.isoformat()},早于来源“{spec.id}”的统计截止日期 "
                    f"{spec.as_of.isoformat()};整改状态以台账为准,之后的进展未计入",
                    Location(file=str(path)),
                    "warning",
                )
            )
        dates[path] = as_of
        for ident, row in ledger_rows:
            if ident in seen:
                out.findings.append(
                    Finding(
                        "source-duplicate",
                        f"编号 {shown(ident)} 的问题在“{seen[ident].name}”和“{path.name}”中都有,采用前者",
                        Location(file=str(path)),
                        "warning",
                    )
                )
                continue
            seen[ident] = path
            rows.append(_at(row, path, as_of, read, out))
    if not out.files:
        return out
    _values(spec, rows, broken, dates, out, read)
    return out


def _at(row: _Row, path: Path, as_of: dt.date, read: ReadPlan, out: SourceData) -> _Row:
    """The row with its unit in the scheme's spelling (an unknown unit said once) and its dates."""
    said: list[Finding] = []
    unit = canonical_unit(row.unit, read, Location(file=str(path)), said)
    if said and unit not in out.unit_findings:
        out.unit_findings[unit] = said
    return _Row(unit, row.origin, row.category, row.status, row.done, row.deadline, path, as_of)


def _read_file(
    spec: SourceSpec, path: Path, findings: list[Finding]
) -> tuple[list[tuple[str, _Row]], dt.date | None] | None:
    """(id, row) of every row of one ledger file and its own as-of date; None (with a finding) if unusable."""
    try:
        if path.suffix.lower() == ".json":
            return _read_json(path)
        return _read_xlsx(path, findings)
    except _Unusable as e:
        findings.append(Finding("source-ledger", f"来源“{spec.id}”:{e.message}", e.location))
    except AssessError as e:
        said = e.message
        extra = getattr(e, "findings", None)
        if extra:
            said += ";".join(f"{f.location} {f.message}".strip() for f in extra[:3])
            said += f" 等 {len(extra)} 处" if len(extra) > 3 else ""
        findings.append(
            Finding(
                "source-ledger",
                f"来源“{spec.id}”的整改台账“{path.name}”无法使用:{said}",
                e.location if str(e.location) else Location(file=str(path)),
            )
        )
    except Exception as e:  # one bad file is a finding; the others are read
        findings.append(
            Finding(
                "source-ledger",
                f"来源“{spec.id}”的整改台账“{path.name}”无法读取(技术信息:{shown(str(e), 120)})",
                Location(file=str(path)),
            )
        )
    return None


class _Unusable(Exception):
    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


def _read_xlsx(path: Path, findings: list[Finding]) -> tuple[list[tuple[str, _Row]], dt.date | None]:
    from assess.rectify.ledger_read import open_ledger
    from assess.rectify.lifecycle import evaluate
    from assess.workbook.marker import LEDGER, label
    from assess.workbook.safety import inspect_file

    marks: dict[str, str] = {}
    inspect_file(path, marks=marks)
    kind = marks.get("kind")
    if kind != LEDGER:  # every ledger rectify saves carries the mark, and Excel and WPS keep it
        what = f"是 assess 生成的{label(kind)}" if kind is not None else "不是 assess rectify 生成的整改台账"
        raise _Unusable(
            f"“{path.name}”{what};整改台账来源只读取 assess rectify 生成的整改台账(xlsx)或整改情况 JSON"
            "(较早生成的台账请先用 assess rectify --ledger 更新一次)",
            Location(file=str(path)),
        )
    book = open_ledger(path)  # read only: the workbook is never saved here
    counted = evaluate(book)  # what the ledger's own figures count each row as
    findings.extend(counted.findings)  # warnings with their cells: why a row is not counted as written
    rows = [(r.id, _from_ledger_row(r, counted.of(r), path)) for r in book.rows]
    return rows, parse_iso(str(book.updated or ""))


def _from_ledger_row(r: Row, status: str, path: Path) -> _Row:
    return _Row(
        r.unit,
        _text(r.get(C_SOURCE)),
        _text(r.get(C_CATEGORY)),
        status,
        as_date(r.get(C_DONE_DATE)),
        r.deadline,
        path,
        dt.date.min,
    )


def _read_json(path: Path) -> tuple[list[tuple[str, _Row]], dt.date | None]:
    """整改情况.json as ``assess rectify --format json`` writes it; every row checked, refused whole."""
    from assess.scoring.results_file import read_json

    where = Location(file=str(path))
    data = read_json(path, "整改情况")
    fmt = data.get("format") if isinstance(data, dict) else None
    if not isinstance(fmt, str) or not fmt.startswith(JSON_PREFIX):
        raise _Unusable(
            f'“{path.name}”不是 assess rectify 输出的整改情况 JSON(应有 "format": "assess.rectify/1")', where
        )
    version = fmt[len(JSON_PREFIX) :]
    if not version.isdigit() or int(version) > 1:
        raise _Unusable(f"“{path.name}”的格式为 {fmt},本版本只能读取 assess.rectify/1,请升级 assess", where)
    problems = data.get("problems")
    if not isinstance(problems, list):
        raise _Unusable(f"“{path.name}”中没有问题列表(problems)", where)
    rows: list[tuple[str, _Row]] = []
    bad: list[str] = []
    for n, item in enumerate(problems, start=1):
        row = _json_row(item, path) if isinstance(item, dict) else None
        if row is None:
            bad.append(str(n))
            continue
        rows.append((str(item.get("id") or f"#{n}"), row))
    if bad:
        listed = "、".join(bad[:5]) + (f" 等 {len(bad)} 条" if len(bad) > 5 else "")
        raise _Unusable(
            f"“{path.name}”中第 {listed} 个问题的单位名称、整改状态、完成日期或整改时限无法识别,整个文件未采用",
            where,
        )
    return rows, parse_iso(str(data.get("as_of") or ""))


def _json_row(item: dict[str, Any], path: Path) -> _Row | None:
    unit = _text(item.get("unit"))
    status = ledger_status(_text(item.get("counted_as") or item.get("status")) or NOT_STARTED)
    done_text = _text(item.get("done_date"))
    done = parse_iso(done_text) if done_text else None
    deadline, ok = parse_deadline(item.get("deadline"))
    if not unit or status is None or (done_text and done is None) or not ok:
        return None
    return _Row(
        unit,
        _text(item.get("source")),
        _text(item.get("category")),
        status,
        done,
        deadline,
        path,
        dt.date.min,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# ---- the values ----------------------------------------------------------------------


def _counts(rule: RateSpec, row: _Row) -> bool:
    if row.status == NOT_APPLICABLE:
        return False
    if rule.origins and code_key(row.origin) not in {code_key(o) for o in rule.origins}:
        return False
    return not rule.categories or code_key(row.category) in {code_key(c) for c in rule.categories}


def _done(row: _Row) -> bool:
    return row.status in DONE and (row.done is None or row.done <= row.as_of)


def _tally(rule: RateSpec, rows: list[_Row]) -> _Tally:
    t = _Tally()
    for row in rows:
        if not _counts(rule, row):
            continue
        if rule.measure != "on_time":
            t.total += 1
            t.done += _done(row)
            continue
        deadline = row.deadline
        due = deadline == IMMEDIATE or (isinstance(deadline, dt.date) and deadline <= row.as_of)
        if not due:
            continue
        t.total += 1
        if not _done(row):
            continue
        if row.done is None:
            t.no_date += 1
        elif deadline == IMMEDIATE or (isinstance(deadline, dt.date) and row.done <= deadline):
            t.done += 1
    return t


def _head(spec: SourceSpec, rows: list[_Row], dates: dict[Path, dt.date]) -> str:
    """``整改台账(整改台账.xlsx,截至 2025-06-30)``: the source and the files a unit's figures come from."""
    files = list(dict.fromkeys(r.file for r in rows)) or list(dates)
    parts = [f"{p.name},截至 {dates[p].isoformat()}" for p in files if p in dates]
    if len({dates[p] for p in files if p in dates}) == 1 and len(files) > 1:
        parts = ["、".join(p.name for p in files) + f",截至 {dates[files[0]].isoformat()}"]
    return f"{spec.name}({';'.join(parts)})"


def _which(rule: RateSpec) -> str:
    """``来源为督查、暗访的`` when a rule chooses rows, else ""."""
    said = []
    if rule.origins:
        said.append(f"来源为{'、'.join(sorted(rule.origins))}")
    if rule.categories:
        said.append(f"类别为{'、'.join(sorted(rule.categories))}")
    return ("、".join(said) + "的") if said else ""


def _note(rule: RateSpec, t: _Tally) -> str:
    which = _which(rule)
    rate = f"{t.value():.2f}%"
    if rule.measure == "on_time":
        text = f"{which}到期问题 {t.total} 条,按期完成 {t.done} 条,按期整改率 {rate}"
        if t.no_date:
            text += f"(已完成但未填完成日期的 {t.no_date} 条不计为按期完成)"
        return text
    return f"{which}问题 {t.total} 条,已完成 {t.done} 条,完成率 {rate}"


def _empty_note(rule: RateSpec) -> str:
    what = "到期" if rule.measure == "on_time" else ""
    return f"{_which(rule)}无{what}整改问题"


def _values(
    spec: SourceSpec,
    rows: list[_Row],
    broken: list[str],
    dates: dict[Path, dt.date],
    out: SourceData,
    read: ReadPlan,
) -> None:
    title = spec.title
    if broken:  # a file that cannot be used: the figures would be wrong for the units it holds
        why = f"整改台账 {'、'.join(broken)} 无法使用"
        for key in spec.keys:
            out.defaults[key] = Value(None, MISSING, note=why, origin=title)
        out.detail = {"summary": f"{why},{'、'.join(spec.keys)} 按缺失处理"}
        return
    by_unit: dict[str, list[_Row]] = {}
    for row in rows:
        by_unit.setdefault(row.unit, []).append(row)
    head_all = _head(spec, [], dates)
    for rule in spec.rates:
        out.defaults[rule.key] = _empty(rule, head_all, title)
    for unit, unit_rows in by_unit.items():
        got: dict[str, Value] = {}
        head = _head(spec, unit_rows, dates)
        files = list(dict.fromkeys(r.file for r in unit_rows))
        for rule in spec.rates:
            t = _tally(rule, unit_rows)
            if not t.total:
                got[rule.key] = _empty(rule, head, title)
                continue
            got[rule.key] = Value(
                t.value(),
                OK,
                file=str(files[0]) if len(files) == 1 else "",
                note=f"{head}:{_note(rule, t)}",
                origin=title,
            )
        out.values[unit] = got
        out.where[unit] = f"问题 {len(unit_rows)} 条"
    units = len(by_unit)
    out.detail = {
        "summary": f"问题 {len(rows)} 条,涉及 {units} 个单位"
        + (",其余单位无整改问题" if not read.units or any(u not in by_unit for u in read.units) else ""),
        "rows": len(rows),
        "units": units,
    }


def _empty(rule: RateSpec, head: str, title: str) -> Value:
    note = f"{head}:{_empty_note(rule)}"
    if rule.empty == "missing":
        return Value(None, MISSING, note=note, origin=title)
    if rule.empty == "not_applicable":
        return Value(None, NA, note=note, origin=title)
    return Value(100.0, OK, note=f"{note},按 100% 计", origin=title)


__all__ = ["NONE_FOUND", "is_backup", "read_ledger"]
