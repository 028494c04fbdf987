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

    from assess.scoring.array.core import _round9

    got = _round9(np.array(values)).tolist()
    assert got == [round(v, 9) for v in values]


@settings(derandomize=True, max_examples=600)
@given(
    st.lists(
        st.one_of(
            st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
            st.integers(min_value=-(10**8), max_value=10**8).map(lambda n: n / 1000),  # ties at 2 places
            st.integers(min_value=-(10**8), max_value=10**8).map(lambda n: n / 10**7),  # ties at 6 places
            st.integers(min_value=-(10**6), max_value=10**6).map(
                lambda n: n / 100 + 4.9e-10
            ),  # cleaned to a step
            st.integers(min_value=-(10**6), max_value=10**6).map(
                lambda n: n / 1000 - 5e-10
            ),  # at the cleaning tie
            st.sampled_from([float("inf"), -float("inf"), 2.4996e-6, 1.00024999996, 0.29, -0.001]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["half_up", "half_even", "down"]),
)
def test_one_rounding_for_numbers_and_arrays(values: list[float], decimals: int, mode: str) -> None:
    """The engine's rnd(x) and the array path's rnd.array(xs) are the Decimal reference, every mode."""
    import numpy as np

    rounder = Rounder(decimals, mode)
    reference = [float(rounder.dec(v)) for v in values]
    assert [rounder(v) for v in values] == reference
    assert rounder.array(np.array(values)).tolist() == reference
    assert np.isnan(rounder.array(np.array([np.nan, 1.0]))[0])


@settings(derandomize=True, max_examples=300)
@given(
    st.lists(
        st.lists(st.integers(min_value=-5000, max_value=5000), min_size=3, max_size=3), min_size=1, max_size=8
    ),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["half_up", "half_even", "down"]),
)
def test_sums_of_rounded_scores_on_arrays(rows: list[list[int]], decimals: int, mode: str) -> None:
    import numpy as np

    rounder = Rounder(decimals, mode)
    x = np.array(rows, dtype=float) / 10**decimals
    counted = np.array([[(a + b) % 3 != 0 for b, _ in enumerate(r)] for a, r in enumerate(rows)])
    want = [
        rounder.sum([v for v, c in zip(r, m, strict=True) if c])
        for r, m in zip(x.tolist(), counted.tolist(), strict=True)
    ]
    assert rounder.sum_array(x, counted).tolist() == want
    parts = [[0, 2], [1]]  # one sum per part (the categories of a score table)
    by_part = [
        [rounder.sum([r[c] for c in cols if m[c]]) for cols in parts]
        for r, m in zip(x.tolist(), counted.tolist(), strict=True)
    ]
    assert rounder.sum_array(x, counted, parts).tolist() == by_part
    noisy = x + 3e-7 / 10**decimals  # off the grid: summed as the engine sums it
    want = [
        rounder.sum([v for v, c in zip(r, m, strict=True) if c])
        for r, m in zip(noisy.tolist(), counted.tolist(), strict=True)
    ]
    assert rounder.sum_array(noisy, counted).tolist() == want
