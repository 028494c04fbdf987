"""The brief ranking table as JSON, one unit per line, written from columns.

``json.dumps`` spends most of its time on float repr: 500,000 villages with a
dozen numbers each took 5 s.  Scores, totals and category scores are on the
scheme's grid (two decimals: 0.01 steps), so each distinct number is
formatted once, through a table indexed by the number of steps, and every
line is put together from ready pieces.  The text is what ``json.dumps``
gives for the same values (a test compares them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

import numpy as np

from assess.scoring.brief import Brief

GRID_LIMIT = 200_000  # steps (2,000 points at two decimals); beyond, a number is formatted by itself
BATCH = 20_000  # units per piece written
_TABLES: dict[int, list[str]] = {}  # decimals → repr of every step count so far


_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode  # one encoder, not one per call


def number_texts(col: np.ndarray, decimals: int) -> np.ndarray:
    """JSON text of each number (``null`` for NaN), as ``json.dumps`` writes the float."""
    n = len(col)
    out = np.empty(n, dtype=object)
    defined = ~np.isnan(col)
    out[~defined] = "null"
    scale = 10.0**decimals
    with np.errstate(all="ignore"):
        steps = np.rint(col * scale)
        grid = defined & ~np.signbit(col) & (steps <= GRID_LIMIT) & (steps / scale == col)  # -0.0 apart
    if grid.any():
        idx = steps[grid].astype(np.int64)
        out[grid] = np.array(_table(decimals, int(idx.max())), dtype=object)[idx]
    for u in np.flatnonzero(defined & ~grid).tolist():
        out[u] = _dumps(float(col[u]))
    return out


def _table(decimals: int, top: int) -> list[str]:
    table = _TABLES.setdefault(decimals, [])
    scale = 10.0**decimals
    table.extend(repr(k / scale) for k in range(len(table), top + 1))
    return table


def _strings(values: list[str | None]) -> np.ndarray:
    """JSON strings; each distinct value is encoded once (groups and grades repeat)."""
    texts = {v: ("null" if v is None else encode_basestring(v)) for v in set(values)}
    return np.array(list(map(texts.__getitem__, values)), dtype=object)


def _matrix(cols: np.ndarray, decimals: int) -> np.ndarray:
    """Each row of ``cols`` as a JSON list (built as in ``_batches``: interleaved, joined once)."""
    n, k = cols.shape
    if k == 0 or n == 0:
        return np.full(n, "[]", dtype=object)
    width = 2 * k + 1
    flat: list[str] = [""] * (n * width)
    for j in range(k):
        flat[2 * j :: width] = ["[" if j == 0 else ", "] * n
        flat[2 * j + 1 :: width] = number_texts(cols[:, j], decimals).tolist()
    flat[2 * k :: width] = ["]\0"] * n  # NUL never occurs in JSON numbers: it splits the rows
    return np.array("".join(flat).split("\0")[:-1], dtype=object)


def _sparse(n: int, items: dict[int, Any]) -> np.ndarray:
    out = np.array(["[]"] * n, dtype=object)
    for u, value in items.items():
        out[u] = _dumps(value)
    return out


_LINE = (
    '{"unit": %s, "group": %s, "group_id": %s, "rank": %s, "overall_rank": %s, "total": %s, '
    '"grade": %s, "bonus_total": %s, "penalty_total": %s, "categories": %s, "scores": %s, '
    '"vetoes": %s, "barred": %s, "flags": %s, "findings": %s%s}'
)
_PARTS = '"parts": %s, '  # after "categories" when the scheme has ``composition``


def _line(brief: Brief) -> str:
    if brief.parts is None:
        return _LINE
    at = _LINE.index('"scores"')
    return _LINE[:at] + _PARTS + _LINE[at:]


_SEP = ",\n    "


def _places(col: np.ndarray) -> np.ndarray:
    """Places as JSON; 0 (a unit graded but not ranked) is ``null``, as in the full JSON."""
    texts = np.array(list(map(str, col.tolist())), dtype=object)
    texts[col == 0] = "null"
    return texts


def _columns(brief: Brief) -> list[np.ndarray]:
    """The text of every field of every unit, one object array per field, in ``_line`` order."""
    d = brief.plan.scheme.rounding.decimals
    n = brief.n
    previous = (
        np.array([", " + _dumps(p)[1:-1] if p else "" for p in brief.previous], dtype=object)
        if brief.previous
        else np.array([""] * n, dtype=object)
    )
    if brief.awards is not None:  # the scheme has awards: every unit says its own (``"awards": []``)
        given = brief.awards
        previous = np.array(
            [f', "awards": {_dumps(given.get(u, []))}{tail}' for u, tail in enumerate(previous.tolist())],
            dtype=object,
        )
    parts = [] if brief.parts is None else [_matrix(brief.parts, d)]
    return [
        np.array(list(map(encode_basestring, brief.units)), dtype=object),
        _strings(brief.group_names or [None] * n),
        _strings(brief.group_ids),
        _places(brief.rank),
        _places(brief.overall_rank),
        number_texts(brief.total, d),
        _strings(brief.grades),
        number_texts(brief.bonus, d),
        number_texts(brief.penalty, d),
        _matrix(brief.categories, d),
        *parts,
        _matrix(brief.scores, d),
        _sparse(n, brief.vetoes),
        _sparse(n, brief.barred),
        _sparse(n, brief.flags),
        _sparse(n, brief.findings),
        previous,
    ]


def _batches(brief: Brief, size: int = BATCH) -> Iterator[str]:
    """Units in table order, ``size`` at a time, each unit on its line after ``_SEP``.

    A line is never formatted on its own: the constant parts of the template
    and the columns are interleaved into one list by slice assignment and
    joined once, all in C (formatting line by line cost 4 µs a unit).
    """
    columns = _columns(brief)
    parts = _line(brief).split("%s")
    parts[0] = _SEP + parts[0]
    # A field with one text for every unit (no vetoes, no bonus…) joins the template instead.
    for j in range(len(columns) - 1, -1, -1):
        col = columns[j]
        if brief.n and len(set(col.tolist())) == 1:
            parts[j : j + 2] = [parts[j] + col[0] + parts[j + 1]]
            del columns[j]
    width = len(parts) + len(columns)
    order = brief.order()
    for at in range(0, brief.n, size):
        rows = order[at : at + size]
        k = len(rows)
        flat: list[str] = [""] * (k * width)
        for j, part in enumerate(parts):
            flat[2 * j :: width] = [part] * k
        for j, col in enumerate(columns):
            flat[2 * j + 1 :: width] = col[rows].tolist()
        yield "".join(flat)


def brief_lines(brief: Brief) -> list[str]:
    """Each unit's line, in table order (group, place, name)."""
    return "".join(_batches(brief))[len(_SEP) :].split(_SEP) if brief.n else []


def brief_chunks(head: dict[str, Any], brief: Brief) -> Iterator[str]:
    """The whole document in pieces: the head indented, then one unit per line."""
    plan = brief.plan
    head = {
        **head,
        "categories": [{"id": c.id, "name": c.name, "points": c.points} for c in plan.categories],
        **(
            {
                "parts": [
                    {"id": p.id, "name": p.name, "weight": p.weight, "scale": float(p.scale)}
                    for p in plan.scheme.composition
                ]
            }
            if plan.scheme.composition
            else {}
        ),
        "indicators": [
            {"id": i.id, "name": i.name, "category": plan.categories[i.category].id, "points": i.points}
            for i in plan.indicators
        ],
    }
    text = json.dumps(head, ensure_ascii=False, indent=2, allow_nan=False)
    yield f'{text[:-2]},\n  "units": ['
    first = True
    for batch in _batches(brief):
        yield batch[1:] if first else batch  # the first unit has no comma before it
        first = False
    yield "\n  ]\n}\n"


__all__ = ["brief_chunks", "brief_lines", "number_texts"]
