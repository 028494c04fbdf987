"""Which indicators are rates of two counts, and so how their cohort average is taken.

A province reports its own 完成率 as the sum of the numerators over the sum of the
denominators, not as the mean of its counties' rates: a county of 50 households
weighs as much as one of 50,000 in a plain mean.  An indicator computed by a formula
of the shape ``a / b * 100`` (or ``a / b``, ``a * 100 / b``, ``100 * a / b``) over two
data fields is such a rate; its default average is the pooled one.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from assess.scheme.formula import normalise

MEAN = "mean"
POOLED = "pooled"


class RateParts(NamedTuple):
    numerator: str
    denominator: str
    factor: float  # value = numerator / denominator * factor


def _factor(node: ast.expr) -> float | None:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return float(node.value) if node.value > 0 else None
    return None


def rate_parts(text: str | None) -> RateParts | None:
    """The numerator, denominator and factor of a rate formula, or None for anything else."""
    if not text:
        return None
    try:
        node = ast.parse(normalise(text).strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    factor = 1.0
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):  # (a / b) * 100, 100 * (a / b)
        for inner, const in ((node.left, node.right), (node.right, node.left)):
            k = _factor(const)
            if k is not None and isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Div):
                node, factor = inner, k
                break
        else:
            return None
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
        return None
    top, bottom = node.left, node.right
    if isinstance(top, ast.BinOp) and isinstance(top.op, ast.Mult):  # a * 100 / b, 100 * a / b
        k, name = (
            (_factor(top.right), top.left) if _factor(top.left) is None else (_factor(top.left), top.right)
        )
        if k is None or factor != 1.0:
            return None
        top, factor = name, k
    if isinstance(top, ast.Name) and isinstance(bottom, ast.Name) and top.id != bottom.id:
        return RateParts(top.id, bottom.id, factor)
    return None


def average_basis(average: object, formula: str | None) -> str | float:
    """``mean``, ``pooled`` or the given number, as the scheme's ``average`` key says
    (its default: pooled for a rate formula, else mean)."""
    if average is None:
        return POOLED if rate_parts(formula) is not None else MEAN
    if isinstance(average, str):
        return average
    return float(average)  # type: ignore[arg-type]
