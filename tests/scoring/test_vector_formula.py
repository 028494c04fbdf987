"""Formulas over columns give what the unit-by-unit closures give, unit for unit."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from assess.errors import FormulaError
from assess.scheme.formula import compile_formula
from assess.scoring.array.formula import clean, compile_vector

NAMES = ("a", "b", "c")
NUMBERS = st.sampled_from(["0", "1", "2", "3", "0.5", "100", "2.675", "1e9", "12"])
CALLS = ("min", "max")


def _expr(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "%", "**"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )
    compare = st.tuples(children, st.sampled_from(["<", "<=", "==", "!=", ">", ">="]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )
    chain = st.tuples(children, children, children).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})")
    boolean = st.tuples(children, st.sampled_from(["and", "or"]), children, children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]} {t[1]} {t[3]})"
    )
    return st.one_of(
        binary,
        compare,
        chain,
        boolean,
        children.map(lambda x: f"(not {x})"),
        children.map(lambda x: f"(-{x})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(CALLS), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        children.map(lambda x: f"abs({x})"),
        children.map(lambda x: f"round({x})"),
        st.tuples(children, st.sampled_from(["0", "1", "2", "-1", "25"])).map(
            lambda t: f"round({t[0]}, {t[1]})"
        ),
    )


LEAVES = st.one_of(st.sampled_from(NAMES), NUMBERS, st.just('value("1.1")'))
FORMULAS = st.recursive(LEAVES, _expr, max_leaves=8)
VALUE = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 3.0, -2.5, 57.0, 100.0, 1e10, 2.675]),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
ROWS = st.lists(st.fixed_dictionaries(dict.fromkeys((*NAMES, "value:1.1"), VALUE)), min_size=1, max_size=12)


@settings(max_examples=400, deadline=None)
@given(FORMULAS, ROWS)
@example("(a ** a)", [{"a": 2.5, "b": None, "c": None, "value:1.1": None}])  # numpy's power: 1 ulp off
def test_columns_agree_with_closures(text: str, rows: list[dict[str, float | None]]) -> None:
    try:
        formula = compile_formula(text)
    except FormulaError:  # a tower of powers or a huge constant exponent: refused when compiled
        assume(False)
        return
    vector = compile_vector(formula)
    assert vector is not None
    n = len(rows)
    env = {}
    for key in rows[0]:
        values = [r[key] for r in rows]
        env[key] = (
            np.array([np.nan if v is None else v for v in values]),
            np.array([v is not None for v in values]),
        )
    got, defined = vector(env, n)
    tidy = clean(got, defined)
    for u, row in enumerate(rows):
        want, _why = formula.evaluate(row)
        if want is None:
            assert not defined[u], (text, row, got[u])
        else:
            assert defined[u], (text, row, want)
            assert got[u] == want, (text, row)
            assert str(float(got[u])) == str(float(want)), (text, row)  # the sign of a zero too
            assert tidy[u] == round(float(want), 9)  # type: ignore[arg-type]


def test_text_is_left_to_the_closures() -> None:
    assert compile_vector(compile_formula('a == "是"')) is None
    assert compile_vector(compile_formula("a * 2")) is not None


def test_a_name_missing_from_every_unit_is_undefined() -> None:
    vector = compile_vector(compile_formula("a + 1 if b else 5"))
    assert vector is not None
    values, defined = vector({"b": (np.array([0.0, 1.0]), np.array([True, True]))}, 2)
    assert defined.tolist() == [True, False]
    assert values[0] == 5.0
