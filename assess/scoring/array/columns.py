"""The whole cohort on columns: values, adjustments, grades, for ``rank --brief``.

``prepare`` and ``finish_unit`` build objects and basis text per unit, which
is right for a county's score sheet and far too slow for 500,000 villages
(about 100 µs each).  Here the same steps run once per field over every unit:
``engine.prepare`` mirrored on columns (``formula`` for formulas),
bonus, penalties and vetoes as ``total.py`` computes them, then
``FastCohort`` for scores, totals and places, bars and quotas as
``grades.py`` and ``ranking.py`` apply them.  No basis text is written.

Detail tables are aggregated unit by unit (the same ``aggregate`` call as
``prepare``), then used as columns.  ``support.array_support`` decides whether a
scheme can be scored on columns (formulas with text, bars on second-level
scores, consequence conditions beyond the plain form…); the data may still
need the engine (text where numbers belong, a blank the scheme refuses to
score, a value some units report and others do not): ``brief_columns`` then
returns None and the caller scores unit by unit; both ways give the same brief
table (tested).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from assess.errors import Finding, Location
from assess.scoring.aggregate import aggregate
from assess.scoring.array.core import FastCohort
from assess.scoring.array.formula import Column, VFn, clean, compile_vector
from assess.scoring.array.support import array_support
from assess.scoring.brief import Brief, consequences, previous_columns
from assess.scoring.rules import UNIT_RULES
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK, UnitData

if TYPE_CHECKING:
    from assess.scheme.formula import Formula
    from assess.scheme.plan import Plan
    from assess.scoring.history import Previous
    from assess.scoring.numbers import Rounder

CODES = {OK: 0, MISSING: 1, NOT_APPLICABLE: 2, ERROR: 3}
S_OK, S_MISSING, S_NA, S_ERROR = 0, 1, 2, 3


class _Refused(Exception):
    """This cohort needs the unit-by-unit engine."""


class _Env:
    """The columns of ``prepare``'s env and status dicts; a key absent from a unit is not present."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.cols: dict[str, Column] = {}
        self.status: dict[str, np.ndarray] = {}  # int8 codes; only for keys prepare gives a status

    def state(self, key: str) -> np.ndarray:
        got = self.status.get(key)
        return got if got is not None else np.full(self.n, S_MISSING, dtype=np.int8)

    def column(self, key: str) -> Column:
        got = self.cols.get(key)
        return got if got is not None else (np.full(self.n, np.nan), np.zeros(self.n, dtype=bool))

    def row(self, u: int) -> dict[str, object]:
        """Unit ``u``'s env as a dict, for the closures (the reason a veto cannot be judged)."""
        return {k: (float(v[u]) if d[u] else None) for k, (v, d) in self.cols.items()}


def brief_columns(
    plan: Plan,
    units: list[UnitData],
    previous: Previous = None,
    *,
    overall: bool = False,
) -> Brief | None:
    """The cohort's brief table computed on columns, or None when the scheme (``array_support``)
    or the data (text where numbers belong, a refused blank) needs the engine."""
    if array_support(plan, columns=True, units=len(units)):
        return None
    try:
        return _brief(plan, units, previous, overall)
    except _Refused:
        return None


def _vector(formula: Formula) -> VFn:
    fn = compile_vector(formula)
    if fn is None:
        raise _Refused
    return fn


def _brief(plan: Plan, units: list[UnitData], previous: Previous, overall: bool) -> Brief:
    n = len(units)
    env = _gather(plan, units)
    for fid in plan.aggregates:
        _aggregate(plan, fid, units, env)
    # names stand for their fields as soon as the fields have values, as in engine.prepare
    derived = plan.derived_aliases
    for name, fid in plan.env_aliases:
        if fid not in derived:
            _alias(env, name, fid)
    for fid in plan.derived_order:
        formula = plan.fields[fid].formula
        assert formula is not None
        _formula_value(plan, formula, env, fid)
        for name in derived.get(fid, ()):
            _alias(env, name, fid)
    m = len(plan.indicators)
    values = np.full((n, m), np.nan)
    states = np.zeros((n, m), dtype=np.int8)
    for i, ind in enumerate(plan.indicators):
        if ind.formula is not None:
            key = "value:" + ind.id
            _formula_value(plan, ind.formula, env, key)
            values[:, i], states[:, i] = env.cols[key][0], env.status[key]
        else:
            v, d = env.column(ind.key)
            values[:, i], states[:, i] = np.where(d, v, np.nan), env.state(ind.key)
            env.cols["value:" + ind.id] = (v, d)  # no status: as in prepare
    ok = (states == S_OK) & ~np.isnan(values)
    exclude = np.array([ind.missing == "exclude" for ind in plan.indicators])
    refuse = np.array([ind.missing == "refuse" for ind in plan.indicators])
    na = (states == S_NA) | (~ok & exclude)
    if (~ok & (states != S_NA) & refuse).any():
        raise _Refused  # the engine raises the error that names the unit
    if plan.unit_groups:  # the scheme's unit list decides, name by name
        groups = [plan.group_of(u.group, u.unit) for u in units]
    else:  # the group as declared: each distinct text looked up once
        declared = [u.group for u in units]
        canonical = {g: plan.group_of(g, "") for g in set(declared)}
        groups = list(map(canonical.__getitem__, declared))
    names = [u.unit for u in units]
    bonus, penalty = _bonus(plan, env), _penalties(plan, env)
    findings: dict[int, list[dict[str, Any]]] = {
        u: [f.to_dict() for f in unit.findings] for u, unit in enumerate(units) if unit.findings
    }
    hits = _vetoes(plan, env, units, findings)
    zero = np.zeros(n, dtype=bool)
    for veto, hit in hits:
        if veto.effect == "zero":
            zero |= hit
    fixed, undecided = _overrides(plan, env)
    parts = {
        part.id: np.where(env.column(part.field or part.id)[1], env.column(part.field or part.id)[0], 0.0)
        for part in plan.scheme.composition
        if part.source == "field"
    }
    cohort = FastCohort.from_arrays(
        plan,
        names,
        groups,
        values,
        ok,
        na,
        bonus=bonus,
        penalty=penalty,
        zero=zero,
        floor_level=np.zeros(n, dtype=int),
        parts=parts,
        fixed=fixed,
    )
    scores = cohort.indicator_scores()
    _undecided_findings(plan, env, units, scores, undecided, findings)
    totals, cats = cohort.totals(scores=scores)
    part_points = cohort.part_points(scores) if plan.scheme.composition else None
    level, barred = _levels(plan, cohort, env, totals, scores, hits)
    cohort.floor_level = level
    place = cohort.places(totals, cats)
    overall_place = cohort.places(totals, cats, overall=True)
    labels = [plan.group_names.get(g or "") or u.group for g, u in zip(groups, units, strict=True)]
    notes: list[str] = []
    level = cohort.grades(totals, place, overall_place, notes=notes, labels=labels)
    grade_names = plan.grade_names
    brief = Brief(
        plan=plan,
        units=names,
        group_ids=groups,
        files=[u.file for u in units],
        rank=place,
        overall_rank=overall_place,
        total=totals,
        grades=[grade_names[k] for k in level.tolist()] if grade_names else [None] * n,
        categories=cats,
        scores=scores,
        values=np.where(ok, values, np.nan),
        bonus=bonus,
        penalty=penalty,
        vetoes={},
        barred=barred,
        findings=findings,
        group_names=labels,
        notes=notes,
        parts=part_points,
    )
    for veto, hit in hits:
        for u in np.flatnonzero(hit).tolist():
            brief.vetoes.setdefault(u, []).append(veto.name)
    brief.flags = consequences(plan, brief, previous, brief.notes)
    if previous is not None:
        brief.previous = previous_columns(brief, previous, overall=overall)
    return brief


def _aggregate(plan: Plan, fid: str, units: list[UnitData], env: _Env) -> None:
    """A field computed from each unit's detail table, as ``engine.prepare`` computes it: a unit
    without the table (未提供明细表) or with nothing to aggregate has it missing, a sum too large
    for a float is an error."""
    field = plan.fields[fid]
    agg = field.aggregate
    assert agg is not None
    n = len(units)
    vals = np.full(n, np.nan)
    for u, unit in enumerate(units):
        table = unit.tables.get(agg.table) if unit.tables else None
        if table is not None:
            got = aggregate(agg, field.where, table)
            if got is not None:
                vals[u] = got
    defined = np.isfinite(vals)
    env.cols[fid] = (np.where(defined, vals, np.nan), defined)
    state = np.where(defined, S_OK, np.where(np.isnan(vals), S_MISSING, S_ERROR))
    env.status[fid] = state.astype(np.int8)


def _alias(env: _Env, name: str, fid: str) -> None:
    """``env.setdefault(name, env[fid])``: only where the unit did not report the name itself."""
    if name not in env.cols:
        env.cols[name] = env.column(fid)
        env.status[name] = env.state(fid)


def _gather(plan: Plan, units: list[UnitData]) -> _Env:
    """Every value scoring reads, as columns: whole summary-table columns where units share them."""
    from assess.workbook.summary import shared_columns

    n = len(units)
    env = _Env(n)
    shared = shared_columns(units)
    if shared is not None:
        table, rows = shared
        sources = [(table, np.arange(n), rows)]
        loose: list[int] = []
    else:
        sources, loose = _sources(units)
    for key in plan.env_keys:
        vals = np.full(n, np.nan)
        state = np.full(n, S_MISSING, dtype=np.int8)
        present = np.zeros(n, dtype=bool)
        for table, positions, rows in sources:
            column = table.column(key)
            if column is None:
                continue
            numbers, notes = column
            whole = len(rows) == len(numbers) and np.array_equal(rows, np.arange(len(numbers)))
            taken = numbers if whole else [numbers[r] for r in rows]
            vals[positions] = _floats(taken)
            state[positions] = S_OK
            present[positions] = True
            if notes:
                where = dict(zip(rows, positions.tolist(), strict=True))
                for r, (status, _note) in notes.items():
                    if r in where:
                        state[where[r]] = CODES.get(status, S_ERROR)
        for u in loose:
            value = units[u].values.get(key)
            if value is None:
                continue
            present[u] = True
            state[u] = CODES.get(value.status, S_ERROR)
            if value.status == OK and value.number is not None:
                if not isinstance(value.number, (int, float)):
                    raise _Refused
                vals[u] = value.number
        defined = (state == S_OK) & ~np.isnan(vals)
        if present.all():
            env.cols[key] = (vals, defined)
            env.status[key] = state
        elif present.any():
            raise _Refused  # reported by some units only: prepare's env differs per unit
    return env


def _sources(units: list[UnitData]) -> tuple[list[tuple[Any, np.ndarray, list[int]]], list[int]]:
    """Units grouped by the summary table whose columns they share; the others unit by unit."""
    tables: dict[int, tuple[Any, list[int], list[int]]] = {}  # id → (columns, positions, rows)
    loose: list[int] = []
    for u, unit in enumerate(units):
        source = getattr(unit.values, "column_source", None)
        got = source() if source is not None else None
        if got is None:
            loose.append(u)
            continue
        table, row = got
        entry = tables.get(id(table))
        if entry is None:
            entry = tables[id(table)] = (table, [], [])
        entry[1].append(u)
        entry[2].append(row)
    return [(t, np.array(p, dtype=int), r) for t, p, r in tables.values()], loose


def _floats(numbers: list[Any]) -> np.ndarray:
    """Parsed numbers (None where there is none) as floats, NaN for None."""
    kinds = set(map(type, numbers))
    if not kinds <= {float, int, type(None)}:
        raise _Refused  # text (or anything else) where scoring expects numbers
    if type(None) not in kinds:
        return np.array(numbers, dtype=float)  # no blanks at all: one C call
    return np.array([np.nan if x is None else x for x in numbers], dtype=float)


def _formula_value(plan: Plan, formula: Formula, env: _Env, key: str) -> None:
    """``engine._formula_value`` on columns: value, and status ok / na / missing / error."""
    names = [plan.name_aliases.get(n, n) for n in sorted(formula.names)]
    refs = ["value:" + r for kind, r in sorted(formula.refs) if kind == "value"]
    na = np.zeros(env.n, dtype=bool)
    for k in (*names, *refs):
        na |= env.state(k) == S_NA
    err = np.zeros(env.n, dtype=bool)
    for k in names:
        err |= env.state(k) == S_ERROR
    vals, defined = _vector(formula)(env.cols, env.n)
    defined &= ~na
    status = np.where(na, S_NA, np.where(defined, S_OK, np.where(err, S_ERROR, S_MISSING))).astype(np.int8)
    env.cols[key] = (clean(vals, defined), defined)
    env.status[key] = status


def _section(plan: Plan, env: _Env, section: Any, item_score: Any) -> np.ndarray:
    """A bonus or penalty section as ``total._capped`` adds it: each item's rounded score in
    item order (as sum() adds them), then the section's cap, rounded once more."""
    if section is None:
        return np.zeros(env.n)
    raw = np.zeros(env.n)
    for item in section.items:
        v, defined = env.column(item.field or item.id)
        raw = raw + item_score(item, v, defined, plan.round)
    total = raw if section.cap is None else np.minimum(raw, section.cap)
    return plan.round.array(total)


def _bonus(plan: Plan, env: _Env) -> np.ndarray:
    probe = FastCohort.__new__(FastCohort)  # _rule needs no cohort state for unit rules

    def item_score(item: Any, v: np.ndarray, defined: np.ndarray, rnd: Rounder) -> np.ndarray:
        score = np.zeros(env.n)  # 未填报,不加分
        idx = np.flatnonzero(defined)
        if idx.size:
            score[idx] = rnd.array(_bonus_rule(probe, item, v[idx], idx))
        return score

    return _section(plan, env, plan.scheme.bonus, item_score)


def _bonus_rule(probe: FastCohort, item: Any, v: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``rules.bonus`` (per item, or all-or-nothing) and the unit rules, on a column."""
    rule = item.rule
    if rule.type == "bonus":
        if rule.per_item:
            return np.minimum(np.maximum(v, 0.0) * rule.per_item, item.points)
        return np.where(v != 0, float(item.points), 0.0)
    if rule.type not in UNIT_RULES:
        raise _Refused
    return probe._rule(rule, v, item.points, "higher", 1.0, 1.0, idx, -1)


def _penalties(plan: Plan, env: _Env) -> np.ndarray:
    def item_score(item: Any, v: np.ndarray, defined: np.ndarray, rnd: Rounder) -> np.ndarray:
        count = np.where(defined, v, 0.0)
        deducted = count * item.per_item
        if item.cap is not None:
            deducted = np.minimum(deducted, item.cap)
        return np.where(count > 0, rnd.array(deducted), 0.0)

    return _section(plan, env, plan.scheme.penalties, item_score)


def _vetoes(
    plan: Plan, env: _Env, units: list[UnitData], findings: dict[int, list[dict[str, Any]]]
) -> list[tuple[Any, np.ndarray]]:
    """(veto, triggered) per veto; a veto that cannot be judged is a warning, as in total.py."""
    out: list[tuple[Any, np.ndarray]] = []
    for veto, formula in plan.vetoes:
        value, defined = _vector(formula)(env.cols, env.n)
        for u in np.flatnonzero(~defined).tolist():
            _v, why = formula.evaluate(env.row(u))
            text = f"一票否决事项“{veto.name}”无法判断({why}),未认定;请核实后补报"
            warning = Finding("veto-unknown", text, Location(file=units[u].file), "warning")
            findings.setdefault(u, []).append(warning.to_dict())
        out.append((veto, defined & (value != 0)))
    return out


def _overrides(plan: Plan, env: _Env) -> tuple[np.ndarray | None, list[tuple[int, Any, np.ndarray]]]:
    """``overrides.holding`` on columns: per unit and indicator the score of the first override
    whose condition holds (NaN where none does), and (indicator, override, units) where an
    override before the holding one (or any, when none holds) cannot be judged."""
    from assess.scoring.overrides import override_score

    if not any(ind.overrides for ind in plan.indicators):
        return None, []
    fixed = np.full((env.n, len(plan.indicators)), np.nan)
    undecided: list[tuple[int, Any, np.ndarray]] = []
    for i, ind in enumerate(plan.indicators):
        open_ = np.ones(env.n, dtype=bool)  # no condition has held yet
        for item, formula in ind.overrides:
            value, defined = _vector(formula)(env.cols, env.n)
            undecided.append((i, item, open_ & ~defined))
            hit = open_ & defined & (value != 0)
            fixed[hit, i] = override_score(item, ind.points)
            open_ &= ~hit
    return fixed, undecided


def _undecided_findings(
    plan: Plan,
    env: _Env,
    units: list[UnitData],
    scores: np.ndarray,
    undecided: list[tuple[int, Any, np.ndarray]],
    findings: dict[int, list[dict[str, Any]]],
) -> None:
    """The warning ``overrides.apply_override`` gives for a condition it cannot judge, for the
    units whose indicator has a score."""
    for i, item, mask in undecided:
        ind = plan.indicators[i]
        for u in np.flatnonzero(mask & ~np.isnan(scores[:, i])).tolist():
            formula = next(f for o, f in ind.overrides if o is item)
            _v, why = formula.evaluate(env.row(u))
            text = (
                f"{units[u].unit}的指标 {ind.id} 得分调整条件“{item.when}”({item.reason})无法判断({why}),"
                "未调整得分;请核实后补报"
            )
            got = Finding("override-unknown", text, Location(file=units[u].file), "warning").to_dict()
            listed = findings.setdefault(u, [])
            if got not in listed:
                listed.append(got)


def _levels(
    plan: Plan,
    cohort: FastCohort,
    env: _Env,
    totals: np.ndarray,
    scores: np.ndarray,
    hits: list[tuple[Any, np.ndarray]],
) -> tuple[np.ndarray, dict[int, list[str]]]:
    """``grades.grade_unit`` on columns: the band, then vetoes, then bars in order."""
    names = plan.grade_names
    barred: dict[int, list[str]] = {}
    if not names:
        return np.zeros(cohort.n, dtype=int), barred
    level = np.full(cohort.n, len(names) - 1)
    for gi in range(len(names) - 1, -1, -1):
        if gi < len(cohort.grade_min):
            level = np.where(totals >= cohort.grade_min[gi] - 1e-9, gi, level)
    any_veto = np.zeros(cohort.n, dtype=bool)
    for veto, hit in hits:
        any_veto |= hit
        if veto.effect == "lowest":
            level = np.where(hit, len(names) - 1, level)
        elif veto.effect == "cap_grade" and veto.grade in names:
            level = np.where(hit, np.maximum(level, names.index(veto.grade)), level)
    if plan.bars:
        cols = dict(env.cols)
        for i, ind in enumerate(plan.indicators):
            cols["score:" + ind.id] = (scores[:, i], ~np.isnan(scores[:, i]))
        cols["veto"] = (any_veto.astype(float), np.ones(cohort.n, dtype=bool))
        for bar, formula in plan.bars:
            if any(kind == "score" and ident in plan.parents for kind, ident in formula.refs):
                raise _Refused
            value, defined = _vector(formula)(cols, cohort.n)
            if bar.grade not in names:
                continue
            cut = names.index(bar.grade)
            applied = defined & (value != 0) & (level <= cut)
            level = np.where(applied, min(cut + 1, len(names) - 1), level)
            for u in np.flatnonzero(applied).tolist():
                barred.setdefault(u, []).append(bar.reason)
    return level, barred


__all__ = ["brief_columns"]
