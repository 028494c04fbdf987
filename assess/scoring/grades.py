"""Grades: the band a total falls in, then vetoes and bars that hold it down.

Bars that read places (``bottom`` / ``top`` / ``years``) are left to ``conditions.bar_places``
after the ranking; the order of it all is in ``conditions``' docstring.

Quotas need the ranking and are applied in ``ranking.py``; everything here
concerns one unit alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from assess.scoring.conditions import formulas_of, hold_down, holds, placed
from assess.scoring.numbers import fmt

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult


def band_grade(plan: Plan, total: float) -> str | None:
    for grade in plan.scheme.grades:
        if total >= grade.min - 1e-9:
            return grade.name
    return plan.grade_names[-1] if plan.grade_names else None


def grade_unit(plan: Plan, result: UnitResult, env: Mapping[str, object]) -> None:
    """Set ``grade`` and ``grade_basis`` from the total, vetoes and bars (``env`` is not changed)."""
    names = plan.grade_names
    if not names:
        return
    grade = band_grade(plan, result.total)
    assert grade is not None
    line = next((g for g in plan.scheme.grades if g.name == grade), None)
    basis: list[str] = []
    if line and result.total >= line.min - 1e-9:
        basis.append(f"总分 {plan.round.text(result.total)} 分,达到“{grade}”等次分数线 {fmt(line.min)} 分")
    elif line:  # below every line: the lowest grade, without claiming its line was reached
        basis.append(
            f"总分 {plan.round.text(result.total)} 分,未达到“{grade}”等次分数线 {fmt(line.min)} 分,"
            f"定为最低等次“{grade}”"
        )
    result.band_grade = grade
    level = names.index(grade)
    for veto in result.vetoes:
        if veto.effect == "lowest":
            new = len(names) - 1
            if new > level:
                basis.append(f"发生一票否决事项“{veto.name}”,等次定为“{names[new]}”")
                level = new
        elif veto.effect == "cap_grade":
            # result.vetoes holds Adjustments; the grade is on the scheme's veto
            most = next((v.grade for v, _ in plan.vetoes if v.id == veto.id), None)
            if most in names:
                cap = names.index(most)
                if cap > level:
                    basis.append(f"发生一票否决事项“{veto.name}”,等次最高为“{most}”")
                    level = cap
        elif veto.effect == "zero":
            basis.append(f"发生一票否决事项“{veto.name}”,总分计为 0")
    # The bars also see the scores and whether a veto hit; the unit's env is left as it is.
    # Bars that read places wait for the ranking (conditions.bar_places), consequences for
    # the final grades and places (conditions.flag_consequences): their formulas' values
    # are kept for them.
    if plan.bars or plan.bar_formulas:
        bar_env = {
            **env,
            **{"score:" + ind.id: ind.score for ind in result.indicators},
            "veto": 1.0 if result.vetoes else 0.0,
        }
        tests = {text: bool(f.evaluate(bar_env)[0]) for text, f in plan.bar_formulas.items()}
        later = any(formulas_of(c) for c in plan.scheme.consequences)
        for bar, _formula in plan.bars:
            if placed(bar):
                later = True
            elif holds(bar, result, names, None, None, tests):
                level = hold_down(names, result, bar, level, basis)
        if later:
            result.bar_tests = tests
    result.grade = names[level]
    result.grade_basis = basis
