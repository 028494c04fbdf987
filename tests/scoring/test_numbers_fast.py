"""The Decimal-free fast path of half-up rounding agrees with the Decimal path everywhere."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assess.scoring.numbers import Rounder, _fixed


@settings(derandomize=True, max_examples=2000)
@given(
    st.one_of(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
        st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n / 1000),  # exact ties such as 2.675
        st.integers(min_value=-(10**5), max_value=10**5).map(lambda n: n / 200),
    ),
    st.integers(min_value=0, max_value=4),
)
def test_fast_half_up_equals_decimal(value: float, decimals: int) -> None:
    rounder = Rounder(decimals, "half_up")
    assert rounder(value) == float(rounder.dec(value))
    text = _fixed(value, decimals)
    assert float(text) == float(rounder.dec(value))  # "-0" and "0" are the same number
    assert len(text.partition(".")[2]) == decimals


def test_known_ties() -> None:
    r = Rounder(2, "half_up")
    assert r(2.675) == 2.68
    assert r(89.995) == 90.0
    assert r(-0.001) == 0.0
    assert _fixed(2.675, 2) == "2.68"


@settings(derandomize=True, max_examples=2000)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(min_value=-(10**12), max_value=10**12).map(lambda n: n / 2e9),  # ties at 9 places
            st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: n / 1e9 + 5e-10),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_array_round9_equals_python_round(values: list[float]) -> None:
    import numpy as np

    from assess.scoring.fast import _round9

    got = _round9(np.array(values)).tolist()
    assert got == [round(v, 9) for v in values]
