"""A findings list (问题清单) as a data source: its rows counted into the scheme's inputs.

The list is the one ``assess rectify --findings`` reads: one row per problem with the
columns 单位名称, 问题来源, 问题类别, 问题描述 (and, for a ``counts:`` rule that weighs
by severity, 严重程度).  Its header is found and its rows are read by the same functions
as rectify's (:mod:`assess.rectify.findings`), so one file feeds both the scores
(``--data 督查=清单.xlsx``) and the rectification ledger (``rectify --findings 清单.xlsx``);
two rows rectify merges as one problem count once here too.

Each ``counts:`` rule adds, per unit, the weight of every row whose 来源, 类别 and 严重程度
it takes (after normalising spaces and full-width characters); a row counts at most once
per key, by the first rule of that key that takes it.  A unit the list does not name has
found no problem: 0 for every key, said "未发现问题".  A file that cannot be used (unreadable,
without the required columns) makes the keys it would have fed missing for every unit,
never 0.  Nothing is dropped in silence: a row without a unit, a unit not in the scheme, a
row no rule counts, a blank or unknown 严重程度 are findings with their cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assess.errors import Finding, Location
from assess.rectify.findings import (
    ALIASES,
    REQUIRED,
    Header,
    find_headers,
    lookup,
    missing_columns,
    not_a_problem,
    row_values,
)
from assess.rectify.model import normalise_text
from assess.scheme.inputs import ReadPlan
from assess.scheme.plan import COUNT_UNITS
from assess.sources.data import SourceData
from assess.sources.spec import CountSpec, SourceSpec
from assess.sources.table import blank_template, not_data, own_output, unreadable
from assess.workbook.checks import canonical_unit
from assess.workbook.data import MISSING, OK, Value
from assess.workbook.marker import TEMPLATE
from assess.workbook.names import code_key, shown
from assess.workbook.read import column_letter, open_book

UNIT = "单位名称"
ORIGIN = "问题来源"
CATEGORY = "问题类别"
SEVERITY = "严重程度"
COLUMNS: dict[str, tuple[str, ...]] = {
    **ALIASES,
    SEVERITY: ("性质", "问题性质", "严重性", "问题等级", "问题严重程度"),
}
_KEYS = lookup(COLUMNS)
NONE_FOUND = "未发现问题"  # the note of a 0 counted from a list that names no problem of the unit
LISTED = 10  # cells listed in a value's ``where`` before "等 N 处"


@dataclass(slots=True)
class _Row:
    """One problem row as counted: where it is, what it says, the keys it counts into."""

    file: Path
    sheet: str
    row: int  # 1-based
    cell: str  # the unit's cell, e.g. B5
    unit: str
    origin: str
    category: str
    severity: str
    counted: dict[str, float] = field(default_factory=dict)  # key → weight


# What a row's words decide (``_Reader._decide``): keys counted with their weights, columns whose
# blank leaves keys undecided, rules the severity is unknown to, undecided for a lacking column.
_Decision = tuple[dict[str, float], dict[str, list[str]], list[CountSpec], bool]


class _Reader:
    """One source's files read row by row, then :meth:`finish` makes the values."""

    def __init__(self, spec: SourceSpec, read: ReadPlan) -> None:
        self.spec = spec
        self.read = read
        self.out = SourceData(spec)
        self.rows: list[_Row] = []
        self.broken: dict[str, str] = {}  # key → why it cannot be counted (a file unusable for it)
        self.seen: dict[tuple[str, str, str], tuple[Path, str]] = {}  # problem key → (file, "sheet 第 N 行")
        self.unknown: set[str] = set()  # names said once as not in the scheme
        self.uncounted = 0  # rows no rule takes
        counts = spec.counts
        self.names = {s.key: s.name for s in spec.read.inputs}
        self.words = {s.key: s.unit if s.unit in COUNT_UNITS else "个" for s in spec.read.inputs}
        # the scheme's spelling of every origin, category and severity a rule names
        self.spelled: dict[str, dict[str, str]] = {
            ORIGIN: {code_key(o): o for c in counts for o in c.origins},
            CATEGORY: {code_key(o): o for c in counts for o in c.categories},
            SEVERITY: {code_key(s): s for c in counts for s, _w in c.severities},
        }
        self.weighed = any(c.severities for c in counts)
        # (origin, category, severity as written) → ``_decide``'s answer, for one header's columns
        self.decisions: dict[tuple[str, str, str], _Decision] = {}
        self.decided_for: set[str] | None = None

    def label(self, key: str) -> str:
        """``6.3“督查暗访发现问题”`` for a key in a message."""
        name = self.names.get(key, key)
        return f"{key}“{name}”" if name != key else f"“{name}”"

    def labels(self, keys: list[str]) -> str:
        return "、".join(self.label(k) for k in dict.fromkeys(keys))

    def fail(self, why: str, keys: tuple[str, ...] | list[str]) -> None:
        for key in keys:
            self.broken.setdefault(key, why)

    # ---- one file ----------------------------------------------------------------------

    def read_file(self, path: Path) -> None:
        try:
            with open_book(path) as book:
                if not_data(book):
                    self.out.findings.append(own_output(self.spec, path))
                    self.out.files.remove(path)
                    return
                template = book.output_kind == TEMPLATE
                headers, best = find_headers(book, REQUIRED, _KEYS)
                if not headers:
                    self._no_header(path, best)
                    return
                before = len(self.rows)
                said = len(self.out.findings)
                for h in headers:
                    lacking = self._lacking(path, h)
                    rows = book.rows(h.sheet)
                    for r in range(h.row + 1, len(rows)):
                        self._row(path, h, rows[r], r + 1, lacking)
        except Exception as exc:  # one bad file is a finding; the others are read
            self.out.findings.append(unreadable(self.spec, path, exc))
            self.fail(f"问题清单 {path.name} 无法读取", self.spec.keys)
            return
        if template and len(self.rows) == before and len(self.out.findings) == said:
            self.out.findings.append(blank_template(self.spec, path))
            self.out.files.remove(path)

    def _no_header(self, path: Path, best: Header | None) -> None:
        missing, where = missing_columns(best, REQUIRED)
        keys = self.labels(list(self.spec.keys))
        self.out.findings.append(
            Finding(
                "findings-columns",
                f"问题清单 {path.name} 缺少必需的列:{'、'.join(missing)}{where}。"
                f"必需的列为:{'、'.join(REQUIRED)};该文件中的问题未计入,{keys} 按缺失处理",
                Location(file=str(path)),
            )
        )
        self.fail(f"问题清单 {path.name} 缺少必需的列", self.spec.keys)

    def _lacking(self, path: Path, h: Header) -> set[str]:
        """Keys a sheet cannot count: their rule weighs by 严重程度 and the sheet has no such column."""
        if SEVERITY in h.columns:
            return set()
        keys = [c.key for c in self.spec.counts if c.severities]
        if not keys:
            return set()
        others = "、".join(COLUMNS[SEVERITY])
        self.out.findings.append(
            Finding(
                "findings-columns",
                f"问题清单 {path.name} 的工作表“{h.sheet}”没有严重程度列(也可写作:{others});"
                f"{self.labels(keys)} 按严重程度计数,无法计算,按缺失处理",
                Location(file=str(path), sheet=h.sheet, row=h.row + 1),
            )
        )
        self.fail(f"问题清单 {path.name} 没有严重程度列,无法计数", keys)
        return set(keys)

    # ---- one row -----------------------------------------------------------------------

    def _row(self, path: Path, h: Header, raw: list[object], r: int, lacking: set[str]) -> None:
        values = row_values(h, raw)
        if not any(values.values()) or not_a_problem(values):
            return

        def loc(name: str) -> Location:
            return Location(file=str(path), sheet=h.sheet, cell=f"{column_letter(h.columns[name])}{r}")

        written = values[UNIT]
        if not written:
            self.out.findings.append(
                Finding("finding-unit-blank", f"第 {r} 行的单位名称为空,该问题未计入任何单位", loc(UNIT))
            )
            return
        said: list[Finding] = []
        unit = canonical_unit(written, self.read, loc(UNIT), said)
        if said and unit not in self.unknown:  # said once per name, at its first row
            self.unknown.add(unit)
            self.out.unit_findings.setdefault(unit, []).extend(said)
        origin, category = values[ORIGIN], values[CATEGORY]
        description = values.get("问题描述", "")
        if description:
            # the same key as the problem's id in rectify, without hashing it for every row
            ident = (unit.strip(), origin.strip(), normalise_text(description))
            place = f"{h.sheet} 第 {r} 行"
            first = self.seen.get(ident)
            if first is not None:
                there = first[1] if first[0] == path else f"{first[0].name} {first[1]}"
                self._unit_finding(
                    unit,
                    Finding(
                        "duplicate-finding",
                        f"与{there}的问题相同(同一单位、来源和描述),已合并为一条",
                        Location(file=str(path), sheet=h.sheet, row=r),
                        "warning",
                    ),
                )
                return
            self.seen[ident] = (path, place)
        row = _Row(
            path,
            h.sheet,
            r,
            f"{column_letter(h.columns[UNIT])}{r}",
            unit,
            origin,
            category,
            values.get(SEVERITY, ""),
        )
        self.rows.append(row)
        self._count(row, lacking, loc)

    def _count(self, row: _Row, lacking: set[str], loc: Callable[[str], Location]) -> None:
        # The decision depends on the row's three words alone: a list of 30,000 rows has a few
        # dozen distinct triples, each decided once (``_decide``); only the findings are per row.
        if lacking is not self.decided_for:  # another header: other columns may be lacking
            self.decisions, self.decided_for = {}, lacking
        memo_key = (row.origin, row.category, row.severity)
        decision = self.decisions.get(memo_key)
        if decision is None:
            decision = self.decisions[memo_key] = self._decide(row, lacking)
        counted, blanks, unknown_severity, undecided = decision
        row.counted.update(counted)
        for column, keys in blanks.items():
            if not keys:
                continue
            hint = ""
            if column == SEVERITY:
                hint = f"(可填:{'、'.join(_options(self.spec.counts, keys))})"
            self._unit_finding(
                row.unit,
                Finding(
                    "finding-blank",
                    f"第 {row.row} 行的{column}为空,无法判断是否计入 {self.labels(keys)}{hint},未计入",
                    loc(column),
                ),
            )
        said_keys: set[str] = set()
        for c in unknown_severity:
            if c.key in said_keys:
                continue
            said_keys.add(c.key)
            options = "、".join(s for s, _w in c.severities)
            self._unit_finding(
                row.unit,
                Finding(
                    "finding-severity",
                    f"第 {row.row} 行的严重程度“{shown(row.severity)}”不是 {self.label(c.key)} 计入的严重程度"
                    f"({options}),该问题未计入 {self.label(c.key)}",
                    loc(SEVERITY),
                ),
            )
        if row.counted or undecided or any(blanks.values()) or unknown_severity:
            return
        self.uncounted += 1
        said = f"来源“{shown(row.origin)}”,类别“{shown(row.category)}”"
        if self.weighed and row.severity:
            said += f",严重程度“{shown(row.severity)}”"
        self._unit_finding(
            row.unit,
            Finding(
                "finding-unmatched",
                f"第 {row.row} 行的问题({said})不计入任何指标或扣分项",
                loc(ORIGIN),
                "warning",
            ),
        )

    def _decide(self, row: _Row, lacking: set[str]) -> _Decision:
        """The keys a row with these words counts into (with their weights), the columns whose
        blank leaves keys undecided, the rules its severity is unknown to, and whether a missing
        column leaves it undecided."""
        origin = self._spelled(ORIGIN, row.origin)
        category = self._spelled(CATEGORY, row.category)
        severity = self._spelled(SEVERITY, row.severity)
        counted: dict[str, float] = {}
        blanks: dict[str, list[str]] = {}  # column → keys it leaves undecided
        unknown_severity: list[CountSpec] = []
        undecided = False
        for c in self.spec.counts:
            if c.key in counted:
                continue
            states = [
                (ORIGIN, _state(c.origins, origin)),
                (CATEGORY, _state(c.categories, category)),
            ]
            if any(s is False for _n, s in states):
                continue
            empty = [n for n, s in states if s is None]
            if c.severities:
                if c.key in lacking:
                    undecided = True
                    continue
                if not severity:
                    empty.append(SEVERITY)
            if empty:
                for n in empty:
                    blanks.setdefault(n, []).append(c.key)
                continue
            weight = c.weight(origin, category, severity)
            if weight is None:
                unknown_severity.append(c)
                continue
            counted[c.key] = weight
        for key in counted:  # a key counted by another rule is decided
            for keys in blanks.values():
                while key in keys:
                    keys.remove(key)
        unknown_severity = [c for c in unknown_severity if c.key not in counted]
        return counted, blanks, unknown_severity, undecided

    def _spelled(self, column: str, text: str) -> str:
        return self.spelled[column].get(code_key(text), text) if text else ""

    def _unit_finding(self, unit: str, finding: Finding) -> None:
        self.out.unit_findings.setdefault(unit, []).append(finding)

    # ---- the values --------------------------------------------------------------------

    def finish(self) -> SourceData:
        out, spec = self.out, self.spec
        title = spec.title
        if not out.files:  # every file was assess's own output or a blank template
            out.values.clear()
            out.unit_findings.clear()
            return out
        by_unit: dict[str, list[_Row]] = {}
        for row in self.rows:
            by_unit.setdefault(row.unit, []).append(row)
        for key in spec.keys:
            if key in self.broken:
                out.defaults[key] = Value(None, MISSING, note=self.broken[key], origin=title)
            else:
                out.defaults[key] = Value(0.0, OK, note=NONE_FOUND, origin=title)
        for unit, rows in by_unit.items():
            got: dict[str, Value] = {}
            for key in spec.keys:
                if key in self.broken:
                    got[key] = out.defaults[key]
                    continue
                counted = [r for r in rows if key in r.counted]
                if not counted:
                    got[key] = Value(0.0, OK, note=NONE_FOUND, origin=title)
                    continue
                place, file = _where(counted)
                got[key] = Value(
                    sum(r.counted[key] for r in counted),
                    OK,
                    where=place,
                    file=file,
                    note=self._note(key, counted),
                    origin=title,
                )
            out.values[unit] = got
            if rows:
                out.where[unit] = f"问题 {len(rows)} 条"
        out.detail = {"summary": self._summary(by_unit), "rows": len(self.rows), "units": len(by_unit)}
        return out

    def _note(self, key: str, rows: list[_Row]) -> str:
        """``督查 2 个、暗访 1 个``: the rows counted, by 来源 or 类别 (see :meth:`_by`)."""
        column = self._by(key, rows)
        word = self.words.get(key, "个")
        parts: dict[str, int] = {}
        for r in rows:
            label = self._label(column, r) or f"未填{column.removeprefix('问题')}"
            parts[label] = parts.get(label, 0) + 1
        note = "、".join(f"{label} {n} {word}" for label, n in parts.items())
        if any(r.counted[key] != 1 for r in rows):
            weights: dict[tuple[str, float], int] = {}
            for r in rows:
                level = (self._spelled(SEVERITY, r.severity), r.counted[key])
                weights[level] = weights.get(level, 0) + 1
            order = [s for c in self.spec.counts if c.key == key for s, _w in c.severities]
            levels = sorted(weights, key=lambda sw: order.index(sw[0]) if sw[0] in order else len(order))
            folded = "、".join(
                f"{s} {weights[s, w]} {word}计 {_num(weights[s, w] * w)} {word}" for s, w in levels
            )
            note += f",按严重程度折算:{folded}"
        return note

    def _by(self, key: str, rows: list[_Row]) -> str:
        """The column a key's count is broken down by: one its rules take several values of
        (来源 first), else one they do not filter on, else one they take a single value of;
        of these the first that tells the rows apart, else the first."""
        rules = [c for c in self.spec.counts if c.key == key]
        taken = {
            ORIGIN: set().union(*(c.origins for c in rules)) if all(c.origins for c in rules) else set(),
            CATEGORY: set().union(*(c.categories for c in rules))
            if all(c.categories for c in rules)
            else set(),
        }
        order = [c for c in (ORIGIN, CATEGORY) if len(taken[c]) > 1]
        order += [c for c in (ORIGIN, CATEGORY) if not taken[c]]
        order += [c for c in (ORIGIN, CATEGORY) if len(taken[c]) == 1]
        for column in order:
            if len({self._label(column, r) for r in rows}) > 1:
                return column
        return order[0]

    def _label(self, column: str, row: _Row) -> str:
        return self._spelled(column, row.origin if column == ORIGIN else row.category)

    def _summary(self, by_unit: dict[str, list[_Row]]) -> str:
        rows = len(self.rows)
        named = sum(1 for rows_of in by_unit.values() if rows_of)
        text = f"问题 {rows} 条"
        if self.uncounted:
            text += f"(其中 {self.uncounted} 条不计入任何一项)"
        if not rows:
            text += ",所有单位均未发现问题"
        else:
            text += f",涉及 {named} 个单位"
            if not self.read.units or any(u not in by_unit for u in self.read.units):
                text += ",其余单位未发现问题"
        if self.broken:
            text += f";{self.labels(list(self.broken))} 无法计数,按缺失处理"
        return text


def _state(wanted: frozenset[str], got: str) -> bool | None:
    """Whether a rule's filter takes a cell: True, False, or None for a blank it needs."""
    if not wanted:
        return True
    if not got:
        return None
    return got in wanted


def _options(counts: tuple[CountSpec, ...], keys: list[str]) -> list[str]:
    out: dict[str, None] = {}
    for c in counts:
        if c.key in keys:
            out.update(dict.fromkeys(s for s, _w in c.severities))
    return list(out)


def _num(x: float) -> str:
    return f"{x:g}"


def _where(rows: list[_Row]) -> tuple[str, str]:
    """The cells of the rows counted (``问题清单!B5、B9``) and their file ("" when several)."""
    files = list(dict.fromkeys(r.file for r in rows))
    groups: dict[tuple[Path, str], list[str]] = {}
    for r in rows[:LISTED]:
        groups.setdefault((r.file, r.sheet), []).append(r.cell)
    parts = []
    for (path, sheet), cells in groups.items():
        head = f"{path.name} " if len(files) > 1 else ""
        parts.append(f"{head}{sheet}!{'、'.join(cells)}")
    text = ";".join(parts)
    if len(rows) > LISTED:
        text += f" 等 {len(rows)} 处"
    return text, str(files[0]) if len(files) == 1 else ""


def read_findings(spec: SourceSpec, files: list[Path], read: ReadPlan) -> SourceData:
    """A findings list's files counted into the source's keys (never raises for a bad file)."""
    reader = _Reader(spec, read)
    reader.out.files = list(files)
    for path in files:
        reader.read_file(path)
    return reader.finish()


__all__ = ["COLUMNS", "NONE_FOUND", "read_findings"]
