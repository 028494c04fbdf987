"""Problems from score results: every lost point, penalty and veto becomes one.

Results are the JSON that ``assess score`` / ``assess rank`` write: either a
list of units (``UnitResult.to_dict()``) or ``{"format": "assess.score/1",
"scheme": {...}, "units": [...]}``.  The wording comes from the scheme's
``rectify`` templates; an item without one gets a default sentence built
from the scoring basis.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.errors import DataError, Finding, Location
from assess.rectify.model import (
    IMMEDIATE,
    ONGOING,
    SOURCE_SCORE,
    Deadline,
    Problem,
    fmt_number,
    score_problem_id,
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
    where = Location(file=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise DataError(f"无法读取评分结果文件({e.strerror or e})", where) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f"评分结果文件不是有效的 JSON({e})", where) from None
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
    return units


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
    if not isinstance(value, (int, float)):
        return str(value)
    if unit == "%":
        return f"{float(value):.2f}%"
    text = fmt_number(float(value))
    return f"{text} {unit}" if unit else text


def _target_text(value: Any, unit: str | None) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "—"
    text = fmt_number(float(value))
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


def _deadline(rectify: m.RectifyText | None, as_of: dt.date) -> Deadline:
    if rectify is not None and rectify.ongoing:
        return ONGOING
    days = rectify.deadline_days if rectify is not None else None
    if days is None:
        days = DEFAULT_DEADLINE_DAYS
    if days == 0:
        return IMMEDIATE
    return as_of + dt.timedelta(days=days)


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
                        f"“{item.name}”的整改问题模板无法使用(花括号不成对),已改用默认表述",
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
        unit = str(unit_data["unit"]).strip()
        where = Location(file=file, key=unit)
        for ind in unit_data.get("indicators") or []:
            if ind.get("rule") == "sum" or ind.get("id") in plan.parents:
                continue  # a parent's loss is its children's
            lost = ind.get("lost") or 0
            if not isinstance(lost, (int, float)) or lost <= 0:
                continue
            ident = str(ind.get("id"))
            item = items.get(("indicator", ident))
            if item is None:
                sink.append(
                    Finding(
                        "unknown-indicator",
                        f"指标 {ident}({ind.get('name')})不在方案中,已按默认表述生成问题",
                        where,
                        "warning",
                    )
                )
                item = _Item(str(ind.get("name") or ident), ind.get("department"), None, "")
            unit_of = ind.get("unit")
            ph = {
                "name": item.name,
                "value": _value_text(ind.get("value"), unit_of),
                "target": _target_text(ind.get("target"), unit_of),
                "unit": unit_of or "",
                "lost": fmt_number(float(lost)),
                "points": fmt_number(_float(ind.get("points"))),
                "score": fmt_number(_float(ind.get("score"))),
            }
            basis = str(ind.get("basis") or "").strip()
            default = f"{item.name}失分 {ph['lost']} 分" + (f",{basis}" if basis else "")
            if ind.get("status") in ("missing", "error"):
                item = _Item(item.name, item.department, None, item.category)  # a template would read badly
            problem, measure = _word(item, ph, default, sink, where)
            out.append(
                Problem(
                    id=score_problem_id(scheme_id, unit, "indicator", ident),
                    unit=unit,
                    source=SOURCE_SCORE,
                    category=item.category or str(ind.get("category") or ""),
                    description=problem,
                    origin=f"score:{scheme_id}",
                    indicator=f"{ident} {item.name}",
                    lost=float(lost),
                    department=item.department or str(ind.get("department") or ""),
                    measure=measure,
                    deadline=_deadline(item.rectify, as_of),
                    deadline_days=_days(item.rectify),
                )
            )
        for kind, key in (("penalty", "penalties"), ("veto", "vetoes")):
            for adj in unit_data.get(key) or []:
                ident = str(adj.get("id"))
                if ident in ("penalty-cap", "bonus-cap"):
                    continue
                item = items.get((kind, ident)) or _Item(
                    str(adj.get("name") or ident),
                    adj.get("department"),
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
                basis = str(adj.get("basis") or "").strip()
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
                        description=problem,
                        origin=f"score:{scheme_id}",
                        indicator=f"{ident} {item.name}",
                        lost=score if kind == "penalty" else None,
                        department=item.department or "",
                        measure=measure,
                        deadline=_deadline(item.rectify, as_of),
                        deadline_days=_days(item.rectify),
                    )
                )
    return out


def _float(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _penalty_unit(plan: Plan, ident: str) -> str | None:
    if plan.scheme.penalties:
        for p in plan.scheme.penalties.items:
            if p.id == ident:
                return p.unit
    return None


__all__ = ["DEFAULT_DEADLINE_DAYS", "load_results", "problems_from_results"]
