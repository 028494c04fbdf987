"""Safe formulas: a whitelisted expression language compiled to closures.

Scheme authors write ``消除风险人数 / 监测对象人数 * 100`` or
``规模性返贫 == 1``.  The text is parsed with ``ast`` and only arithmetic,
comparisons, ``and``/``or``/``not``, ``x if c else y``, numbers, strings,
field names and the calls ``min max abs round value score`` are accepted;
anything else (attributes, subscripts, lambdas, comprehensions, other calls)
is a scheme error.  The tree is then turned into nested closures: nothing is
ever passed to ``eval``, and evaluation costs a few microseconds.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assess.errors import FormulaError

MAX_LENGTH = 1000
MAX_NODES = 300
MAX_EXPONENT = 10
MAX_BASE = 1e9

Env = Mapping[str, object]
Fn = Callable[[Env], object]

_FUNCS = {"min", "max", "abs", "round"}
_REFS = {"value", "score"}  # value("1.2") / score("1.2"): an indicator's value or score

_BINOPS: dict[type, Callable[[object, object], object]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_OP_WORDS = {
    ast.Attribute: "属性访问(.)",
    ast.Subscript: "下标([ ])",
    ast.Lambda: "lambda 表达式",
    ast.ListComp: "推导式",
    ast.SetComp: "推导式",
    ast.DictComp: "推导式",
    ast.GeneratorExp: "推导式",
    ast.List: "列表",
    ast.Tuple: "元组",
    ast.Dict: "字典",
    ast.Set: "集合",
    ast.JoinedStr: "格式化字符串",
    ast.NamedExpr: "赋值表达式(:=)",
    ast.Starred: "星号展开",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "切片",
    ast.FormattedValue: "格式化字符串",
    ast.FloorDiv: "整除(//)",
    ast.BitAnd: "位运算",
    ast.BitOr: "位运算",
    ast.BitXor: "位运算",
    ast.LShift: "位运算",
    ast.RShift: "位运算",
    ast.MatMult: "矩阵乘(@)",
    ast.Invert: "位运算(~)",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

_TRANSLATE = str.maketrans({"×": "*", "÷": "/", "≥": ">=", "≤": "<=", "≠": "!=", "＝": "="})


class Undefined(Exception):
    """Raised inside evaluation when an input is missing or the arithmetic fails."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Formula:
    text: str
    names: frozenset[str]  # bare names the formula reads
    refs: frozenset[tuple[str, str]]  # ("value" | "score", indicator id)
    fn: Fn
    simple: tuple[str, str, object] | None = None  # (name, op, constant) for fast filters

    def evaluate(self, env: Env) -> tuple[object, str]:
        """Value and, when it cannot be computed, the reason (value None)."""
        try:
            return self.fn(env), ""
        except Undefined as exc:
            return None, exc.reason
        except (ArithmeticError, ValueError, TypeError, RecursionError):
            return None, "无法计算"


def normalise(text: str) -> str:
    """Accept the full-width and mathematical signs people type in Chinese text."""
    return unicodedata.normalize("NFKC", text.translate(_TRANSLATE))


def compile_formula(text: str) -> Formula:
    """Parse and compile; raise FormulaError (without location) when not allowed."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("公式不能为空")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长({len(text)} 个字符,上限 {MAX_LENGTH})")
    source = normalise(text).strip()
    if any(ord(c) < 32 for c in source):
        raise FormulaError(f"公式“{_clip(text)}”含有控制字符(如换行、制表符)")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        hint = "。判断相等请写“==”" if re.search(r"(?<![<>=!])=(?!=)", source) else ""
        raise FormulaError(f"公式“{_clip(text)}”有语法错误(第 {exc.offset or 1} 个字符附近){hint}") from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError(f"公式“{_clip(text)}”嵌套过深") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise FormulaError(f"公式过于复杂({count} 个节点,上限 {MAX_NODES})")
    compiler = _Compiler(text)
    fn = compiler.compile(tree.body)
    return Formula(
        text=text,
        names=frozenset(compiler.names),
        refs=frozenset(compiler.refs),
        fn=fn,
        simple=_simple(tree.body),
    )


def _finite_constant(value: float) -> bool:
    """Whether a constant is a finite float: an integer of 400 digits does not even convert."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _clip(text: str, limit: int = 60) -> str:
    text = "".join("↵" if c == "\n" else " " if ord(c) < 32 else c for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _simple(node: ast.expr) -> tuple[str, str, object] | None:
    """``name <op> constant`` for vectorised filters over detail tables."""
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.left, ast.Name)
        and isinstance(node.comparators[0], ast.Constant)
        and type(node.ops[0]) in _CMPOPS
    ):
        return node.left.id, type(node.ops[0]).__name__, node.comparators[0].value
    return None


def _num(value: object) -> float:
    if value is None:
        raise Undefined("缺少输入")
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise Undefined("数值无效(无穷大或非数)")
        return number
    raise Undefined(f"“{_clip(str(value), 20)}”不是数值")


def _finite(value: object) -> float:
    if isinstance(value, float) and not math.isfinite(value):
        raise Undefined("计算结果超出范围")
    return value  # type: ignore[return-value]


def _pow(base: object, exp: object) -> float:
    b, e = _num(base), _num(exp)
    if abs(e) > MAX_EXPONENT or abs(b) > MAX_BASE:
        raise Undefined(f"乘方超出范围(指数绝对值上限 {MAX_EXPONENT})")
    try:
        return _finite(float(b**e))
    except (OverflowError, ZeroDivisionError, TypeError):
        raise Undefined("乘方无法计算") from None


class _Compiler:
    def __init__(self, text: str) -> None:
        self.text = text
        self.names: set[str] = set()
        self.refs: set[tuple[str, str]] = set()

    def refuse(self, node: ast.AST) -> FormulaError:
        word = _OP_WORDS.get(type(node))
        if word is None:
            return FormulaError(f"公式“{_clip(self.text)}”中含有不支持的写法")
        space = " " if word[0].isascii() else ""
        return FormulaError(f"公式“{_clip(self.text)}”中不允许使用{space}{word}")

    def compile(self, node: ast.AST) -> Fn:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise self.refuse(node)
        fn: Fn = method(node)
        return fn

    def _Constant(self, node: ast.Constant) -> Fn:
        value = node.value
        if isinstance(value, bool) or value is None:
            raise FormulaError(f"公式“{_clip(self.text)}”中的常量“{value}”无效;真假请写 1 或 0")
        if isinstance(value, complex):
            raise FormulaError(f"公式“{_clip(self.text)}”中不允许使用复数")
        if not isinstance(value, (int, float, str)):
            raise FormulaError(f"公式“{_clip(self.text)}”中只能使用数字和带引号的文字常量")
        if isinstance(value, (int, float)) and not _finite_constant(value):  # 1e999, or 401 digits
            raise FormulaError(f"公式“{_clip(self.text)}”中的数值超出范围")
        const = float(value) if isinstance(value, int) else value
        return lambda env: const

    def _Name(self, node: ast.Name) -> Fn:
        name = node.id
        if name in _FUNCS or name in _REFS:
            raise FormulaError(f"公式“{_clip(self.text)}”中的“{name}”是函数,须带括号调用")
        if name.startswith("_"):
            raise FormulaError(f"公式“{_clip(self.text)}”中不允许以下划线开头的名字“{name}”")
        self.names.add(name)

        def get(env: Env) -> object:
            value = env.get(name)
            if value is None:
                raise Undefined(f"{name} 缺失")
            return value

        return get

    def _BinOp(self, node: ast.BinOp) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)
        if isinstance(node.op, ast.Pow):
            self._check_constant_pow(node)
            return lambda env: _pow(left(env), right(env))
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.refuse(node.op)
        is_div = isinstance(node.op, (ast.Div, ast.Mod))

        def binop(env: Env) -> object:
            a, b = _num(left(env)), _num(right(env))
            if is_div and b == 0:
                raise Undefined("分母为 0")
            return _finite(op(a, b))

        return binop

    def _check_constant_pow(self, node: ast.BinOp) -> None:
        try:
            exp = ast.literal_eval(node.right)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            exp = None
        if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Pow):
            exp = MAX_EXPONENT + 1  # a tower of powers is refused outright
        if isinstance(exp, (int, float)) and abs(exp) > MAX_EXPONENT:
            raise FormulaError(f"公式“{_clip(self.text)}”中的乘方指数过大(上限 {MAX_EXPONENT})")

    def _UnaryOp(self, node: ast.UnaryOp) -> Fn:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env: -_num(operand(env))
        if isinstance(node.op, ast.UAdd):
            return lambda env: _num(operand(env))
        if isinstance(node.op, ast.Not):
            return lambda env: 0.0 if _num(operand(env)) else 1.0
        raise self.refuse(node.op)

    def _BoolOp(self, node: ast.BoolOp) -> Fn:
        parts = [self.compile(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: 1.0 if all(_num(p(env)) for p in parts) else 0.0
        return lambda env: 1.0 if any(_num(p(env)) for p in parts) else 0.0

    def _Compare(self, node: ast.Compare) -> Fn:
        fns = [self.compile(node.left)] + [self.compile(c) for c in node.comparators]
        ops = []
        for op in node.ops:
            if type(op) not in _CMPOPS:
                raise self.refuse(op)
            ops.append(_CMPOPS[type(op)])

        def compare(env: Env) -> object:
            values = [f(env) for f in fns]
            for i, op in enumerate(ops):
                a, b = values[i], values[i + 1]
                if not (isinstance(a, str) and isinstance(b, str)):
                    a, b = _num(a), _num(b)
                if not op(a, b):
                    return 0.0
            return 1.0

        return compare

    def _IfExp(self, node: ast.IfExp) -> Fn:
        test, body, other = (self.compile(n) for n in (node.test, node.body, node.orelse))
        return lambda env: body(env) if _num(test(env)) else other(env)

    def _Call(self, node: ast.Call) -> Fn:
        if not isinstance(node.func, ast.Name):
            raise FormulaError(f"公式“{_clip(self.text)}”中只能调用 min、max、abs、round、value、score")
        name = node.func.id
        if node.keywords:
            raise FormulaError(f"公式“{_clip(self.text)}”中的函数不接受关键字参数")
        if name in _REFS:
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
                raise FormulaError(f'公式“{_clip(self.text)}”中 {name}() 须写一个指标编码,如 {name}("1.2")')
            ident = str(node.args[0].value)
            self.refs.add((name, ident))
            key = f"{name}:{ident}"

            def ref(env: Env) -> object:
                value = env.get(key)
                if value is None:
                    raise Undefined(f"指标 {ident} 的{'得分' if name == 'score' else '数值'}缺失")
                return value

            return ref
        if name not in _FUNCS:
            raise FormulaError(
                f"公式“{_clip(self.text)}”中不允许调用“{name}”;只能调用 min、max、abs、round、value、score"
            )
        args = [self.compile(a) for a in node.args]
        if not args or (name in ("abs",) and len(args) != 1) or (name == "round" and len(args) > 2):
            raise FormulaError(f"公式“{_clip(self.text)}”中 {name}() 的参数个数不对")
        if name == "min":
            return lambda env: min(_num(a(env)) for a in args)
        if name == "max":
            return lambda env: max(_num(a(env)) for a in args)
        if name == "abs":
            return lambda env: abs(_num(args[0](env)))
        if len(args) == 1:
            return lambda env: float(round(_num(args[0](env))))

        def round2(env: Env) -> object:
            digits = _num(args[1](env))
            if not -20 <= digits <= 20:
                raise Undefined("round() 的小数位数应在 -20 至 20 之间")
            return round(_num(args[0](env)), int(digits))

        return round2
