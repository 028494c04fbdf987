"""Compile a validated scheme once into a plan the engine runs for every unit.

The plan resolves everything that does not depend on a unit's data: which
values to read and how (``ReadPlan``), the evaluation order of derived
fields, each leaf indicator's rule per group, and the names formulas use.
Scoring then touches only plain slotted objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from assess.scheme import model as m
from assess.scheme.formula import Formula, compile_formula
from assess.scheme.group_sets import GroupSet, group_sets
from assess.scheme.inputs import ColumnSpec, InputSpec, ReadPlan, TableSpec
from assess.scheme.load import LoadedScheme
from assess.scheme.rates import average_basis
from assess.scheme.walk import walk_indicators
from assess.scoring.conditions import formulas_of
from assess.scoring.numbers import Rounder
from assess.sources.spec import SourceSpec, compile_sources

_AMOUNT_UNITS = {"元", "万元", "亿元"}
# Units of things counted one by one: a field in one of them is a count (a whole number ≥ 0)
# unless the scheme says otherwise with `kind`.
COUNT_UNITS = frozenset({"人", "名", "个", "户", "项", "村", "次", "件", "所", "家", "条", "处", "座"})


def infer_kind(
    kind: str | None, unit: str | None, rule_type: str | None = None, levels: object = None
) -> str:
    if kind:
        return kind
    if levels or rule_type == "ladder":
        return "rating"
    if rule_type == "boolean":
        return "bool"
    if rule_type == "direct":
        return "score"
    if rule_type in ("deduct", "bonus"):
        return "count"
    if unit == "%":
        return "percent"
    if unit in _AMOUNT_UNITS:
        return "amount"
    if unit in COUNT_UNITS:
        return "count"
    return "number"


def _scoring_lines(rule: Any, variants: dict[str, Any]) -> float | None:
    """The smallest positive line (target, floor, baseline, band edge) of a rule and its group
    variants; None when the rule draws no line (rank, relative, minmax, direct…)."""
    lines: list[float] = []
    for r in (rule, *variants.values()):
        for name in ("target", "floor", "baseline"):
            v = r.__dict__.get(name)
            if isinstance(v, (int, float)):
                lines.append(float(v))
        for band in r.__dict__.get("bands") or ():
            lines += [float(x) for x in (band.min, band.max) if x is not None]
    positive = [v for v in lines if v > 0]
    return min(positive) if positive and len(positive) == len([v for v in lines if v != 0]) else None


def _levels(levels: dict[str, float] | None) -> tuple[tuple[str, float], ...]:
    return tuple((word, float(points)) for word, points in (levels or {}).items())


def ladder_levels(rule: Any) -> dict[str, float] | None:
    """The words of a ``ladder`` rule and their shares: what its indicator (or the field it reads)
    is read as, a word becoming its share of the points."""
    return rule.levels if rule is not None and rule.type == "ladder" else None


@dataclass(slots=True)
class PlanIndicator:
    """A leaf indicator, ready to score."""

    id: str
    name: str
    points: float
    unit: str | None
    kind: str
    direction: str
    category: int  # index into Plan.categories
    parent: str | None  # id of the second-level indicator for a third-level one
    department: str | None
    source_note: str | None
    nature: str | None
    standard: str | None
    key: str  # where its value is found in a unit's env
    formula: Formula | None
    rule: Any  # the pydantic rule model (attributes read per unit; never re-validated)
    rules_by_group: dict[str, Any]  # canonical group id → rule variant
    missing: str
    rectify: m.RectifyText | None
    position: int  # order in the scheme
    missing_stated: bool = False  # the scheme (or the indicator) writes `missing`
    levels: tuple[tuple[str, float], ...] = ()  # its value is a rating word turned into points
    average: str | float = "mean"  # the cohort average of statistics: mean, pooled or a given figure
    # The rule (or a group's variant) takes a line from a data field (按本单位目标计分): scored
    # against each unit's own value (``scoring.unit_lines``).
    own_lines: bool = False
    # 得分调整 (``override``): each condition with its compiled formula, in the scheme's order
    overrides: tuple[tuple[m.Override, Formula], ...] = ()
    # 分类考核 (group_sets.py): a group's own points where they differ, and the groups that
    # are not assessed on this indicator at all
    points_by_group: dict[str, float] = field(default_factory=dict)
    outside: frozenset[str] = frozenset()

    def rule_for(self, group: str | None) -> Any:
        if group is not None and group in self.rules_by_group:
            return self.rules_by_group[group]
        return self.rule

    def points_for(self, group: str | None) -> float:
        if group is not None and group in self.points_by_group:
            return self.points_by_group[group]
        return self.points

    def has(self, group: str | None) -> bool:
        """Whether a unit of ``group`` is assessed on this indicator."""
        return group is None or group not in self.outside


@dataclass(slots=True)
class PlanField:
    id: str
    name: str
    unit: str | None
    formula: Formula | None
    aggregate: m.Aggregate | None
    where: Formula | None


@dataclass(slots=True)
class Plan:
    scheme: m.Scheme
    path: str
    sha256: str
    read: ReadPlan
    fields: dict[str, PlanField]
    derived_order: list[str]  # formula fields in evaluation order
    aggregates: list[str]
    name_aliases: dict[str, str]  # name used in formulas → field id
    indicators: list[PlanIndicator]
    parents: dict[str, m.Indicator]  # second-level indicators that have children
    categories: list[m.Category]
    group_ids: dict[str, str]  # id, name or alias → canonical id
    group_names: dict[str, str]  # canonical id → display name
    unit_groups: dict[str, str]  # unit name → canonical group id
    vetoes: list[tuple[m.Veto, Formula]]
    bars: list[tuple[m.Bar, Formula]]  # a bar without ``when`` has the formula 1 (true)
    grade_names: list[str]
    round: Rounder
    cohort_indicators: list[int] = field(default_factory=list)  # indexes into indicators
    env_keys: tuple[str, ...] = ()  # the unit values scoring reads (see _env_reads)
    env_aliases: tuple[tuple[str, str], ...] = ()  # (name, field id) for the names scoring reads
    derived_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # derived field id → its names
    # every ``when`` of the bars and of the consequences, by its text (``grades.grade_unit``)
    bar_formulas: dict[str, Formula] = field(default_factory=dict)
    unranked: frozenset[str] = frozenset()  # units the scheme lists with ``ranked: false``
    category_members: list[list[int]] = field(default_factory=list)  # indicator indexes per category
    sources: tuple[SourceSpec, ...] = ()  # the scheme's data sources; () when all is the unit's own
    unit_read: ReadPlan | None = None  # what the unit's own workbook holds (None: all of ``read``)
    sets: dict[str, GroupSet] = field(default_factory=dict)  # each group's own set; {}: one set for all

    @property
    def bonus_word(self) -> str:
        """What the bonus is called in tables and sheets: 加分, or the scheme's own name (附加分)."""
        b = self.scheme.bonus
        return "加分" if b is None or b.name == "加分项" else b.name

    def category_points(self, group: str | None) -> list[float]:
        """Each category's points for a unit of ``group``: its group's own where sets differ."""
        gs = self.sets.get(group or "")
        return list(gs.categories) if gs is not None else [c.points for c in self.categories]

    def has_bonus(self, group: str | None, item: str) -> bool:
        gs = self.sets.get(group or "")
        return gs is None or item in gs.bonus

    @property
    def own_read(self) -> ReadPlan:
        """The ReadPlan of a unit's own workbook: every input no other source supplies."""
        return self.unit_read or self.read

    def group_of(self, declared: str | None, unit: str) -> str | None:
        """The canonical group: the scheme's unit list wins over what a workbook says."""
        if unit in self.unit_groups:
            return self.unit_groups[unit]
        if declared is None or not declared.strip():
            return None
        if not self.group_ids:  # no groups in the scheme: units are grouped as their data say
            return declared.strip()
        return self.group_ids.get(declared.strip(), None)


def compile_plan(loaded: LoadedScheme) -> Plan:
    s = loaded.scheme
    group_ids: dict[str, str] = {}
    for g in s.groups:
        for alias in (g.id, g.name, *g.aliases):
            group_ids[alias] = g.id
    fields: dict[str, PlanField] = {}
    inputs: list[InputSpec] = []
    name_aliases: dict[str, str] = {}
    for f in s.fields:
        fields[f.id] = PlanField(
            f.id,
            f.name,
            f.unit,
            compile_formula(f.formula) if f.formula else None,
            f.aggregate,
            compile_formula(f.aggregate.where) if f.aggregate and f.aggregate.where else None,
        )
        if f.name != f.id:
            name_aliases[f.name] = f.id
        if not f.formula and not f.aggregate:
            inputs.append(
                InputSpec(
                    key=f.id,
                    code=f.code,
                    name=f.name,
                    kind=infer_kind(f.kind, f.unit, levels=f.levels),
                    unit=f.unit,
                    aliases=tuple(f.aliases) + ((f.id,) if f.id != f.name else ()),
                    minimum=f.min,
                    maximum=f.max,
                    part_of=f.part_of,
                    required=f.required,
                    levels=_levels(f.levels),
                )
            )
    derived_order = _topological([f for f in s.fields if f.formula], fields, name_aliases)
    indicators: list[PlanIndicator] = []
    parents: dict[str, m.Indicator] = {}
    field_lines: dict[str, float] = {}  # field id → scoring lines of the indicators reading it
    ladders: dict[str, tuple[tuple[str, float], ...]] = {}  # field id → the words a ladder reads it as
    parents_of = {c.id: ind.id for ind, _c, _k in walk_indicators(s) for c in ind.children}
    for ind, cat, _key in walk_indicators(s):
        if ind.children:
            parents[ind.id] = ind
            continue
        assert ind.rule is not None  # validated
        parent = parents_of.get(ind.id)
        key = ind.id
        formula = None
        if ind.formula:
            formula = compile_formula(ind.formula)
        elif ind.field:
            key = name_aliases.get(ind.field, ind.field)
            if ind.rule.type == "ladder":  # the field is read as the ladder's words (validated)
                ladders[key] = _levels(ind.rule.levels)
        levels = ind.levels or ladder_levels(ind.rule)
        kind = (
            "rating" if ind.rule.type == "ladder" else infer_kind(ind.kind, ind.unit, ind.rule.type, levels)
        )
        variants = _variants(ind.rule, group_ids)
        lines = _scoring_lines(ind.rule, variants)
        if lines is not None and key != ind.id:  # the field it reads: its percent lines too
            field_lines[key] = min(lines, field_lines.get(key, lines))
        if not ind.formula and not ind.field:
            inputs.append(
                InputSpec(
                    key=ind.id,
                    code=ind.id,
                    name=ind.name,
                    kind=kind,
                    unit=ind.unit,
                    aliases=tuple(ind.aliases),
                    minimum=ind.min
                    if ind.min is not None
                    else (0.0 if kind in ("percent", "count") else None),
                    maximum=ind.max,
                    scale=lines,
                    levels=_levels(levels),
                )
            )
        indicators.append(
            PlanIndicator(
                id=ind.id,
                name=ind.name,
                points=ind.points,
                unit=ind.unit or None,
                kind=kind,
                direction=ind.direction,
                category=int(_key[1]),
                parent=parent,
                department=ind.department or cat.department,
                source_note=ind.source,
                nature=ind.nature,
                standard=ind.standard,
                key=key,
                formula=formula,
                rule=ind.rule,
                rules_by_group=variants,
                missing=ind.missing or s.missing,
                missing_stated=ind.missing is not None or "missing" in s.model_fields_set,
                rectify=ind.rectify,
                position=len(indicators),
                average=average_basis(ind.average, ind.formula),
                own_lines=any(m.field_lines(r) for r in (ind.rule, *variants.values())),
                overrides=tuple((o, compile_formula(o.when)) for o in ind.override),
            )
        )
    for extra in _extra_inputs(s):
        inputs.append(extra)
    inputs = [
        replace(spec, scale=field_lines[spec.key]) if spec.key in field_lines and spec.scale is None else spec
        for spec in inputs
    ]
    inputs = [
        replace(spec, kind="rating", levels=ladders[spec.key]) if spec.key in ladders else spec
        for spec in inputs
    ]
    rated = {spec.key: spec.levels for spec in inputs if spec.levels}
    for pi in indicators:
        if pi.formula is None and pi.key in rated:
            pi.levels = rated[pi.key]
    tables = tuple(
        TableSpec(
            key=t.id,
            name=t.name,
            columns=tuple(ColumnSpec(c.id, c.name, c.kind, c.unit, tuple(c.aliases)) for c in t.columns),
            unit_column=t.unit_column,
            aliases=tuple(t.aliases),
        )
        for t in s.tables
    )
    unit_groups = {u.name: group_ids.get(u.group, u.group) for u in s.units if u.group}
    read = ReadPlan(
        inputs=tuple(inputs),
        tables=tables,
        year=s.year,
        groups=tuple(group_ids),
        units=tuple(u.name for u in s.units),
        unit_groups={u: next(g.name for g in s.groups if g.id == gid) for u, gid in unit_groups.items()},
    )
    conditions: list[m.Bar | m.Consequence] = [*s.bars, *s.consequences]  # their ``when`` formulas
    plan = Plan(
        scheme=s,
        path=str(loaded.path),
        sha256=loaded.sha256,
        read=read,
        fields=fields,
        derived_order=derived_order,
        aggregates=[f.id for f in s.fields if f.aggregate],
        name_aliases=name_aliases,
        indicators=indicators,
        parents=parents,
        categories=list(s.categories),
        group_ids=group_ids,
        group_names={g.id: g.name for g in s.groups},
        unit_groups=unit_groups,
        vetoes=[(v, compile_formula(v.when)) for v in s.vetoes],
        bars=[(b, compile_formula(b.when or "1")) for b in s.bars],
        bar_formulas={text: compile_formula(text) for c in conditions for text in formulas_of(c)},
        unranked=frozenset(u.name for u in s.units if not u.ranked),
        grade_names=[g.name for g in s.grades],
        round=Rounder(s.rounding.decimals, s.rounding.mode),
    )
    plan.cohort_indicators = [
        i for i, ind in enumerate(indicators) if ind.rule.type in ("rank", "relative", "minmax")
    ]
    plan.sets = group_sets(s, group_ids)
    for pi in indicators:
        pi.points_by_group = {
            gid: gs.points[pi.id]
            for gid, gs in plan.sets.items()
            if pi.id in gs.points and gs.points[pi.id] != pi.points
        }
        pi.outside = frozenset(gid for gid, gs in plan.sets.items() if pi.id not in gs.points)
    reads = _env_reads(plan)
    if plan.sets:
        plan.read = read = replace(read, optional=_optional(plan, group_ids, reads))
    # A name read as written may also be another field's id (validated schemes allow it): keep both.
    plan.env_keys = tuple(sorted({k for n in reads for k in (n, name_aliases.get(n, n))}))
    plan.env_aliases = tuple((n, name_aliases[n]) for n in sorted(reads) if n in name_aliases)
    derived = set(derived_order)
    by_field: dict[str, list[str]] = {}
    for n, fid in plan.env_aliases:
        if fid in derived:
            by_field.setdefault(fid, []).append(n)
    plan.derived_aliases = {fid: tuple(names) for fid, names in by_field.items()}
    plan.sources, own = compile_sources(s, read, name_aliases)
    plan.unit_read = own if plan.sources else None
    plan.category_members = [
        [i for i, ind in enumerate(indicators) if ind.category == c] for c in range(len(s.categories))
    ]
    return plan


def _optional(plan: Plan, group_ids: dict[str, str], reads: set[str]) -> dict[str, frozenset[str]]:
    """Per group name or alias: the keys only indicators outside the group's set read."""
    out: dict[str, frozenset[str]] = {}
    aliases = plan.name_aliases
    for gid in plan.sets:
        kept = _env_reads(plan, group=gid)
        needed = {aliases.get(n, n) for n in kept} | kept
        keys = frozenset(k for n in reads - kept for k in (n, aliases.get(n, n)) if k not in needed)
        if keys:
            for alias, canonical in group_ids.items():
                if canonical == gid:
                    out[alias] = keys
    return out


def _env_reads(plan: Plan, group: str | None = None) -> set[str]:
    """Every name scoring reads from a unit's environment, as written (a field's id or name).

    ``prepare`` copies only these values into the environment: a summary row
    may carry twenty fields of which six feed indicators, and each value
    copied is an object made and a source text written for nothing.
    Anything that reads the environment must be listed here; a test scores
    the bundled schemes with the full environment and compares.
    """
    s = plan.scheme
    names: set[str] = set()
    for ind in plan.indicators:
        if not ind.has(group):
            continue
        names.update(ind.formula.names if ind.formula is not None else (ind.key,))
        if ind.own_lines:  # each unit's own target, floor or baseline
            for r in (ind.rule, *ind.rules_by_group.values()):
                names.update(m.field_lines(r).values())
        for _item, formula in ind.overrides:  # 得分调整 conditions
            names.update(formula.names)
    for f in plan.fields.values():
        if f.formula is not None:
            names.update(f.formula.names)
    for formula in (*(f for _item, f in plan.vetoes), *plan.bar_formulas.values()):
        names.update(formula.names)
    if s.bonus is not None:  # a bonus item only other groups have is not read for this one
        names.update(i.field or i.id for i in s.bonus.items if group is None or plan.has_bonus(group, i.id))
    if s.penalties is not None:
        names.update(item.field or item.id for item in s.penalties.items)
    names.update(part.field or part.id for part in s.composition if part.source != "categories")
    # explain's limits: the whole a part may not exceed (for one group: only of the parts it reads)
    names.update(
        spec.part_of
        for spec in plan.read.inputs
        if spec.part_of and (group is None or spec.key in names or spec.name in names)
    )
    return names


def _extra_inputs(s: m.Scheme) -> list[InputSpec]:
    """Bonus and penalty items are entered under their own ids unless they name a field."""
    out: list[InputSpec] = []
    if s.bonus:
        for b in s.bonus.items:
            if not b.field:
                kind = infer_kind(None, b.unit, b.rule.type)
                out.append(InputSpec(b.id, b.id, b.name, kind, b.unit, minimum=0.0, required=False))
    if s.penalties:
        for p in s.penalties.items:
            if not p.field:
                out.append(InputSpec(p.id, p.id, p.name, "count", p.unit, minimum=0.0, required=False))
    return out


def _variants(rule: Any, group_ids: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group, override in rule.by_group.items():
        data = rule.model_dump(exclude={"by_group"})
        data.update(override)
        out[group_ids.get(group, group)] = type(rule).model_validate(data)
    return out


def _topological(
    derived: list[m.DataField], fields: dict[str, PlanField], aliases: dict[str, str]
) -> list[str]:
    order: list[str] = []
    done: set[str] = set()
    deps: dict[str, set[str]] = {}
    for f in derived:
        formula = fields[f.id].formula
        deps[f.id] = {aliases.get(n, n) for n in (formula.names if formula is not None else ())}

    def visit(node: str) -> None:
        if node in done:
            return
        done.add(node)
        for dep in sorted(deps.get(node, ())):
            visit(dep)
        if node in deps:
            order.append(node)

    for f in derived:
        visit(f.id)
    return order
