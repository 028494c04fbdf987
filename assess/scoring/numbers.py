"""Rounding and number formatting as official score tables do it.

Scores are computed in binary floats for speed, then rounded through
``Decimal``: first to 9 places (which removes float artefacts such as
2.6749999999 for 2.675), then to the scheme's decimals with its mode.  So a
published 89.995 rounds half-up to 90.00 exactly as a clerk's calculator does.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

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
        """Sum already-rounded scores without float drift."""
        return float(sum((Decimal(repr(v)) for v in values), Decimal(0)).quantize(self.quantum))


def _fixed(value: float, decimals: int) -> str:
    """Fixed decimals, rounded half-up like Rounder (2.675 → 2.68, not 2.67)."""
    try:
        clean = Decimal(repr(float(value))).quantize(_CLEAN, rounding=ROUND_HALF_EVEN)
        return f"{clean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    except InvalidOperation:  # inf, nan, or too many digits for the context
        return f"{value:.{decimals}f}"


def fmt(value: float | None, decimals: int = 2) -> str:
    """A number as people write it: no trailing zeros (60, 0.5, 2.33)."""
    if value is None:
        return "—"
    text = _fixed(value, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_value(value: float | None, unit: str | None, *, fixed: bool = True) -> str:
    """A measured value with its unit: ``64.30%``, ``1,234.5 万元``, ``20 天``."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{_fixed(value, 2)}%" if fixed else f"{fmt(value)}%"
    text = fmt(value, 2)
    if "." not in text and abs(value) >= 10000:
        text = f"{round(value):,}"
    return f"{text} {unit}" if unit else text


def fmt_points(value: float) -> str:
    return f"{fmt(value)} 分"
