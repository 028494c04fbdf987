"""Fields computed from detail tables: count, sum, mean, share where a condition holds.

Conditions of the form ``column <op> constant`` (by far the most common:
``集体经济收入 >= 10``) run as one list comprehension over the column; any
other condition is evaluated row by row through the safe formula closures.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from assess.scheme.formula import Formula
from assess.scheme.model import Aggregate
from assess.workbook.data import TableData

# Why an aggregate is no number: cells each valid (up to about 1e308) whose sum is not.
TOO_LARGE = "明细表汇总结果超出数值范围(明细中的数过大)"

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": operator.eq,
    "NotEq": operator.ne,
    "Lt": operator.lt,
    "LtE": operator.le,
    "Gt": operator.gt,
    "GtE": operator.ge,
}


def _mask(where: Formula, table: TableData) -> list[bool]:
    if where.simple is not None:
        name, op, const = where.simple
        column = table.columns.get(name)
        if column is not None:
            fn = _OPS[op]
            if isinstance(const, str):
                return [
                    v is not None and str(v) == const if op == "Eq" else v is not None and fn(str(v), const)
                    for v in column
                ]
            c = float(const)  # type: ignore[arg-type]  # a number: simple() keeps constants
            return [isinstance(v, (int, float)) and fn(v, c) for v in column]
    names = list(table.columns)
    out: list[bool] = []
    for i in range(len(table)):
        env = {n: table.columns[n][i] for n in names}
        value, _ = where.evaluate(env)
        out.append(bool(value))
    return out


def _numbers(table: TableData, column: str | None, mask: list[bool] | None) -> list[float]:
    values = table.columns.get(column or "", [])
    if mask is None:
        return [float(v) for v in values if isinstance(v, (int, float))]
    return [float(v) for v, keep in zip(values, mask, strict=False) if keep and isinstance(v, (int, float))]


def aggregate(agg: Aggregate, where: Formula | None, table: TableData) -> float | None:
    """The aggregate's value, or None when there is nothing to aggregate."""
    mask = _mask(where, table) if where is not None else None
    op = agg.op
    if op == "count":
        return float(len(table))
    if op == "count_where":
        return float(sum(mask or []))
    if op == "share_where":
        return 100.0 * sum(mask or []) / len(table) if len(table) else None
    numbers = _numbers(table, agg.column, mask if op == "sum_where" else None)
    if op in ("sum", "sum_where"):
        return float(sum(numbers))
    if not numbers:
        return None
    if op == "mean":
        return sum(numbers) / len(numbers)
    if op == "min":
        return min(numbers)
    return max(numbers)
