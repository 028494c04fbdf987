"""Scoring lines taken from a data field (按本单位目标计分): the field exists and holds numbers.

``target``, ``floor`` (linear) and ``baseline`` (step) may name a data field instead of a
number (``model.FIELD_LINES``); each unit is then scored against its own value of that field,
such as the 粮食播种面积 task each county was given.  Here the name must be a declared
field's id or name, and the field a number: not text, yes/no or a rating.  A by_group
override may name a field too, and is checked the same way.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError

from assess.scheme import model as m
from assess.scheme.checker import Checker
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_

# Kinds of field that are not a number a unit can be measured against.
_NOT_NUMBERS = {"text": "文字", "bool": "是否项", "rating": "评价等次"}


def check_field_lines(chk: Checker) -> None:
    for ind, _cat, key in walk_indicators(chk.s):
        rule = ind.rule
        if ind.children or rule is None or rule.type not in m.FIELD_LINES:
            continue
        where = (*key, "rule")
        for param, ref in m.field_lines(rule).items():
            _check_ref(chk, ind, (*where, param), param, ref)
        for group, override in rule.by_group.items():
            if not isinstance(override, dict) or override.get("type", rule.type) != rule.type:
                continue  # reported by validate_rules
            data = {**rule.model_dump(exclude={"by_group"}), **override}
            data.pop("by_group", None)
            try:
                variant = type(rule).model_validate(data)
            except ValidationError:
                continue  # reported by validate_rules
            for param, ref in m.field_lines(variant).items():
                if param in override:  # the rule's own reference is checked once, above
                    _check_ref(chk, ind, (*where, "by_group", group, param), param, ref)


def _check_ref(chk: Checker, ind: m.Indicator, key: Path_, param: str, ref: str) -> None:
    fid = ref if ref in chk.fields else chk.field_names.get(ref)
    if fid is None or fid not in chk.fields:
        chk.add(
            key,
            "unknown-name",
            f"指标 {ind.id} 的 {param}“{ref}”不是数字,也不是已定义的数据字段"
            f"(按本单位目标计分时写 fields 中字段的 id 或名称){_close(chk, ref)}",
        )
        return
    field = chk.fields[fid]
    kind = field.kind or ("rating" if field.levels else None)
    if kind in _NOT_NUMBERS:
        chk.add(
            key,
            "target-field",
            f"指标 {ind.id} 的 {param} 引用的字段“{field.name}”是{_NOT_NUMBERS[kind]}(kind: {kind}),"
            "不是数值,不能作为本单位目标",
        )
        return
    if field.unit and ind.unit and _unit(field.unit) != _unit(ind.unit):
        chk.add(
            key,
            "target-field",
            f"指标 {ind.id} 的单位是“{ind.unit}”,其 {param} 引用的字段“{field.name}”的单位是“{field.unit}”;"
            "本单位目标按原数与实际值比较,不换算单位,请核对",
            "warning",
        )


def _unit(text: str) -> str:
    return text.strip().replace("％", "%")


def _close(chk: Checker, ref: str) -> str:
    names: list[Any] = sorted({*chk.fields, *chk.field_names})
    close = difflib.get_close_matches(ref, names, n=1, cutoff=0.5)
    return f";是否应为“{close[0]}”?" if close else ""
