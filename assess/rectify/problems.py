"""Problems from score results: every lost point, penalty and veto becomes one.

Results are the JSON that ``assess score`` / ``assess rank`` write: either a
list of units (``UnitResult.to_dict()``) or ``{"format": "assess.score/1",
"scheme": {...}, "units": [...]}``.  The wording comes from the scheme's
``rectify`` templates; an item without one gets a default sentence built
from the scoring basis.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class _Item:
    """What a problem is worded from: an indicator, a penalty or a veto."""

    name: str
    department: str | None
    rectify: m.RectifyText | None
    category: str


def load_results(path: Path) -> list[dict[str, Any]]:
    """The units of a score results JSON file (a list, or the ``assess.score/1`` wrapper)."""
    from assess.scoring.results_file import read_json

    where = Location(file=str(path))
    data = read_json(path, "评分结果")
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
) -> list[Problem]:
    """One problem per indicator with lost points, per penalty and per veto, in scheme order."""
    sink = findings if findings is not None else []
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
            if ind.get("status") in ("missing", "error"):
                item = _Item(item.name, item.department, None, item.category)  # a template would read badly
            problem, measure = _word(item, ph, default, sink, where)
            out.append(
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


__all__ = ["DEFAULT_DEADLINE_DAYS", "load_results", "problems_from_results"]
