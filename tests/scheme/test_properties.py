"""Property tests: the formula compiler and the loader never fail in an unplanned way.

Bounded and derandomized so that they run the same in CI every time.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.errors import FormulaError, SchemeError
from assess.scheme.formula import compile_formula
from assess.scheme.load import load_scheme

BUNDLED = Path(__file__).resolve().parents[2] / "indicators" / "county-2024.yaml"
NAMES = ["a", "b", "消除风险人数", "监测对象人数"]
SETTINGS = settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(repr),
    st.sampled_from(["0", "0.0", "1e308", "1e-308", "10"]),
)
atoms = st.one_of(numbers, st.sampled_from(NAMES), st.just('value("1.1")'), st.just('score("2")'))


def _join(parts: tuple[str, str, str]) -> str:
    return f"({parts[0]} {parts[1]} {parts[2]})"


expressions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.tuples(
            inner,
            st.sampled_from(
                [
                    "+",
                    "-",
                    "*",
                    "/",
                    "%",
                    "**",
                    "<",
                    "<=",
                    "==",
                    "!=",
                    "and",
                    "or",
                    "×",
                    "÷",
                    "≥",
                ]
            ),
            inner,
        ).map(_join),
        inner.map(lambda x: f"-{x}"),
        inner.map(lambda x: f"not {x}"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(["min", "max", "round"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        inner.map(lambda x: f"abs({x})"),
    ),
    max_leaves=25,
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["不适用", "", "是"]),
)
envs = st.fixed_dictionaries(
    dict.fromkeys([*NAMES, "value:1.1", "score:2"], values),
)


@SETTINGS
@given(text=expressions, env=envs)
def test_formula_compiles_or_refuses_and_never_raises_when_evaluated(text: str, env: dict) -> None:
    try:
        formula = compile_formula(text)
    except FormulaError as exc:
        assert exc.message.startswith("公式")
        return
    value, reason = formula.evaluate(env)
    if value is None:
        assert reason
    else:
        assert reason == ""
        assert isinstance(value, (int, float, str))


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_text_compiles_or_raises_formula_error(text: str) -> None:
    try:
        formula = compile_formula(text)
    except FormulaError:
        return
    formula.evaluate({})


def _load(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.yaml"
        path.write_bytes(data)
        try:
            load_scheme(path)
        except SchemeError as exc:
            assert exc.format_message()
            for finding in exc.findings:
                assert finding.location.line is not None


yamlish = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "id: t",
                "title: 测试",
                "year: 2024",
                "categories:",
                "  - id: '1'",
                "    points: 10",
                "    indicators:",
                "      - {id: '1.1', rule: {type: bands}}",
                "- ",
                ": ",
                "&a ",
                "*a",
                "!!python/object ",
                "[",
                "]",
                "{",
                "}",
                "'",
                '"',
                "\t",
                "<<: *a",
                "---",
                "%YAML 1.1",
                "? ",
                "|",
                ">",
                "#",
                "\\",
                "1e999",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=40,
).map(lambda parts: "".join(p + random.Random(len(p)).choice(["", " ", "\n", "\n  "]) for p in parts))


@SETTINGS
@given(text=yamlish)
def test_yamlish_text_loads_or_raises_scheme_error(text: str) -> None:
    _load(text.encode("utf-8", "surrogatepass"))


ORIGINAL = BUNDLED.read_bytes()


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(ORIGINAL) - 1),
            st.integers(0, 255),
            st.sampled_from(["set", "del", "ins"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_mutated_bundled_scheme_loads_or_raises_scheme_error(
    edits: list[tuple[int, int, str]],
) -> None:
    data = bytearray(ORIGINAL)
    for pos, byte, how in edits:
        pos = min(pos, len(data) - 1)
        if how == "set":
            data[pos] = byte
        elif how == "del":
            del data[pos]
        else:
            data.insert(pos, byte)
    _load(bytes(data))


@SETTINGS
@given(
    line=st.integers(0, ORIGINAL.count(b"\n") - 1),
    replacement=st.sampled_from(
        [
            b"",
            b"  ",
            b"- x",
            b"x: [",
            b"target: abc",
            b"type: nope",
            b"points: -1",
            b"min: .nan",
            b"quota: 2",
            b"when: a.b",
            b"formula: 1 / (",
            b"year: 2024",
            b"  extra: 1",
            b"!!binary x",
        ]
    ),
)
def test_line_replaced_in_bundled_scheme(line: int, replacement: bytes) -> None:
    lines = ORIGINAL.split(b"\n")
    indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
    lines[line] = indent + replacement
    _load(b"\n".join(lines))
