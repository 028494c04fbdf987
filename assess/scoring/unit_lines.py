"""A unit's own scoring lines (按本单位目标计分): the target read from its data, not the scheme.

A rule may name a data field where it would write a number (``model.FIELD_LINES``): each
county is then scored against its own 目标任务.  ``own_rule`` reads the unit's value of each
such field and gives the rule with those values (``rules.OwnLines``) and, when one cannot be
used (blank, wrong, 不适用, or a 0 the rule would divide by), what is wrong with it: the engine
then scores the indicator by the scheme's missing-value policy and reports a finding at the
target's cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assess.errors import Finding, Location
from assess.scheme.model import field_lines
from assess.scoring.numbers import fmt_value
from assess.scoring.rules import OWN_WORDS, OwnLines
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK

if TYPE_CHECKING:
    from assess.scheme.plan import Plan, PlanIndicator
    from assess.scoring.engine import Prepared
    from assess.workbook.data import UnitData, Value


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Why a unit cannot be scored against its own line."""

    status: str  # MISSING or ERROR (scored by the missing policy), NOT_APPLICABLE (缺项)
    text: str  # for the basis: 本单位目标任务“粮食播种面积下达任务”为空
    finding: Finding | None  # the data problem to report (None for 不适用)


@dataclass(frozen=True, slots=True)
class _Read:
    number: float | None
    status: str
    note: str
    source: str
    location: Location


def own_rule(plan: Plan, ind: PlanIndicator, rule: Any, p: Prepared) -> tuple[Any, LineProblem | None]:
    """``rule`` with its field lines replaced by the unit's values, and what makes them unusable."""
    refs = field_lines(rule)
    if not refs:
        return rule, None
    values: dict[str, float | None] = {}
    own: dict[str, str] = {}
    problem: LineProblem | None = None
    for param, ref in refs.items():
        got = _read(plan, p, ref)
        values[param] = got.number if got.status == OK else None
        own[param] = got.source
        if problem is not None:
            continue
        if got.status != OK:
            problem = _unusable(plan, ind, p, param, ref, got)
        elif rule.type == "ratio" and got.number is not None and got.number <= 0:  # it divides by it
            shown = fmt_value(got.number, ind.unit)
            what = f"{_said(plan, param, ref)}为 {shown},按完成比例计分须除以大于 0 的目标任务"
            problem = _problem(ind, p, what, got.location)
    lined = OwnLines(rule, values, own)
    if problem is None and rule.type == "linear":
        problem = _linear_lines(plan, ind, p, lined, refs)
    return lined, problem


def _linear_lines(
    plan: Plan, ind: PlanIndicator, p: Prepared, lined: OwnLines, refs: dict[str, str]
) -> LineProblem | None:
    """A unit's floor and target that draw no line: equal, or the wrong way round for the
    indicator's direction (the checks the scheme's own numbers pass in validate_rules)."""
    floor, target = float(lined.__dict__["floor"]), float(lined.__dict__["target"])  # both usable here

    def side(n: str) -> str:
        shown = fmt_value(getattr(lined, n), ind.unit)
        return f"{_said(plan, n, refs[n])}({shown})" if n in refs else f"{OWN_WORDS[n]} {shown}"

    at = _read(plan, p, refs.get("target") or refs["floor"]).location
    if abs(floor - target) < 1e-9:
        return _problem(ind, p, f"{side('floor')}与{side('target')}相等", at)
    if (floor > target) != (ind.direction == "lower"):
        word = "越小越好" if ind.direction == "lower" else "越大越好"
        higher = "高于" if floor > target else "低于"
        return _problem(ind, p, f"{side('floor')}{higher}{side('target')},与指标{word}不符", at)
    return None


def _field_name(plan: Plan, ref: str) -> str:
    f = plan.fields.get(plan.name_aliases.get(ref, ref))
    return f.name if f is not None else ref


def _said(plan: Plan, param: str, ref: str) -> str:
    return f"{OWN_WORDS[param]}“{_field_name(plan, ref)}”"


def _problem(ind: PlanIndicator, p: Prepared, what: str, at: Location, status: str = ERROR) -> LineProblem:
    """``浏阳市的目标任务“…”为空,5.1 无法按本单位目标计分``, at the target's cell."""
    message = f"{p.unit.unit}的{what},{ind.id} 无法按本单位目标计分"
    return LineProblem(status, f"本单位{what}", Finding("own-target", message, at))


def _unusable(plan: Plan, ind: PlanIndicator, p: Prepared, param: str, ref: str, got: _Read) -> LineProblem:
    said = _said(plan, param, ref)
    if got.status == NOT_APPLICABLE:
        return LineProblem(NOT_APPLICABLE, f"本单位{said}不适用", None)
    if got.status == MISSING:
        what = f"{said}为空"
    else:
        what = f"{said}有误" + (f"({got.note})" if got.note else "")
    return _problem(ind, p, what, got.location, got.status)


def _read(plan: Plan, p: Prepared, ref: str) -> _Read:
    """The unit's value of the field ``ref`` names: its number, status and where it was read."""
    fid = plan.name_aliases.get(ref, ref)
    number = p.env.get(fid, p.env.get(ref))
    v: Value | None = p.unit.values.get(fid)
    f = plan.fields.get(fid)
    if v is not None:
        sheet, _, cell = v.where.rpartition("!")
        at = Location(file=v.file or p.unit.file, sheet=sheet or None, cell=cell or None)
        source = _place(v)
    elif f is not None and f.formula is not None:
        at, source = Location(file=p.unit.file), f"按公式 {f.formula.text} 计算"
    elif f is not None and f.aggregate is not None:
        at, source = Location(file=p.unit.file), "由明细表汇总"
    else:
        at, source = Location(file=p.unit.file), ""
    if isinstance(number, (int, float)) and not isinstance(number, bool) and math.isfinite(number):
        return _Read(float(number), OK, "", source, at)  # what scoring has (what-if may set it)
    if v is not None:
        status = v.status if v.status != OK else ERROR  # a word where a number belongs
        return _Read(None, status, v.note, source, at)
    if f is not None and (f.formula is not None or f.aggregate is not None):
        return _Read(None, ERROR, "未能算出", source, at)
    return _Read(None, MISSING, "", source, at)


def _place(v: Value) -> str:
    """Where a value was read, said in a basis: the source it came from, its file and cell."""
    name = v.file.replace("\\", "/").rsplit("/", 1)[-1]
    place = f"{name} {v.where}".strip()
    return f"{v.origin} {place}".strip() if v.origin else place


def say(unit: UnitData, problem: LineProblem) -> None:
    """Add the problem's finding to the unit's, once (a unit may be scored again: explain, what-if)."""
    if problem.finding is not None and problem.finding not in unit.findings:
        unit.findings.append(problem.finding)


def check_lines(plan: Plan, unit: UnitData) -> None:
    """What scoring will find wrong with the unit's own targets, found for ``check`` beforehand
    (only where the indicator's own value is there: a blank value is reported as such)."""
    from assess.scoring.engine import prepare

    p = prepare(plan, unit)
    for ind, value in zip(plan.indicators, p.values, strict=True):
        if ind.own_lines and value.status == OK and value.value is not None:
            _rule, problem = own_rule(plan, ind, ind.rule_for(p.group), p)
            if problem is not None:
                say(unit, problem)
