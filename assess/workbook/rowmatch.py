"""Which field each row of a county data sheet holds, worked out once per template.

Every county fills in the same template, so the rows of its data sheet are
matched to the plan's fields by their code and name cells once per process
(``RowIndex``) and a whole sheet's layout is reused when every code and name
cell is the same (``cached_layout``).  ``county.py`` reads the values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, cast

from assess.scheme.inputs import KIND_BOOL, KIND_PERCENT, KIND_RATING, KIND_TEXT, InputSpec, ReadPlan
from assess.workbook.data import Value
from assess.workbook.headers import cell_text, is_blank, spec_index
from assess.workbook.names import clean, closest, code_key, key_of
from assess.workbook.values import unit_factor


class RowIndex:
    """A plan's field lookups, and what each (code, name) pair of a row resolves to.

    The same rows recur in every county's workbook, so a row is matched (and
    a hint looked for) once per process, not once per file.
    """

    def __init__(self, plan: ReadPlan) -> None:
        self.inputs = plan.inputs  # keeps the fields (and so their ids below) alive
        self.foreign = plan.foreign  # names another data source supplies → its id
        self.n_keys = len({s.key for s in plan.inputs})
        self.table_keys = frozenset(key_of(n) for t in plan.tables for n in (t.name, *t.aliases))
        self.by_code, self.by_name = spec_index(plan.inputs)
        self.names = sorted({s.name for s in plan.inputs})
        self.rows: dict[tuple[Any, Any], tuple[InputSpec | None, str, str | None]] = {}
        self.units: dict[tuple[Any, str | None], tuple[str, float | None]] = {}
        self.layouts: dict[tuple[Any, ...], list[Layout]] = {}  # see cached_layout
        # ids of the fields whose value is a percentage, and of those whose
        # finite float needs no parsing (neither yes/no, text nor a percentage)
        self.percent = {id(s) for s in plan.inputs if s.kind == KIND_PERCENT or s.unit == "%"}
        numeric = {id(s) for s in plan.inputs if s.kind not in (KIND_BOOL, KIND_TEXT, KIND_RATING)}
        self.plain = numeric - self.percent
        self.plain_percent = numeric & self.percent  # plain too unless 0 < |value| < 1

    def resolve(self, code: Any, name: Any) -> tuple[InputSpec | None, str, str | None]:
        """(field, "", None) for a known row; (None, name text, hint) for another."""
        spec = self.by_code.get(code_key(code)) if not is_blank(code) else None
        if spec is None and not is_blank(name):
            spec = self.by_name.get(key_of(name))
        if spec is not None:
            return spec, "", None
        if is_blank(name):
            return None, "", None
        text = cell_text(name)
        return None, text, closest(text, self.names)

    def row_unit(self, raw: Any, unit: str | None) -> tuple[str, float | None]:
        """(the row's unit as written, factor to the field's unit: 1.0 same, None impossible)."""
        key = (raw, unit)
        hit = self.units.get(key)
        if hit is None:
            text = clean(raw)
            if not text or not unit or text.casefold() == clean(unit).casefold():
                hit = (text, 1.0)
            else:
                hit = (text, unit_factor(text, unit))
            if len(self.units) < 10_000:
                self.units[key] = hit
        return hit


_last_index: list[Any] = [None, None]  # (plan, index) of the plan read last


def row_index(plan: ReadPlan) -> RowIndex:
    """The plan's :class:`RowIndex`, built once per plan."""
    if _last_index[0] is not plan:
        _last_index[:] = [plan, RowIndex(plan)]
    return cast(RowIndex, _last_index[1])


class Layout:
    """What the rows of one data sheet are, worked out from their code and name cells (``keys``) alone.

    Row positions are 0-based under the header.  ``matched``: the first row of
    each field, with the cell its value is in; ``dups``: later rows of a field
    already read, with where it was first read; ``unknown`` and ``hinted``:
    rows of no field (without and with a "did you mean" hint), reported only
    when their value cell is filled.  ``units``: the matched rows' unit cells
    when ``unit_pairs`` (their :meth:`RowIndex.row_unit`) was worked out.
    """

    __slots__ = (
        "dups",
        "hinted",
        "keys",
        "matched",
        "percent",
        "pick",
        "pick_unknown",
        "unit_pairs",
        "units",
        "unknown",
        "unknown_texts",
    )

    def __init__(self, keys: list[tuple[Any, Any]]) -> None:
        self.keys = keys  # (code cell, name cell) of each row
        self.matched: list[tuple[int, InputSpec, str]] = []
        self.dups: list[tuple[int, InputSpec, str]] = []
        self.unknown: list[int] = []
        self.unknown_texts: list[str] = []
        self.hinted: list[tuple[int, str, str]] = []
        self.units: list[Any] | None = None
        self.unit_pairs: list[tuple[str, float | None]] = []

    def finish(self, percent_specs: set[int]) -> None:
        """Pickers for the matched and unknown rows; positions (in ``matched``) of percent fields."""
        self.pick = _picker([i for i, _s, _w in self.matched])
        self.pick_unknown = _picker(self.unknown)
        self.percent = [k for k, (_i, spec, _w) in enumerate(self.matched) if id(spec) in percent_specs]


def _picker(idx: list[int]) -> Callable[[list[Any]], Sequence[Any]]:
    """``seq → (seq[i] for i in idx)`` as a tuple, in C."""
    if len(idx) > 1:
        return itemgetter(*idx)
    if idx:
        i = idx[0]
        return lambda seq: (seq[i],)
    return lambda seq: ()


def match_rows(
    index: RowIndex,
    sheet: str,
    h: int,
    letter: str,
    keys: list[tuple[Any, Any]],
    seen: Mapping[str, Value],
) -> Layout:
    """Match each row to a field by code, then by name (a row met before in the process is not matched again)."""
    memo = index.rows
    if len(memo) > 100_000:
        memo.clear()
    out = Layout(keys)
    taken: dict[str, str] = {}  # fields first read in this sheet → their cell
    for i, key in enumerate(keys):
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = index.resolve(*key)
        spec, text, hint = hit
        if spec is None:
            if text:
                if hint is None:
                    out.unknown.append(i)
                    out.unknown_texts.append(text)
                else:
                    out.hinted.append((i, text, hint))
            continue
        if spec.key in taken:
            out.dups.append((i, spec, taken[spec.key]))
        elif spec.key in seen:
            out.dups.append((i, spec, seen[spec.key].where))
        else:
            taken[spec.key] = where = f"{sheet}!{letter}{h + 2 + i}"
            out.matched.append((i, spec, where))
    out.finish(index.percent)
    return out


def cached_layout(
    index: RowIndex, sheet: str, h: int, letter: str, cols: tuple[Any, ...], keys: list[tuple[Any, Any]]
) -> Layout:
    """:func:`match_rows` for a unit's first data sheet, remembered per process.

    Every county fills in the same template: a sheet whose code and name
    cells equal (==, cell by cell) those of a sheet already read is laid out
    the same way.
    """
    key = (sheet, h, cols, len(keys))
    known = index.layouts.get(key)
    if known is None:
        if len(index.layouts) >= 64:
            index.layouts.clear()
        known = index.layouts[key] = []
    for layout in known:
        if layout.keys == keys:
            return layout
    layout = match_rows(index, sheet, h, letter, keys, {})
    if len(known) >= 8:
        del known[0]
    known.append(layout)
    return layout


def unit_pairs_of(index: RowIndex, layout: Layout, units: list[Any]) -> list[tuple[str, float | None]]:
    """:meth:`RowIndex.row_unit` of each matched row; kept with the layout, as units seldom change."""
    if layout.units == units:
        return layout.unit_pairs
    pairs = [index.row_unit(u, spec.unit) for u, (_i, spec, _w) in zip(units, layout.matched, strict=True)]
    layout.units, layout.unit_pairs = units, pairs
    return pairs


def code_name_pairs(rows: list[Any], cc: int | None, nc: int | None) -> list[tuple[Any, Any]]:
    """(code cell, name cell) of each row, '' where absent: ``list(zip(cells(…), cells(…)))``."""
    if cc is not None and nc is not None:
        try:
            return list(map(itemgetter(cc, nc), rows))
        except IndexError:
            pass
    return list(zip(cells(rows, cc), cells(rows, nc), strict=True))


def cells(rows: Sequence[Any], c: int | None) -> list[Any]:
    """Column ``c`` of ``rows``; '' where the column is absent or a row is short."""
    if c is None:
        return [""] * len(rows)
    try:
        return list(map(itemgetter(c), rows))
    except IndexError:
        return [row[c] if c < len(row) else "" for row in rows]
