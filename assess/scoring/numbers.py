"""Rounding and number formatting as official score tables do it.

Scores are computed in binary floats for speed, then rounded through
``Decimal``: first to 9 places (which removes float artefacts such as
2.6749999999 for 2.675), then to the scheme's decimals with its mode.  So a
published 89.995 rounds half-up to 90.00 exactly as a clerk's calculator does.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from math import floor, fsum, isfinite
from typing import Any

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
_CLEAN = Decimal("1e-9")


class Rounder:
    """Round to the scheme's decimals; one instance per plan.

    The one rounding of scores: the engine calls it on numbers (``rnd(x)``,
    ``rnd.sum``), the array path on whole columns (``rnd.array``,
    ``rnd.sum_array``).  Both decide each value the same way (``_fast_step``:
    a value clearly away from the mode's boundary is rounded with floats; one
    clearly on it, after removing float noise, is a tie settled by the mode),
    and send every value they cannot decide to the same Decimal reference
    (``dec``); a property test checks all three agree for every mode.
    """

    __slots__ = ("decimals", "kind", "mode", "quantum")

    def __init__(self, decimals: int = 2, mode: str = "half_up") -> None:
        self.decimals = decimals
        self.kind = mode
        self.mode = _MODES[mode]
        self.quantum = Decimal(1).scaleb(-decimals)

    def __call__(self, value: float) -> float:
        if self.decimals < len(_SCALE):
            fast = _fast_step(value, self.decimals, self.kind)
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

    # -- the same on arrays (numpy is imported only here: ``assess --help`` never needs it)
    def array(self, x: Any) -> Any:
        """``self(v)`` for every value of an array (NaN stays NaN): the same decisions
        vectorised, the values they leave open rounded one by one by ``self``.

        Most values are far from the mode's boundary by a margin that holds for the largest
        value of the array: those are rounded in a few passes; the few near it (exact ties,
        whole steps) are settled by ``_settle`` with each value's own margin."""
        import numpy as np

        x = np.asarray(x, dtype=float)
        if x.size == 0:
            return x.copy()
        if self.decimals >= len(_SCALE):
            return np.vectorize(self, otypes=[float])(x)
        scale = _SCALE[self.decimals]
        top = max(abs(float(np.fmax.reduce(x, axis=None))), abs(float(np.fmin.reduce(x, axis=None))))
        if not top * scale < _BIG:  # huge or infinite values, or nothing but NaN
            return self._settle(x)
        hi = _TIE_OUT * scale + top * scale * _REL + _ABS
        s = x * scale
        k = np.floor(s)
        if self.kind == "down":
            f = s - k
            g = np.minimum(f, 1.0 - f)  # distance to a whole step
            q = np.trunc(s, out=s)  # towards zero
        else:
            f = np.subtract(s, k, out=s)
            up = f > 0.5
            g = np.abs(np.subtract(f, 0.5, out=f), out=f)  # distance to a half step
            q = np.add(k, up, out=k)
        near = g <= hi  # NaN is not near: its result is NaN already
        out = np.divide(q, scale, out=q)
        out += 0.0  # no -0.0
        idx = np.flatnonzero(near)
        if idx.size:
            out.flat[idx] = self._settle(x.flat[idx])
        return out

    def _settle(self, x: Any) -> Any:
        """``self.array`` with each value's own margin: ties decided by the mode on arrays,
        the values neither clearly on nor clearly off a boundary by ``self`` one by one."""
        import numpy as np

        scale = _SCALE[self.decimals]
        with np.errstate(invalid="ignore", over="ignore"):
            s = x * scale
            k = np.floor(s)
            f = s - k
            err = np.abs(s) * _REL + _ABS
            lo = _TIE_IN * scale - err
            if self.kind == "down":
                dist = np.minimum(f, 1.0 - f)
                q = np.where(dist < lo, np.where(f < 0.5, k, k + 1.0), np.where(s >= 0, k, k + 1.0))
            else:
                dist = np.abs(f - 0.5)
                if self.kind == "half_up":
                    tie = np.where(s > 0, k + 1.0, k)
                else:
                    tie = np.where(np.fmod(k, 2.0) == 0, k, k + 1.0)
                q = np.where(dist < lo, tie, np.where(f > 0.5, k + 1.0, k))
            out = q / scale + 0.0
            open_ = ~((dist < lo) | (dist > _TIE_OUT * scale + err)) | ~(np.abs(s) < _BIG)
        open_ &= ~np.isnan(x)
        idx = np.flatnonzero(open_)
        if idx.size:
            out.flat[idx] = [self(v) for v in x.flat[idx].tolist()]
        return out

    def sum_array(self, x: Any, counted: Any, parts: list[Any] | None = None) -> Any:
        """``self.sum`` of each row's counted values (a row with none sums to 0); with ``parts``
        (lists of column indexes), one sum per part: a column of the result each."""
        import numpy as np

        kept = np.where(counted, x, 0.0)
        if parts is None:
            total = kept.sum(axis=1)
        else:
            total = np.stack([kept[:, cols].sum(axis=1) for cols in parts], axis=1)
        scale = _SCALE[min(self.decimals, len(_SCALE) - 1)]
        steps = total * scale
        near = np.round(steps)
        out = near / scale + 0.0
        # np.sum is not fsum: a sum that is not plainly on the grid is summed as the engine sums it
        plain = (np.abs(steps - near) < 1e-7) & (np.abs(steps) < 1e12)
        if self.decimals >= len(_SCALE):
            plain[:] = False
        for at in np.argwhere(~plain).tolist():
            u = at[0]
            cols = parts[at[1]] if parts is not None else slice(None)
            row, mask = x[u][cols].tolist(), counted[u][cols].tolist()
            out[tuple(at)] = self.sum([v for v, c in zip(row, mask, strict=True) if c])
        return out


# A value is rounded with floats when it is clearly away from the mode's boundary (a half step
# for half-up and half-even, a whole step for down) or clearly on it.  Decimal first cleans the
# value to 9 places, which moves it by up to half a billionth, i.e. 5e-10 × 10**decimals steps;
# the float products are off by a few units in the last place (_REL, _ABS).  Between the two
# margins, or for huge values, only Decimal can tell.
_TIE_IN, _TIE_OUT = 4e-10, 6e-10
_REL, _ABS = 4.5e-16, 1e-15
_BIG = 1e9


def _fast_step(value: float, decimals: int, kind: str) -> float | None:
    """``Rounder`` without Decimal when the floats decide; None sends the caller to Decimal."""
    scale = _SCALE[decimals]
    s = value * scale
    if not -_BIG < s < _BIG:  # NaN too
        return None
    k = floor(s)
    f = s - k
    err = abs(s) * _REL + _ABS
    lo = _TIE_IN * scale - err
    if kind == "down":
        dist = f if f < 0.5 else 1.0 - f
        if dist < lo:  # on a whole step once cleaned
            return (k if f < 0.5 else k + 1) / scale + 0.0
        if dist > _TIE_OUT * scale + err:
            return (k if s >= 0 else k + 1) / scale + 0.0  # towards zero
        return None
    dist = abs(f - 0.5)
    if dist > _TIE_OUT * scale + err:
        return (k + 1 if f > 0.5 else k) / scale + 0.0
    if dist < lo:  # an exact half step once cleaned: the mode decides
        if kind == "half_up":
            return (k + 1 if s > 0 else k) / scale + 0.0  # away from zero
        return (k if k % 2 == 0 else k + 1) / scale + 0.0
    return None


def _half_up_fast(value: float, decimals: int) -> float | None:
    """Half-up rounding without Decimal when the value is clearly not ambiguous (``_fast_step``)."""
    if decimals >= len(_SCALE):
        return None
    return _fast_step(value, decimals, "half_up")


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


def fmt_grouped(value: float | None, decimals: int = 2) -> str:
    """:func:`fmt` with thousands separated (``19,526.3``), for figures quoted in documents."""
    text = fmt(value, decimals)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = digits.partition(".")
    if not whole.isdigit() or len(whole) < 5:
        return text
    return f"{sign}{int(whole):,}{dot}{frac}"


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
