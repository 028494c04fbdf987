"""Problems from score results: every material lost point, every penalty and veto becomes one.

Results are the JSON that ``assess score`` / ``assess rank`` write: either a
list of units (``UnitResult.to_dict()``) or ``{"format": "assess.score/1",
"scheme": {...}, "units": [...]}``.  The wording comes from the scheme's
``rectify`` templates; an item without one gets a default sentence built
from the scoring basis.

A ranking loses fractions of a point on most indicators; listing each one
buries the real gaps, so a :class:`Screen` keeps a lost point only when it is
material (docs/rectify.md "失分问题的筛选") and the rest is counted in
:class:`Omitted`, said in one line.  Penalties, vetoes and indicators without
usable data are always listed.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assess.errors import DataError, Finding, Location
from assess.rectify.model import (
    IMMEDIATE,
    MAX_CELL_TEXT,
    ONGOING,
    SOURCE_SCORE,
    Deadline,
    Problem,
    add_days,
    clean_text,
    fmt_number,
    score_problem_id,
    shown,
)
from assess.scheme import model as m
from assess.scheme.plan import Plan

RESULT_FORMAT_PREFIX = "assess.score/"
SUPPORTED_RESULT_VERSION = 1
DEFAULT_DEADLINE_DAYS = 90
DEFAULT_MEASURE = "分析失分原因,制定整改方案,明确责任人和完成时限,逐项抓好落实"
CATEGORY_PENALTY = "扣分事项"
CATEGORY_VETO = "一票否决事项"
DEFAULT_MIN_LOST = 0.5
DEFAULT_MIN_SHARE = 0.1
_EPS = 1e-9  # 0.5 lost of 5 points is 10 % even when the float says 0.09999999

ALL_LOST_HINT = ",可用 --all-lost 全部列出"  # the command line's way to list them all


@dataclass(frozen=True, slots=True)
class Limits:
    """What one lost point must reach to be listed; all three must hold."""

    min_lost: float
    min_share: float
    below_average: bool

    def words(self) -> str:
        """``失分不足 0.5 分或不足该项分值的 10%``: what an unlisted item fell short of."""
        parts = []
        if self.min_lost > 0:
            parts.append(f"失分不足 {fmt_number(self.min_lost)} 分")
        if self.min_share > 0:
            parts.append(f"{'失分' if not parts else ''}不足该项分值的 {fmt_number(self.min_share * 100)}%")
        if self.below_average:
            parts.append("实际值不差于平均值")
        if len(parts) > 1:
            head = "、".join(parts[:-1])
            return head + (" 或" if head.endswith("%") else "或") + parts[-1]  # a space after a number
        return parts[0] if parts else ""


@dataclass(frozen=True, slots=True)
class Screen:
    """The command line's limits; None leaves each to the scheme's ``rectify:``, then the default.

    An indicator's own ``rectify:`` limits come first (the scheme's author said
    that indicator needs them), then these, then the scheme's top-level
    ``rectify:``, then ``DEFAULT_MIN_LOST`` / ``DEFAULT_MIN_SHARE`` / no average
    test.  ``all_lost`` lists every lost point whatever is set.
    """

    min_lost: float | None = None
    min_share: float | None = None
    below_average: bool | None = None
    all_lost: bool = False

    def limits(self, plan: Plan, own: m.RectifyFilter | None = None) -> Limits:
        top = plan.scheme.rectify

        def pick(name: str, default: Any) -> Any:
            for layer in (own, self, top):
                value = getattr(layer, name, None) if layer is not None else None
                if value is not None:
                    return value
            return default

        return Limits(
            float(pick("min_lost", DEFAULT_MIN_LOST)),
            float(pick("min_share", DEFAULT_MIN_SHARE)),
            bool(pick("below_average", False)),
        )


def _own_limits(rectify: m.RectifyFilter | None) -> bool:
    return rectify is not None and any(
        getattr(rectify, n) is not None for n in ("min_lost", "min_share", "below_average")
    )


@dataclass(slots=True)
class Omitted:
    """Lost points left off the checklists by the screen, said in one line (never dropped in silence)."""

    problems: list[Problem] = field(default_factory=list)
    criteria: str = ""  # the run's limits in words (Limits.words)
    own: bool = False  # some items were judged by their indicator's own limits
    no_average: bool = False  # below_average was asked for results without statistics

    @property
    def count(self) -> int:
        return len(self.problems)

    @property
    def lost(self) -> float:
        return math.fsum(p.lost or 0.0 for p in self.problems)

    def of_unit(self, unit: str) -> Omitted:
        return Omitted([p for p in self.problems if p.unit == unit], self.criteria, self.own)

    def sentence(self, *, checklist: bool = False) -> str:
        """``另有 44 项失分未列入整改清单(失分不足 0.5 分…,合计 12.3 分),可用 --all-lost 列出``."""
        if not self.problems:
            return ""
        why = self.criteria
        if self.own:
            why = f"{why};部分指标按方案的规定" if why else "按方案对这些指标的规定"
        detail = f"{why},合计 {fmt_number(self.lost)} 分" if why else f"合计 {fmt_number(self.lost)} 分"
        where = "本清单" if checklist else "整改清单"
        text = f"另有 {self.count} 项指标失分未列入{where}({detail})"
        return text + ("。" if checklist else ALL_LOST_HINT)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "lost": round(self.lost, 6),
            "criteria": self.criteria,
            "sentence": self.sentence(),
            "items": [
                {"id": p.id, "unit": p.unit, "indicator": p.indicator, "lost": p.lost} for p in self.problems
            ],
        }


def _material(
    ind: Mapping[str, Any], lost: float, limits: Limits, stats: Mapping[str, Mapping[str, Any]] | None
) -> bool | None:
    """Whether a lost point is listed; None when only an average the results lack could tell."""
    if lost < limits.min_lost - _EPS:
        return False
    points = _number(ind.get("points"))
    if points is not None and points > 0 and lost < limits.min_share * points - _EPS:
        return False
    if not limits.below_average:
        return True
    if not stats:
        return None
    stat = stats.get(str(ind.get("id")))
    value = _number(ind.get("value"))
    average = _number(stat.get("average")) if stat is not None else None
    if value is None or average is None or stat is None:
        return True  # a yes/no indicator has no average, nor one no unit reported: listed
    return value > average if stat.get("direction") == "lower" else value < average


@dataclass(frozen=True, slots=True)
class _Item:
    """What a problem is worded from: an indicator, a penalty or a veto."""

    name: str
    department: str | None
    rectify: m.RectifyText | None
    category: str


def load_results(path: Path) -> list[dict[str, Any]]:
    """The units of a score results JSON file (a list, or the ``assess.score/1`` wrapper)."""
    return read_results(path)[0]


def read_results(path: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The units of a score results JSON file and its indicator statistics by id (``assess rank``
    output has them; ``assess score`` output and a plain list have none)."""
    from assess.scoring.results_file import read_json

    data = read_json(path, "评分结果")
    return units_of(data, path), statistics_of(data)


def statistics_of(data: Any) -> dict[str, dict[str, Any]]:
    """Indicator id → its statistics entry in a results document (empty when it has none)."""
    stats = data.get("statistics") if isinstance(data, dict) else None
    if not isinstance(stats, list):
        return {}
    return {str(s["id"]): s for s in stats if isinstance(s, dict) and "id" in s}


def units_of(data: Any, path: Path) -> list[dict[str, Any]]:
    """The units of a results document, its structure checked."""
    where = Location(file=str(path))
    if isinstance(data, dict):
        fmt = data.get("format")
        if isinstance(fmt, str) and fmt.startswith(RESULT_FORMAT_PREFIX):
            version = fmt[len(RESULT_FORMAT_PREFIX) :]
            if not version.isdigit() or int(version) > SUPPORTED_RESULT_VERSION:
                raise DataError(
                    f"评分结果文件的格式为 {fmt},本版本只能读取 assess.score/1,请升级 assess",
                    where,
                )
        units = data.get("units")
    else:
        units = data
    if not isinstance(units, list) or not all(
        isinstance(u, dict) and isinstance(u.get("unit"), str) for u in units
    ):
        raise DataError(
            "评分结果文件的结构不对:应为 assess score 输出的 JSON(单位列表,或含 units 的对象)",
            where,
        )
    for unit in units:
        for key in ("indicators", "penalties", "vetoes"):
            items = unit.get(key)
            if items is not None and not (
                isinstance(items, list) and all(isinstance(i, dict) for i in items)
            ):
                raise DataError(
                    f"评分结果文件的结构不对:单位“{shown(unit['unit'])}”的 {key} 应为对象的列表;"
                    "请使用 assess score 输出的 JSON",
                    Location(file=str(path), key=key),
                )
    return units


def _no_constant(name: str) -> Any:
    raise ValueError(f"含有 {name},不是有效的数值")


def _items(plan: Plan) -> dict[tuple[str, str], _Item]:
    s = plan.scheme
    out: dict[tuple[str, str], _Item] = {}
    for ind in plan.indicators:
        cat = plan.categories[ind.category].name
        out[("indicator", ind.id)] = _Item(ind.name, ind.department, ind.rectify, cat)
    if s.penalties:
        for p in s.penalties.items:
            out[("penalty", p.id)] = _Item(p.name, p.department, p.rectify, CATEGORY_PENALTY)
    for v in s.vetoes:
        out[("veto", v.id)] = _Item(v.name, v.department, v.rectify, CATEGORY_VETO)
    return out


class _Blank(dict[str, str]):
    """format_map mapping that leaves unknown placeholders as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _value_text(value: Any, unit: str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    number = _number(value)
    if number is None:
        return "—" if isinstance(value, (int, float)) else str(value)
    if unit == "%":
        return f"{number:.2f}%"
    text = fmt_number(number)
    return f"{text} {unit}" if unit else text


def _target_text(value: Any, unit: str | None) -> str:
    number = _number(value)
    if number is None:
        return "—"
    text = fmt_number(number)
    if unit == "%":
        return text + "%"
    return f"{text} {unit}" if unit else text


def _fill(template: str, values: Mapping[str, str]) -> str | None:
    """The template with placeholders filled; None if it is not a valid format string."""
    try:
        list(string.Formatter().parse(template))
        return template.format_map(_Blank(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        return None


def _deadline(item: _Item, as_of: dt.date, findings: list[Finding], where: Location) -> Deadline:
    rectify = item.rectify
    if rectify is not None and rectify.ongoing:
        return ONGOING
    days = rectify.deadline_days if rectify is not None else None
    if days is None:
        days = DEFAULT_DEADLINE_DAYS
    if days == 0:
        return IMMEDIATE
    day = add_days(as_of, days)
    if day is None:
        findings.append(
            Finding(
                "rectify-template",
                f"“{shown(item.name)}”的整改时限 {days:,} 天超出了日期的范围(最晚 9999-12-31),"
                "已按未填处理;请改正方案中的 deadline_days",
                where,
                "warning",
            )
        )
    return day


def _days(rectify: m.RectifyText | None) -> int | None:
    """Days from first seen to the deadline, when the deadline is a date."""
    if rectify is not None and rectify.ongoing:
        return None
    days = rectify.deadline_days if rectify is not None else None
    days = DEFAULT_DEADLINE_DAYS if days is None else days
    return days or None


def _word(
    item: _Item,
    placeholders: dict[str, str],
    default: str,
    findings: list[Finding],
    where: Location,
) -> tuple[str, str]:
    problem = measure = None
    if item.rectify is not None:
        if item.rectify.problem:
            problem = _fill(item.rectify.problem, placeholders)
            if problem is None:
                findings.append(
                    Finding(
                        "rectify-template",
                        f"“{shown(item.name)}”的整改问题模板无法使用(花括号不成对),已改用默认表述",
                        where,
                        "warning",
                    )
                )
        if item.rectify.measure:
            measure = _fill(item.rectify.measure, placeholders)
    return problem or default, measure or DEFAULT_MEASURE


def problems_from_results(
    plan: Plan,
    units: Iterable[Mapping[str, Any]],
    as_of: dt.date,
    *,
    file: str | None = None,
    findings: list[Finding] | None = None,
    screen: Screen | None = None,
    omitted: Omitted | None = None,
    statistics: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Problem]:
    """One problem per indicator with lost points, per penalty and per veto, in scheme order.

    With a ``screen``, a lost point below its limits goes to ``omitted`` instead
    (``statistics``: the results' indicator statistics by id, for ``below_average``).
    """
    sink = findings if findings is not None else []
    left = omitted if omitted is not None else Omitted()
    items = _items(plan)
    scheme_id = plan.scheme.id
    out: list[Problem] = []
    for unit_data in units:
        unit = clean_text(str(unit_data["unit"]))
        where = Location(file=file, key=shown(unit))
        for ind in unit_data.get("indicators") or []:
            ident = clean_text(str(ind.get("id")))
            if ind.get("rule") == "sum" or ident in plan.parents:
                continue  # a parent's loss is its children's
            lost = _number(ind.get("lost")) or 0.0
            if lost <= 0:
                continue
            item = items.get(("indicator", ident))
            if item is None:
                sink.append(
                    Finding(
                        "unknown-indicator",
                        f"指标 {shown(ident)}({shown(str(ind.get('name')))})不在方案中,已按默认表述生成问题",
                        where,
                        "warning",
                    )
                )
                item = _Item(_cell(str(ind.get("name") or ident)), _opt_text(ind.get("department")), None, "")
            unit_of = ind.get("unit")
            ph = {
                "name": item.name,
                "value": _value_text(ind.get("value"), unit_of),
                "target": _target_text(ind.get("target"), unit_of),
                "unit": unit_of or "",
                "lost": fmt_number(lost),
                "points": fmt_number(_float(ind.get("points"))),
                "score": fmt_number(_float(ind.get("score"))),
            }
            basis = clean_text(str(ind.get("basis") or ""))
            default = f"{item.name}失分 {ph['lost']} 分" + (f",{basis}" if basis else "")
            usable = ind.get("status") not in ("missing", "error")
            listed: bool | None = True
            if screen is not None and not screen.all_lost and usable:  # no data: always listed
                listed = _material(ind, lost, screen.limits(plan, item.rectify), statistics)
                if listed is None:
                    left.no_average = listed = True
                left.own = left.own or (not listed and _own_limits(item.rectify))
            if not usable:
                item = _Item(item.name, item.department, None, item.category)  # a template would read badly
            problem, measure = _word(item, ph, default, sink, where)
            (out if listed else left.problems).append(
                Problem(
                    id=score_problem_id(scheme_id, unit, "indicator", ident),
                    unit=unit,
                    source=SOURCE_SCORE,
                    category=item.category or _cell(str(ind.get("category") or "")),
                    description=_cell(problem),
                    origin=f"score:{scheme_id}",
                    indicator=_cell(f"{ident} {item.name}"),
                    lost=lost,
                    department=item.department or _cell(str(ind.get("department") or "")),
                    measure=_cell(measure),
                    deadline=_deadline(item, as_of, sink, where),
                    deadline_days=_days(item.rectify),
                )
            )
        for kind, key in (("penalty", "penalties"), ("veto", "vetoes")):
            for adj in unit_data.get(key) or []:
                ident = clean_text(str(adj.get("id")))
                if ident in ("penalty-cap", "bonus-cap"):
                    continue
                item = items.get((kind, ident)) or _Item(
                    _cell(str(adj.get("name") or ident)),
                    _opt_text(adj.get("department")),
                    None,
                    CATEGORY_PENALTY if kind == "penalty" else CATEGORY_VETO,
                )
                score = _float(adj.get("score"))
                if kind == "penalty" and score <= 0:
                    continue
                unit_of = _penalty_unit(plan, ident) if kind == "penalty" else None
                lost_text = fmt_number(score) if kind == "penalty" else "—"
                ph = {
                    "name": item.name,
                    "value": _value_text(adj.get("value"), unit_of),
                    "target": "—",
                    "unit": unit_of or "",
                    "lost": lost_text,
                    "points": "—",
                    "score": fmt_number(score),
                }
                basis = clean_text(str(adj.get("basis") or ""))
                default = basis or (
                    f"{item.name},扣 {lost_text} 分" if kind == "penalty" else f"{item.name},一票否决"
                )
                problem, measure = _word(item, ph, default, sink, where)
                out.append(
                    Problem(
                        id=score_problem_id(scheme_id, unit, kind, ident),
                        unit=unit,
                        source=SOURCE_SCORE,
                        category=item.category,
                        description=_cell(problem),
                        origin=f"score:{scheme_id}",
                        indicator=_cell(f"{ident} {item.name}"),
                        lost=score if kind == "penalty" else None,
                        department=item.department or "",
                        measure=_cell(measure),
                        deadline=_deadline(item, as_of, sink, where),
                        deadline_days=_days(item.rectify),
                    )
                )
    return out


def _number(value: Any) -> float | None:
    """A finite number from the results, or None (text, NaN, a number too large for a float)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _float(value: Any) -> float:
    number = _number(value)
    return 0.0 if number is None else number


def _cell(text: str) -> str:
    return clean_text(text)[:MAX_CELL_TEXT]


def _opt_text(value: Any) -> str | None:
    return _cell(value) or None if isinstance(value, str) else None


def _penalty_unit(plan: Plan, ident: str) -> str | None:
    if plan.scheme.penalties:
        for p in plan.scheme.penalties.items:
            if p.id == ident:
                return p.unit
    return None


__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "DEFAULT_MIN_LOST",
    "DEFAULT_MIN_SHARE",
    "Limits",
    "Omitted",
    "Screen",
    "load_results",
    "problems_from_results",
    "read_results",
]
