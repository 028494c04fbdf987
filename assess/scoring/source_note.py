"""How a data source made a value, said after the basis of the indicator that scores it.

A value a data source computes rather than reads from one cell (several raters'
scores combined, a findings list counted) is a ``Value`` with an ``origin``, no
``raw`` cell content and a ``note`` saying how it was made.  ``engine.prepare``
keeps that note when the value is usable (in ``IndicatorValue.reason``, which
for a value that is not usable says what is wrong with it), and the basis of
the indicator scoring it ends with the note in brackets:
``直接采信得分 87 分(满分 100),折算为 34.8 分(去掉最高分 92(评议三组)和最低分 80(评议一组)后平均:…)``.
A count from a findings list is broken down right after the count it explains,
in a deduct rule's basis and a penalty's (``total._penalties``):
``发现问题 3 个(督查 2 个、暗访 1 个),每个扣 1 分,扣 3 分``; a unit the list does not
name has the note ``未发现问题``, which that basis already says.
Values read from a cell (a unit's own workbook, a department's table) keep
their bases as they were: their notes are about the cell, said as findings.
The array path writes no basis, so it has nothing to mirror here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.workbook.data import OK

if TYPE_CHECKING:
    from assess.scoring.engine import IndicatorValue
    from assess.workbook.data import Value

COUNTED = "发现问题 "  # how a deduct rule's basis begins when something was found (rules.deduct)


def with_source_note(basis: str, value: IndicatorValue) -> str:
    """``basis`` followed by ``(note)`` when a source said how it made the (usable) value."""
    note = value.reason if value.status == OK else ""
    if not note or note in basis:  # a rating's word is already said at the basis' head
        return basis
    if basis.startswith(COUNTED):
        return after_count(basis, note)
    return f"{basis}({note})"


def after_count(basis: str, note: str) -> str:
    """``note`` right after the count that leads ``basis`` (up to its first ","), which it breaks down."""
    head, comma, rest = basis.partition(",")
    return f"{head}({note}){comma}{rest}" if comma else f"{basis}({note})"


def made_note(value: Value | None) -> str:
    """How a data source made a usable value (a count, a combined score); "" for a value read from a cell."""
    if value is None or value.status != OK or not value.origin or value.raw is not None:
        return ""
    return value.note
