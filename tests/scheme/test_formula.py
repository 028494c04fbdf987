"""The safe formula language: what is refused (exactly how) and how it evaluates."""

from __future__ import annotations

import pytest

from assess.errors import FormulaError
from assess.scheme.formula import compile_formula

ONLY = "只能调用 min、max、abs、round、value、score"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", f"公式“__import__('os')”中不允许调用“__import__”;{ONLY}"),
        ("a.b", "公式“a.b”中不允许使用属性访问(.)"),
        ("().__class__", "公式“().__class__”中不允许使用属性访问(.)"),
        ("lambda: 1", "公式“lambda: 1”中不允许使用 lambda 表达式"),
        ("[x for x in y]", "公式“[x for x in y]”中不允许使用推导式"),
        ("{x: 1 for x in y}", "公式“{x: 1 for x in y}”中不允许使用推导式"),
        ("(x for x in y)", "公式“(x for x in y)”中不允许使用推导式"),
        ("9**9**9", "公式“9**9**9”中的乘方指数过大(上限 10)"),
        ("2 ** 11", "公式“2 ** 11”中的乘方指数过大(上限 10)"),
        ("x[0]", "公式“x[0]”中不允许使用下标([ ])"),
        ("x[1:2]", "公式“x[1:2]”中不允许使用下标([ ])"),
        ("open('x')", f"公式“open('x')”中不允许调用“open”;{ONLY}"),
        ("eval('1')", f"公式“eval('1')”中不允许调用“eval”;{ONLY}"),
        ("a.b()", f"公式“a.b()”中{ONLY}"),
        ("min(a, key=b)", "公式“min(a, key=b)”中的函数不接受关键字参数"),
        ("_x + 1", "公式“_x + 1”中不允许以下划线开头的名字“_x”"),
        ("value + 1", "公式“value + 1”中的“value”是函数,须带括号调用"),
        ("value(x)", '公式“value(x)”中 value() 须写一个指标编码,如 value("1.2")'),
        (
            "score('1', '2')",
            "公式“score('1', '2')”中 score() 须写一个指标编码,如 score(\"1.2\")",
        ),
        ("abs(a, b)", "公式“abs(a, b)”中 abs() 的参数个数不对"),
        ("min()", "公式“min()”中 min() 的参数个数不对"),
        ("round(a, 1, 2)", "公式“round(a, 1, 2)”中 round() 的参数个数不对"),
        ("a // b", "公式“a // b”中不允许使用整除(//)"),
        ("a & b", "公式“a & b”中不允许使用位运算"),
        ("~a", "公式“~a”中不允许使用位运算(~)"),
        ("a @ b", "公式“a @ b”中不允许使用矩阵乘(@)"),
        ("a is None", "公式“a is None”中的常量“None”无效;真假请写 1 或 0"),
        ("a is b", "公式“a is b”中不允许使用 is"),
        ("a in b", "公式“a in b”中不允许使用 in"),
        (
            "a if True else b",
            "公式“a if True else b”中的常量“True”无效;真假请写 1 或 0",
        ),
        ("[a, b]", "公式“[a, b]”中不允许使用列表"),
        ("(a, b)", "公式“(a, b)”中不允许使用元组"),
        ("{'a': 1}", "公式“{'a': 1}”中不允许使用字典"),
        ("{a}", "公式“{a}”中不允许使用集合"),
        ("f'{a}'", "公式“f'{a}'”中不允许使用格式化字符串"),
        ("(a := 1)", "公式“(a := 1)”中不允许使用赋值表达式(:=)"),
        ("(yield)", "公式“(yield)”中不允许使用 yield"),
        ("1j", "公式“1j”中不允许使用复数"),
        ("b'x'", "公式“b'x'”中只能使用数字和带引号的文字常量"),
        ("1e999", "公式“1e999”中的数值超出范围"),
        ("a = b", "公式“a = b”有语法错误(第 3 个字符附近)。判断相等请写“==”"),
        ("a +", "公式“a +”有语法错误(第 1 个字符附近)"),
        ("a\nimport os", "公式“a↵import os”含有控制字符(如换行、制表符)"),
        ("", "公式不能为空"),
        ("   ", "公式不能为空"),
        ("x" * 1001, "公式过长(1001 个字符,上限 1000)"),
        ("+".join(["a"] * 200), "公式过于复杂(799 个节点,上限 300)"),
        (
            "(" * 300 + "1" + ")" * 300,
            "公式“" + "(" * 59 + "…”有语法错误(第 201 个字符附近)",
        ),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula(text)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        (
            "消除风险人数 / 监测对象人数 * 100",
            {"消除风险人数": 27256, "监测对象人数": 54851},
            27256 / 54851 * 100,
        ),
        ("a ≥ b × 2 ÷ 4", {"a": 1, "b": 2}, 1.0),
        ("a ≤ b", {"a": 3, "b": 2}, 0.0),
        ("a ≠ b", {"a": 3, "b": 2}, 1.0),
        ("（a + b）× 2", {"a": 1, "b": 2}, 6.0),
        ("a % 3", {"a": 7}, 1.0),
        ("a ** 2", {"a": 3}, 9.0),
        ("min(a, b, 5) + max(a, b) + abs(-a)", {"a": 1, "b": 2}, 4.0),
        ("round(a, 1)", {"a": 2.25}, 2.2),
        ("round(a)", {"a": 2.6}, 3.0),
        ("a > 1 and b > 1", {"a": 2, "b": 1}, 0.0),
        ("a > 1 or b > 1", {"a": 2, "b": 1}, 1.0),
        ("not a", {"a": 0}, 1.0),
        ("1 < a < 3", {"a": 2}, 1.0),
        ("类型 == '脱贫村'", {"类型": "脱贫村"}, 1.0),
        ("是否 == 1", {"是否": True}, 1.0),
        ('value("1.2") + score("1.2")', {"value:1.2": 3, "score:1.2": 2}, 5.0),
    ],
)
def test_evaluates(text: str, env: dict, expected: float) -> None:
    value, reason = compile_formula(text).evaluate(env)
    assert reason == ""
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "env", "reason"),
    [
        ("a / b", {"a": 1}, "b 缺失"),
        ("a / b", {"a": 1, "b": None}, "b 缺失"),
        ("a / b", {"a": 1, "b": 0}, "分母为 0"),
        ("a % b", {"a": 1, "b": 0}, "分母为 0"),
        ("a + 1", {"a": "不适用"}, "“不适用”不是数值"),
        ("a * a", {"a": 1e200}, "计算结果超出范围"),
        ("a ** 2", {"a": 1e10}, "乘方超出范围(指数绝对值上限 10)"),
        ("a ** b", {"a": 2, "b": 20}, "乘方超出范围(指数绝对值上限 10)"),
        ("a ** 0.5", {"a": -8}, "乘方无法计算"),
        ("0 ** -1", {}, "乘方无法计算"),
        ("a + 1", {"a": float("nan")}, "数值无效(无穷大或非数)"),
        ("round(a, b)", {"a": 1, "b": 1e30}, "round() 的小数位数应在 -20 至 20 之间"),
        ('value("1.2")', {}, "指标 1.2 的数值缺失"),
        ('score("1.2")', {}, "指标 1.2 的得分缺失"),
    ],
)
def test_missing_or_failing_input_gives_none_with_reason(text: str, env: dict, reason: str) -> None:
    assert compile_formula(text).evaluate(env) == (None, reason)


def test_if_else_and_boolean_operators_are_lazy() -> None:
    f = compile_formula("a if a > 0 else 1 / 0")
    assert f.evaluate({"a": 2}) == (2, "")
    assert f.evaluate({"a": -1}) == (None, "分母为 0")
    assert compile_formula("a > 0 or 缺 > 0").evaluate({"a": 1}) == (1.0, "")
    assert compile_formula("a > 0 and 缺 > 0").evaluate({"a": 0}) == (0.0, "")


def test_names_and_references_are_reported() -> None:
    f = compile_formula('消除风险人数 / 监测对象人数 + value("1.1") + score("2")')
    assert f.names == {"消除风险人数", "监测对象人数"}
    assert f.refs == {("value", "1.1"), ("score", "2")}


def test_simple_filters_are_recognised() -> None:
    assert compile_formula("集体经济收入 >= 10").simple == ("集体经济收入", "GtE", 10)
    assert compile_formula("a >= 10 and b").simple is None


def test_nothing_reaches_builtins() -> None:
    # Names are looked up only in the given env, never in Python's namespaces.
    assert compile_formula("open").evaluate({}) == (None, "open 缺失")
    assert compile_formula("len + 1").evaluate({"len": 1}) == (2.0, "")
