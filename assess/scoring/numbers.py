"""Rounding and number formatting as official score tables do it.

Scores are computed in binary floats for speed, then rounded through
``Decimal``: first to 9 places (which removes float artefacts such as
2.6749999999 for 2.675), then to the scheme's decimals with its mode.  So a
published 89.995 rounds half-up to 90.00 exactly as a clerk's calculator does.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from math import floor, fsum, isfinite

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
_CLEAN = Decimal("1e-9")


class Rounder:
    """Round to the scheme's decimals; one instance per plan."""

    __slots__ = ("decimals", "mode", "quantum")

    def __init__(self, decimals: int = 2, mode: str = "half_up") -> None:
        self.decimals = decimals
        self.mode = _MODES[mode]
        self.quantum = Decimal(1).scaleb(-decimals)

    def __call__(self, value: float) -> float:
        if self.mode is ROUND_HALF_UP:
            fast = _half_up_fast(value, self.decimals)
            if fast is not None:
                return fast
        return float(self.dec(value))

    def dec(self, value: float) -> Decimal:
        try:
            clean = Decimal(repr(float(value))).quantize(_CLEAN, rounding=ROUND_HALF_EVEN)
            return clean.quantize(self.quantum, rounding=self.mode)
        except InvalidOperation:
            return Decimal(0)

    def text(self, value: float | None) -> str:
        """Fixed decimals, as printed in tables (``90`` → ``90.00``)."""
        if value is None:
            return "—"
        return f"{self.dec(value):.{self.decimals}f}"

    def sum(self, values: list[float]) -> float:
        """Sum already-rounded scores without float drift.

        A sum that ``fsum`` puts within a millionth of a step of the grid
        (multiples of 0.01) is that grid point, far from any tie, whatever the
        parts were; anything else goes through Decimal.
        """
        total = fsum(values)
        if self.mode is ROUND_HALF_UP and self.decimals < len(_SCALE):
            steps = total * _SCALE[self.decimals]
            if -1e12 < steps < 1e12 and abs(steps - round(steps)) < 1e-6:
                return floor(steps + 0.5) / _SCALE[self.decimals] + 0.0
        return float(sum((Decimal(repr(v)) for v in values), Decimal(0)).quantize(self.quantum))


def _half_up_fast(value: float, decimals: int) -> float | None:
    """Half-up rounding without Decimal when the value is clearly not on a tie.

    Half-up and Python's round() differ only at an exact .5 in the last place;
    a value whose scaled fraction is well away from .5 rounds the same either
    way.  Near a tie (or for huge values) None sends the caller to Decimal.
    """
    if decimals >= 7:
        return None
    scaled = value * _SCALE[decimals]
    if not -1e12 < scaled < 1e12:
        return None
    if -1e-6 < scaled % 1.0 - 0.5 < 1e-6:  # % is never negative here: -2.5 % 1.0 is 0.5 too
        return None
    # The nearest whole number of steps, divided back: the float nearest to the
    # rounded decimal, as round(value, decimals) gives, at a fifth of its cost.
    return floor(scaled + 0.5) / _SCALE[decimals] + 0.0


_SCALE = [10.0**d for d in range(7)]


def _fixed(value: float, decimals: int) -> str:
    """Fixed decimals, rounded half-up like Rounder (2.675 → 2.68, not 2.67)."""
    fast = _half_up_fast(value, decimals) if isinstance(value, float) else None
    if fast is not None:
        return f"{fast:.{decimals}f}"
    try:
        clean = Decimal(repr(float(value))).quantize(_CLEAN, rounding=ROUND_HALF_EVEN)
        return f"{clean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    except InvalidOperation:  # inf, nan, or too many digits for the context
        return f"{value:.{decimals}f}"


def fmt(value: float | None, decimals: int = 2) -> str:
    """A number as people write it: no trailing zeros (60, 0.5, 2.33)."""
    if value is None or not isfinite(value):  # NaN and infinity are never printed
        return "—"
    if -1e15 < value < 1e15 and value == int(value):  # whole numbers (most points and counts)
        return str(int(value))
    if not -1e15 < value < 1e15:  # an absurd value (a cell holding 1e300): not 300 digits
        return f"{value:.6g}"
    text = _fixed(value, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_value(value: float | None, unit: str | None, *, fixed: bool = True) -> str:
    """A measured value with its unit: ``64.30%``, ``1,234.5 万元``, ``20 天``."""
    if value is None or not isfinite(value):
        return "—"
    if unit == "%":
        return f"{_fixed(value, 2)}%" if fixed and -1e15 < value < 1e15 else f"{fmt(value)}%"
    text = fmt(value, 2)
    # grouped whether or not it has decimals: 19,815 and 30,398.28 alike (not 1e+30)
    if abs(value) >= 10000 and "e" not in text:
        whole, dot, frac = text.partition(".")
        text = f"{int(whole):,}{dot}{frac}"
    return f"{text} {unit}" if unit else text


def fmt_points(value: float) -> str:
    return f"{fmt(value)} 分"
