"""Scheme formulas evaluated over whole columns, for the array path of large cohorts.

The closures of ``assess.scheme.formula`` evaluate one unit at a time, a few
microseconds each: fine for 3,000 counties, seconds for 500,000 villages.
Here the same whitelisted tree is compiled into numpy operations over every
unit at once.  Each sub-expression yields ``(values, defined)``: ``defined``
is False exactly where the closure would raise ``Undefined`` (a missing
input, a zero denominator, a non-finite result), so short-circuit ``and`` /
``or`` and ``x if c else y`` decide per unit as the closures do.  A property
test checks that both give the same value, or both none, for random formulas.

What arrays cannot reproduce exactly (text constants and comparisons of text)
is refused with ``None``; the caller then scores unit by unit.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

import numpy as np

from assess.scheme.formula import (
    _BINOPS,
    _CMPOPS,
    MAX_BASE,
    MAX_EXPONENT,
    Formula,
    Undefined,
    _pow,
    normalise,
)

Column = tuple[np.ndarray, np.ndarray]  # (float64 values, bool defined)
VEnv = Mapping[str, Column]
VFn = Callable[[VEnv, int], Column]


class _NotVector(Exception):
    """The formula needs the unit-by-unit closures."""


def compile_vector(formula: Formula) -> VFn | None:
    """The formula over columns, or None when only the closures can evaluate it exactly."""
    tree = ast.parse(normalise(formula.text).strip(), mode="eval")
    try:
        inner = _compile(tree.body)
    except _NotVector:
        return None

    def run(env: VEnv, n: int) -> Column:
        with np.errstate(all="ignore"):
            values, defined = inner(env, n)
        values = np.where(defined, values, np.nan)
        return values, defined

    return run


def _missing(n: int) -> Column:
    return np.full(n, np.nan), np.zeros(n, dtype=bool)


def _lookup(key: str) -> VFn:
    def get(env: VEnv, n: int) -> Column:
        col = env.get(key)
        return col if col is not None else _missing(n)

    return get


def _compile(node: ast.AST) -> VFn:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _NotVector
        const = float(node.value)
        return lambda env, n: (np.full(n, const), np.ones(n, dtype=bool))
    if isinstance(node, ast.Name):
        return _lookup(node.id)
    if isinstance(node, ast.BinOp):
        return _binop(node)
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env, n: _map(operand(env, n), np.negative)
        if isinstance(node.op, ast.UAdd):
            return operand
        return lambda env, n: _map(operand(env, n), lambda v: np.where(v != 0, 0.0, 1.0))
    if isinstance(node, ast.BoolOp):
        return _boolop(isinstance(node.op, ast.And), [_compile(v) for v in node.values])
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.IfExp):
        return _ifexp(_compile(node.test), _compile(node.body), _compile(node.orelse))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call(node)
    raise _NotVector  # validated schemes never get here


def _map(col: Column, fn: Callable[[np.ndarray], np.ndarray]) -> Column:
    return fn(col[0]), col[1]


def _binop(node: ast.BinOp) -> VFn:
    left, right = _compile(node.left), _compile(node.right)
    if isinstance(node.op, ast.Pow):

        def power(env: VEnv, n: int) -> Column:
            # Element by element through the engine's own _pow: numpy's power differs from
            # Python's in the last bit for some operands (2.5 ** 2.5), and the two paths must
            # give the same figures.  Formulas with a power are rare; the loop is cheap.
            (b, db), (e, de) = left(env, n), right(env, n)
            ok = np.array(db & de & (np.abs(e) <= MAX_EXPONENT) & (np.abs(b) <= MAX_BASE), ndmin=1)
            b, e = np.broadcast_to(b, ok.shape), np.broadcast_to(e, ok.shape)
            out = np.full(ok.shape, np.nan)
            for i in np.flatnonzero(ok):
                try:
                    out[i] = _pow(float(b[i]), float(e[i]))
                except Undefined:
                    ok[i] = False
            return out, ok & np.isfinite(out)

        return power
    op = _BINOPS[type(node.op)]
    is_div = isinstance(node.op, (ast.Div, ast.Mod))

    def binop(env: VEnv, n: int) -> Column:
        (a, da), (b, db) = left(env, n), right(env, n)
        ok = da & db
        if is_div:
            ok &= b != 0
        out: np.ndarray = op(a, b)  # type: ignore[assignment]  # numpy's %, like Python's, takes the divisor's sign
        return out, ok & np.isfinite(out)

    return binop


def _boolop(is_and: bool, parts: list[VFn]) -> VFn:
    # Python's all()/any() stop at the first deciding part: a later part that
    # cannot be evaluated does not matter once an earlier one has decided.
    def boolop(env: VEnv, n: int) -> Column:
        result = np.full(n, 1.0 if is_and else 0.0)
        open_ = np.ones(n, dtype=bool)  # not decided yet
        defined = np.ones(n, dtype=bool)
        for part in parts:
            v, d = part(env, n)
            defined &= ~(open_ & ~d)
            open_ &= d
            decides = open_ & ((v == 0) if is_and else (v != 0))
            result[decides] = 0.0 if is_and else 1.0
            open_ &= ~decides
        return result, defined

    return boolop


def _compare(node: ast.Compare) -> VFn:
    fns = [_compile(node.left)] + [_compile(c) for c in node.comparators]
    ops = [_CMPOPS[type(op)] for op in node.ops]

    def compare(env: VEnv, n: int) -> Column:
        cols = [f(env, n) for f in fns]
        defined = np.logical_and.reduce([d for _v, d in cols])
        holds = np.ones(n, dtype=bool)
        for i, op in enumerate(ops):
            holds &= op(cols[i][0], cols[i + 1][0])
        return holds.astype(float), defined

    return compare


def _ifexp(test: VFn, body: VFn, other: VFn) -> VFn:
    def ifexp(env: VEnv, n: int) -> Column:
        (t, dt), (b, db), (o, do) = test(env, n), body(env, n), other(env, n)
        cond = t != 0
        return np.where(cond, b, o), dt & np.where(cond, db, do)

    return ifexp


def _call(node: ast.Call) -> VFn:
    assert isinstance(node.func, ast.Name)
    name = node.func.id
    if name in ("value", "score"):
        arg = node.args[0]
        assert isinstance(arg, ast.Constant)
        return _lookup(f"{name}:{arg.value!s}")
    args = [_compile(a) for a in node.args]
    if name in ("min", "max"):
        better = np.less if name == "min" else np.greater

        def extreme(env: VEnv, n: int) -> Column:
            cols = [a(env, n) for a in args]
            out = cols[0][0]
            for v, _d in cols[1:]:  # as min()/max(): the first of equals is kept (0.0 before -0.0)
                out = np.where(better(v, out), v, out)
            return out, np.logical_and.reduce([d for _v, d in cols])

        return extreme
    if name == "abs":
        return lambda env, n: _map(args[0](env, n), np.abs)
    if len(args) == 1:
        # half to even, as round(); + 0.0 because float(round(-0.3)) is 0.0, not -0.0
        return lambda env, n: _map(args[0](env, n), lambda v: np.rint(v) + 0.0)
    return _round2(args[0], args[1])


def _round2(value: VFn, digits: VFn) -> VFn:
    # round(x, n) is correctly rounded in Python and not in numpy: done value by value.
    def round2(env: VEnv, n: int) -> Column:
        (v, dv), (d, dd) = value(env, n), digits(env, n)
        ok = dv & dd & (d >= -20) & (d <= 20)
        out = np.full(n, np.nan)
        idx = np.flatnonzero(ok)
        out[idx] = [round(x, int(k)) for x, k in zip(v[idx].tolist(), d[idx].tolist(), strict=True)]
        return out, ok

    return round2


def clean(values: np.ndarray, defined: np.ndarray) -> np.ndarray:
    """``round(value, 9)`` where defined, as ``engine._formula_value`` stores a result."""
    out = np.full(len(values), np.nan)
    idx = np.flatnonzero(defined)
    out[idx] = [round(x, 9) for x in values[idx].tolist()]
    return out


__all__ = ["Column", "VEnv", "clean", "compile_vector"]
