"""Several raters' (or quarters') sheets of the same fields, combined into one value per unit.

A cross-review (交叉评议) has each panel score every unit; a year's routine
assessment (日常考核) is four quarterly results.  Each rater's sheet is a
table with one row per unit, read exactly as a ``table`` source; a rater is
one file, or one sheet of a workbook holding several raters' sheets, and is
known by a declared rater's name or alias in the file's or the sheet's name
(without declared raters: by the file's name, or the sheet's when a workbook
has several).  Each unit's value is combined as the scheme says, and its note
names every rater's figure, so the basis shows how the value was made.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from assess.errors import Finding, Location
from assess.sources.data import SourceData
from assess.sources.spec import RaterSpec, SourceSpec
from assess.sources.table import not_data, own_output, unreadable
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK, UnitData, Value
from assess.workbook.headers import HEADER_SCAN, UNIT_HEADERS, match_roles, spec_index
from assess.workbook.names import key_of, shown
from assess.workbook.read import Book, open_book
from assess.workbook.summary import summary_columns, summary_from_book

MEAN, TRIMMED, MEDIAN, WEIGHTED, SUM = "mean", "trimmed_mean", "median", "weighted", "sum"
TRIM_FROM = 3  # ratings needed to drop the highest and the lowest

METHOD_WORDS = {
    MEAN: "平均",
    TRIMMED: "去掉一个最高分和一个最低分后平均",
    MEDIAN: "取中位数",
    WEIGHTED: "按权重加权平均",
    SUM: "求和",
}


@dataclass(slots=True)
class Rater:
    """One rater's sheet as read: its units by name."""

    name: str
    weight: float | None
    path: Path
    sheet: str | None  # the sheet, when the workbook holds several raters
    units: dict[str, UnitData] = field(default_factory=dict)  # key_of(unit) → its row

    @property
    def label(self) -> str:
        """How a message names the rater's file: 评议二组.xlsx, or 评议表.xlsx 评议二组."""
        return f"{self.path.name} {self.sheet}" if self.sheet else self.path.name


@dataclass(frozen=True, slots=True)
class Combined:
    """One unit's combined figure and how it was reached, in words."""

    number: float
    note: str
    trimmed: bool = True  # False: a trimmed mean fell back to the plain mean (too few ratings)


def read_ratings(spec: SourceSpec, files: list[Path]) -> SourceData:
    out = SourceData(spec, list(files))
    raters = _read_raters(spec, files, out)
    declared = [r.name for r in spec.raters]
    found = {r.name for r in raters}
    if spec.raters:
        raters.sort(key=lambda r: declared.index(r.name))
        for rs in spec.raters:
            if rs.name not in found:
                out.findings.append(_rater_missing(spec, rs, files, len(raters)))
    _combine_units(spec, raters, out)
    names = [r.name for r in raters]
    missing = [n for n in declared if n not in found]
    summary = f"评分方 {len(names)} 个" + (f"(缺 {'、'.join(missing)})" if missing else "")
    summary += f":{'、'.join(names)};{METHOD_WORDS[spec.combine or MEAN]}" if names else ""
    out.detail = {"summary": summary, "raters": names}
    return out


# ---- which file or sheet is which rater ----------------------------------------------------


def _read_raters(spec: SourceSpec, files: list[Path], out: SourceData) -> list[Rater]:
    raters: list[Rater] = []
    for path in files:
        try:
            with open_book(path) as book:
                if not_data(book):  # assess's own output (a filled template is data)
                    out.findings.append(own_output(spec, path))
                    continue
                sheets = _rater_sheets(book, spec)
                if len(sheets) <= 1:  # one file, one rater: known by the file's name
                    sheet = sheets[0] if sheets else None
                    rater = _identify(spec, path, None, [path.stem, *sheets], out)
                    if rater is not None:
                        _read_sheet(spec, book, sheet, rater, raters, out)
                    continue
                for sheet in sheets:
                    rater = _identify(spec, path, sheet, [sheet], out)
                    if rater is not None:
                        _read_sheet(spec, book, sheet, rater, raters, out)
        except Exception as exc:  # one bad file is a finding; the others are read
            out.findings.append(unreadable(spec, path, exc))
    return raters


def _rater_sheets(book: Book, spec: SourceSpec) -> list[str]:
    """The visible sheets with a header row naming the unit and at least one of the fields."""
    by_code, by_name = spec_index(spec.read.inputs)
    found: list[str] = []
    for info in book.sheets:
        if info.visible != "visible":
            continue
        for row in book.rows(info.name)[:HEADER_SCAN]:
            if summary_columns(row, by_code, by_name) and match_roles(row, {"u": UNIT_HEADERS}):
                found.append(info.name)
                break
    return found


def _identify(
    spec: SourceSpec, path: Path, sheet: str | None, names: list[str], out: SourceData
) -> Rater | None:
    """The rater a file (or a sheet) belongs to; a finding when no declared rater is named in it."""
    if not spec.raters:
        return Rater(sheet or path.stem, None, path, sheet)
    for name in names:
        hits = matching(name, spec.raters)
        if len(hits) == 1:
            return Rater(hits[0].name, hits[0].weight, path, sheet)
        if len(hits) > 1:
            what = f"工作表“{sheet}”" if sheet else "文件名"
            message = (
                f"来源“{spec.id}”:“{path.name}”的{what}同时像评分方"
                f"{'、'.join(f'“{r.name}”' for r in hits)},无法确定是哪一个,未读取;请改用其中一个名称命名"
            )
            out.findings.append(Finding("ratings-unknown-rater", message, _at(path, sheet), "warning"))
            return None
    listed = "、".join(r.name for r in spec.raters)
    what = f"工作表“{sheet}”的名称" if sheet else "文件名"
    message = (
        f"来源“{spec.id}”:“{path.name}”的{what}中没有方案列出的评分方({listed}),未读取;"
        "请在文件名或工作表名中写明评分方,或在方案的 raters 中补上它"
    )
    out.findings.append(Finding("ratings-unknown-rater", message, _at(path, sheet), "warning"))
    return None


def matching(name: str, raters: Sequence[RaterSpec]) -> list[RaterSpec]:
    """The declared raters whose name or alias the text contains; the longest match wins."""
    text = key_of(name)
    best, hits = 0, []
    for rater in raters:
        for alias in (rater.name, *rater.aliases):
            k = key_of(alias)
            if not k or k not in text or len(k) < best:
                continue
            if len(k) > best:
                best, hits = len(k), [rater]
            elif rater not in hits:
                hits.append(rater)
    return hits


def _at(path: Path, sheet: str | None) -> Location:
    return Location(file=str(path), sheet=sheet)


def _read_sheet(
    spec: SourceSpec, book: Book, sheet: str | None, rater: Rater, raters: list[Rater], out: SourceData
) -> None:
    first = next((r for r in raters if r.name == rater.name), None)
    if first is not None:
        message = (
            f"来源“{spec.id}”中评分方“{rater.name}”有两份评分表:{first.label} 与 {rater.label},"
            "采用前者;请删去多余的一份,或改正文件名"
        )
        out.findings.append(Finding("ratings-rater-twice", message, _at(rater.path, sheet)))
        return
    units = summary_from_book(book, spec.read, sheet)
    out.findings.extend(units.findings)
    for unit in units:
        k = key_of(unit.unit)
        seen = rater.units.get(k)
        if seen is not None:
            message = (
                f"单位“{shown(unit.unit)}”在评分方“{rater.name}”的评分表({rater.path.name})中出现两次"
                f"({seen.where} 与 {unit.where}),采用前者"
            )
            sheet_name, _, cell = unit.where.partition("!")
            out.findings.append(
                Finding(
                    "source-duplicate", message, Location(file=str(rater.path), sheet=sheet_name, cell=cell)
                )
            )
            continue
        rater.units[k] = unit
    raters.append(rater)


def _rater_missing(spec: SourceSpec, rater: RaterSpec, files: list[Path], found: int) -> Finding:
    names = "、".join(p.name for p in files[:5]) + (f" 等 {len(files)} 个" if len(files) > 5 else "")
    message = (
        f"来源“{spec.id}”{spec.title}中没有评分方“{rater.name}”的评分表(已读取:{names});"
        f"文件名或工作表名中应含“{rater.name}”;按其余 {found} 个评分方计算"
    )
    return Finding("ratings-rater-missing", message, Location(file=str(files[0].parent) if files else None))


# ---- combining -----------------------------------------------------------------------------


def _combine_units(spec: SourceSpec, raters: list[Rater], out: SourceData) -> None:
    order: dict[str, str] = {}  # key_of(unit) → the name first read
    for rater in raters:
        for k, row in rater.units.items():
            order.setdefault(k, row.unit)
    method = spec.combine or MEAN
    for k, unit in order.items():
        rows = [(r, r.units.get(k)) for r in raters]
        present = [(r, row) for r, row in rows if row is not None]
        absent = [r for r, row in rows if row is None]
        said = out.unit_findings.setdefault(unit, [])
        for _r, row in present:
            said.extend(row.findings)
        for r in absent:
            message = f"{r.name}({r.label})没有给“{shown(unit)}”评分;按其余 {len(present)} 个评分方计算"
            said.append(Finding("ratings-unit-missing", message, _at(r.path, r.sheet)))
        first_rater, first_row = present[0]
        out.where[unit] = f"{first_rater.path.name} {first_row.where}"
        out.values[unit] = {
            key: _unit_value(spec, method, unit, key, present, absent, said) for key in spec.keys
        }
        if not said:
            del out.unit_findings[unit]


def _unit_value(
    spec: SourceSpec,
    method: str,
    unit: str,
    key: str,
    present: list[tuple[Rater, UnitData]],
    absent: list[Rater],
    said: list[Finding],
) -> Value:
    """One unit's field, combined from the raters who rated it (blank or bad ratings left out)."""
    name = next((s.name for s in spec.read.inputs if s.key == key), key)
    used: list[tuple[Rater, Value]] = []
    left: list[str] = [f"{r.name}(未评此单位)" for r in absent]
    states: list[str] = []
    unsaid: list[tuple[Rater, Value, str]] = []  # excluded ratings no reader finding names
    for r, row in present:
        v = row.values.get(key)
        if v is None:
            states.append(MISSING)
            left.append(f"{r.name}(表中没有此项)")
            continue
        if v.status == OK and v.number is not None:
            used.append((r, v))
            continue
        states.append(v.status)
        why = {MISSING: "空白", NOT_APPLICABLE: "不适用", ERROR: "无效"}.get(v.status, "无效")
        left.append(f"{r.name}({why})")
        if v.status != NOT_APPLICABLE and not _reported(row, v):
            unsaid.append((r, v, why))
    rest = f"按其余 {len(used)} 个评分方计算" if used else "没有其他有效评分,按缺失处理"
    for r, v, why in unsaid:
        message = (
            f"{r.name}({r.path.name} {v.where})对“{shown(unit)}”的“{name}”没有有效评分({why}),不计入;{rest}"
        )
        sheet, _, cell = v.where.partition("!")
        said.append(Finding("ratings-not-rated", message, Location(file=str(r.path), sheet=sheet, cell=cell)))
    tail = f";未计入:{'、'.join(left)}" if left else ""
    if not used:
        status = (
            NOT_APPLICABLE
            if states and all(s == NOT_APPLICABLE for s in states)
            else ERROR
            if ERROR in states
            else MISSING
        )
        note = f"各评分方均未给出有效评分{tail}"
        return Value(None, status, where="", file=str(present[0][0].path), note=note, origin=spec.title)
    scores = [(r.name, float(v.number or 0.0), r.weight) for r, v in used]
    got = combine(method, scores)
    if not got.trimmed:
        said.append(
            Finding(
                "ratings-too-few",
                f"“{shown(unit)}”的“{name}”只有 {len(used)} 个有效评分,不足 {TRIM_FROM} 个,"
                "未去掉最高分和最低分,按平均计算",
                Location(file=str(used[0][0].path)),
                "warning",
            )
        )
    first_rater, first = used[0]
    where = first.where if len(used) == 1 else f"{first.where} 等 {len(used)} 处"
    return Value(
        got.number,
        OK,
        where=where,
        file=str(first_rater.path),
        note=got.note + tail,
        origin=spec.title,
    )


def _reported(row: UnitData, v: Value) -> bool:
    """Whether the reader already made a finding at the value's cell."""
    sheet, _, cell = v.where.partition("!")
    return any(f.location.sheet == sheet and f.location.cell == cell for f in row.findings)


def combine(method: str, scores: Sequence[tuple[str, float, float | None]]) -> Combined:
    """``scores``: (rater, figure, weight) in the raters' order, at least one."""
    figures = [x for _n, x, _w in scores]
    listed = "、".join(f"{n} {_num(x)}" for n, x, _w in scores)
    if method == TRIMMED and len(scores) >= TRIM_FROM:
        hi = max(range(len(figures)), key=lambda i: (figures[i], -i))
        lo = min(range(len(figures)), key=lambda i: (figures[i], i) if i != hi else (float("inf"), i))
        kept = [x for i, x in enumerate(figures) if i not in (hi, lo)]
        value = _clean(sum(kept) / len(kept))
        head = f"去掉最高分 {_num(figures[hi])}({scores[hi][0]})和最低分 {_num(figures[lo])}({scores[lo][0]})后平均"
        return Combined(value, f"{head}:{listed} → {_two(value)}")
    if method == TRIMMED:
        value = _clean(sum(figures) / len(figures))
        head = f"有效评分不足 {TRIM_FROM} 个,未去掉最高分和最低分,直接平均"
        return Combined(value, f"{head}:{listed} → {_two(value)}", trimmed=False)
    if method == MEDIAN:
        value = _clean(statistics.median(figures))
        return Combined(value, f"取中位数:{listed} → {_two(value)}")
    if method == WEIGHTED:
        weights = [1.0 if w is None else w for _n, _x, w in scores]
        value = _clean(sum(w * x for w, x in zip(weights, figures, strict=True)) / sum(weights))
        parts = "、".join(
            f"{n} {_num(x)}(权重 {_num(w)})" for (n, x, _w), w in zip(scores, weights, strict=True)
        )
        return Combined(value, f"加权平均:{parts} → {_two(value)}")
    if method == SUM:
        value = _clean(sum(figures))
        return Combined(value, f"求和:{listed} → {_two(value)}")
    value = _clean(sum(figures) / len(figures))
    return Combined(value, f"平均:{listed} → {_two(value)}")


def _clean(x: float) -> float:
    """Binary artefacts cleaned, as the engine does for formulas: (80 + 86 + 92) / 3 is 86."""
    return round(float(x), 9)


def _num(x: float) -> str:
    """A rating as written: 80, 86.5 (no trailing zeros)."""
    return f"{x:.10g}"


def _two(x: float) -> str:
    """The combined figure to two decimals, rounded half up: 87.00, 86.67."""
    return f"{Decimal(repr(x)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
