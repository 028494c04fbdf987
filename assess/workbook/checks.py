"""Checks on what was read: unit names, groups and years against the scheme, and each
unit's values (bad cells, blanks, bounds, parts larger than wholes, missing tables).

Every check returns or appends Findings; none stops reading.  The codes and
levels are listed for users in docs/workbooks.md section 6.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from assess.errors import Finding, Location
from assess.scheme.inputs import FRACTION_SCALE, KIND_COUNT, KIND_PERCENT, InputSpec, ReadPlan
from assess.workbook.data import ERROR, MISSING, OK, UnitData, Value
from assess.workbook.names import closest, key_of, shown
from assess.workbook.values import SUSPECT, fmt_number, typed_as_is

_units_memo: list[Any] = [None, frozenset(), {}]  # (plan.units, names, key → name) last used


def _unit_index(plan: ReadPlan) -> tuple[frozenset[str], dict[str, str]]:
    """The scheme's unit names and their comparison keys, built once per unit list."""
    if _units_memo[0] is not plan.units:
        keyed: dict[str, str] = {}
        for u in plan.units:
            keyed.setdefault(key_of(u), u)
        _units_memo[:] = [plan.units, frozenset(plan.units), keyed]
    return _units_memo[1], _units_memo[2]


def known_units(plan: ReadPlan) -> frozenset[str]:
    """The scheme's unit names as a set (empty when the scheme has no unit list)."""
    return _unit_index(plan)[0]


def canonical_unit(name: str, plan: ReadPlan, loc: Location, findings: list[Finding]) -> str:
    """The scheme's spelling of a unit name; an unknown unit is reported (with a suggestion)."""
    if not plan.units:
        return name
    names, keyed = _unit_index(plan)
    if name in names:
        return name
    match = keyed.get(key_of(name))
    if match is not None:
        return match
    hint = closest(name, plan.units)
    tip = f",是否为“{hint}”?" if hint else ""
    findings.append(Finding("unknown-unit", f"单位“{shown(name)}”不在考核方案的单位名单中{tip}", loc))
    return name


def canonical_group(
    group: str | None, unit: str, plan: ReadPlan, loc: Location, findings: list[Finding]
) -> str | None:
    """Declared group checked against the scheme's groups; the scheme's unit list wins."""
    listed = plan.unit_groups.get(unit)
    if group is None:
        return listed
    if plan.groups:
        key = key_of(group)
        match = next((g for g in plan.groups if key_of(g) == key), None)
        if match is None:
            hint = closest(group, plan.groups)
            tip = f",是否为“{hint}”?" if hint else f"(可选:{'、'.join(plan.groups)})"
            findings.append(Finding("unknown-group", f"分组“{group}”不是考核方案中的分组{tip}", loc))
        else:
            group = match
    if listed is not None and key_of(listed) != key_of(group):
        findings.append(
            Finding(
                "group-mismatch",
                f"填报的分组“{group}”与考核方案单位名单中的分组“{listed}”不一致,按方案计",
                loc,
                "warning",
            )
        )
        return listed
    return group


def check_year(year: int | None, plan: ReadPlan, loc: Location, findings: list[Finding]) -> None:
    if year is not None and plan.year is not None and year != plan.year:
        findings.append(
            Finding(
                "year-mismatch",
                f"填报年度为 {year} 年,与考核方案年度 {plan.year} 年不一致",
                loc,
            )
        )


def _place(data: UnitData, v: Value) -> Location:
    """The cell a value was read from, from its ``where`` (``指标数据!D17``)."""
    sheet, _, cell = v.where.rpartition("!")
    return Location(file=data.file, sheet=sheet or None, cell=cell or None)


_ANY, _COUNT, _PERCENT, _FRACTION = 0, 1, 2, 3
_INF = float("inf")
_bounds_memo: list[Any] = [None, []]  # (fields, their bounds) last used


def likely_fraction(spec: InputSpec) -> bool:
    """Whether a value between 0 and 1 in this field is most likely a fraction (0.85 for 85 %):
    a percentage whose every scoring line is at least FRACTION_SCALE."""
    return (
        spec.scale is not None
        and spec.scale >= FRACTION_SCALE
        and (spec.kind == KIND_PERCENT or spec.unit == "%")
    )


def _bounds(specs: Sequence[InputSpec]) -> list[tuple[InputSpec, str, float, float, int]]:
    """(field, key, lower, upper, rule) per field: a number raises none of the findings of
    :func:`check_unit` about a single value when it is within the bounds and obeys the rule.

    The rule is _COUNT (a whole number ≥ 0), _PERCENT (0~100, for a percentage
    without an upper bound) or _ANY; a missing bound is ±inf, which no number
    passes.  Worked out once per tuple of fields (the plan's), else per call.
    """
    if _bounds_memo[0] is specs:
        return cast(list[tuple[InputSpec, str, float, float, int]], _bounds_memo[1])
    out = []
    for s in specs:
        if s.kind == KIND_COUNT:
            mode = _COUNT
        elif likely_fraction(s):
            mode = _FRACTION
        elif s.maximum is None and (s.kind == KIND_PERCENT or s.unit == "%"):
            mode = _PERCENT
        else:
            mode = _ANY
        lo = s.minimum if s.minimum is not None else -_INF
        hi = s.maximum if s.maximum is not None else _INF
        out.append((s, s.key, lo, hi, mode))
    if type(specs) is tuple:
        _bounds_memo[:] = [specs, out]
    return out


_parts_memo: list[Any] = [None, [], {}]  # (fields, those with a whole, key → field) last used


def _parts(specs: Sequence[InputSpec]) -> tuple[list[InputSpec], dict[str, InputSpec]]:
    """The fields that are part of another, and every field by key; once per tuple of fields."""
    if _parts_memo[0] is not specs:
        found = ([s for s in specs if s.part_of], {s.key: s for s in specs})
        if type(specs) is not tuple:
            return found
        _parts_memo[:] = [specs, *found]
    return _parts_memo[1], _parts_memo[2]


def check_unit(
    data: UnitData,
    specs: Iterable[InputSpec],
    cells: Mapping[str, Location] | None = None,
    skip: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Findings about one unit's parsed values: bad cells, blanks, bounds, parts larger than wholes.

    Kept beside the parser so that the value rules and their checks stay in
    one place; readers call it once per unit after filling ``data.values``.
    Findings point at ``cells[key]``, or by default at the cell in the value's
    ``where``.
    """
    out: list[Finding] = []
    specs = list(specs) if type(specs) is not tuple else specs
    values = data.values
    for spec, key, lo, hi, mode in _bounds(specs):
        v = values.get(key)
        if v is None:
            continue
        n = v.number
        if (
            n is not None
            and v.status == OK
            and not v.note
            and not n < lo
            and not n > hi
            and (
                mode == _ANY
                or (
                    n >= 0 and n.is_integer()
                    if mode == _COUNT
                    else (n == 0.0 or n >= 1.0) and (n <= 100.0 or spec.maximum is not None)
                    if mode == _FRACTION
                    else 0.0 <= n <= 100.0
                )
            )
        ):
            continue  # a plain value: nothing to report
        loc = (cells.get(spec.key) if cells is not None else None) or _place(data, v)
        if v.status == ERROR:
            out.append(Finding("bad-value", f"“{spec.name}”的值无效:{v.note}", loc))
            continue
        if v.status == MISSING:
            if spec.required and spec.key not in skip:  # skip: not asked of the unit's group
                out.append(
                    Finding(
                        "missing-value",
                        f"“{spec.name}”未填写(不适用的请填“不适用”)",
                        loc,
                    )
                )
            continue
        if v.status != OK or v.number is None:
            continue
        n = v.number
        if mode == _FRACTION and 0.0 < n < 1.0 and typed_as_is(v.raw, n):
            out.append(Finding("likely-fraction", fraction_message(spec, n), loc))
        elif v.note.startswith(SUSPECT):
            out.append(
                Finding(
                    "suspect-percent",
                    f"“{spec.name}”{v.note[len(SUSPECT) :]}",
                    loc,
                    "warning",
                )
            )
        is_percent = spec.kind == KIND_PERCENT or spec.unit == "%"
        if spec.minimum is not None and n < spec.minimum:
            out.append(
                Finding(
                    "out-of-range",
                    f"“{spec.name}”为 {fmt_number(n)},低于下限 {fmt_number(spec.minimum)}",
                    loc,
                )
            )
        elif spec.maximum is not None and n > spec.maximum:
            out.append(
                Finding(
                    "out-of-range",
                    f"“{spec.name}”为 {fmt_number(n)},超过上限 {fmt_number(spec.maximum)}",
                    loc,
                )
            )
        elif spec.kind == KIND_COUNT and n < 0:
            out.append(Finding("out-of-range", f"“{spec.name}”为 {fmt_number(n)},数量不能为负数", loc))
        elif is_percent and spec.maximum is None and not 0.0 <= n <= 100.0:
            out.append(
                Finding(
                    "out-of-range",
                    f"“{spec.name}”为 {fmt_number(n)}%,不在 0~100% 之间,请核实",
                    loc,
                    "warning",
                )
            )
        if spec.kind == KIND_COUNT and not n.is_integer():
            out.append(Finding("not-integer", f"“{spec.name}”为 {fmt_number(n)},应为整数", loc, "warning"))
    parts, by_key = _parts(specs)
    for spec in parts:
        part, whole = data.values.get(spec.key), data.values.get(cast(str, spec.part_of))
        if part is None or whole is None or part.number is None or whole.number is None:
            continue
        if (
            part.status == OK
            and whole.status == OK
            and part.number > whole.number + 1e-9 * max(1.0, abs(whole.number))
        ):
            whole_name = by_key[spec.part_of].name if spec.part_of in by_key else spec.part_of
            out.append(
                Finding(
                    "part-exceeds-whole",
                    f"“{spec.name}”({fmt_number(part.number)})大于“{whole_name}”({fmt_number(whole.number)}),"
                    "部分不应超过总数",
                    (cells.get(spec.key) if cells is not None else None) or _place(data, part),
                )
            )
    return out


def fraction_message(spec: InputSpec, n: float) -> str:
    """What a likely fraction in a percent field is told: the value, its reading, the fix."""
    hundred = fmt_number(round(n * 100, 8))
    return (
        f"“{spec.name}”填为 {fmt_number(n)},按 {fmt_number(n)}% 计明显偏低(本项计分以 "
        f"{fmt_number(spec.scale or 0)}% 为界),多半是把 {hundred}% 写成了小数;如本意为 {hundred}%,请填写 {hundred}"
    )


def missing_tables(plan: ReadPlan, units: list[UnitData]) -> list[Finding]:
    """A warning for a table no unit has; an error for each unit lacking a table others have."""
    out: list[Finding] = []
    for spec in plan.tables:
        lacking = [u for u in units if spec.key not in u.tables]
        if not lacking:
            continue
        if len(lacking) == len(units):
            out.append(
                Finding(
                    "missing-table",
                    f"未提供明细表“{spec.name}”,依赖它的指标将按缺失处理",
                    Location(),
                    "warning",
                )
            )
            continue
        for u in lacking:
            out.append(
                Finding(
                    "missing-table",
                    f"单位“{u.unit}”未提供明细表“{spec.name}”",
                    Location(file=u.file),
                )
            )
    return out
