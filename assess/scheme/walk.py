"""Walking a scheme's indicator tree in the order the file lists it, and ordering ids as it numbers them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assess.scheme import model as m


def walk_indicators(
    scheme: m.Scheme,
) -> Iterator[tuple[m.Indicator, m.Category, tuple[str | int, ...]]]:
    """Every indicator at every level, with its category and YAML key path."""

    def rec(ind: m.Indicator, cat: m.Category, key: tuple[str | int, ...]) -> Iterator[Any]:
        yield ind, cat, key
        for j, child in enumerate(ind.children):
            yield from rec(child, cat, (*key, "children", j))

    for ci, cat in enumerate(scheme.categories):
        for ii, ind in enumerate(cat.indicators):
            yield from rec(ind, cat, ("categories", ci, "indicators", ii))


def id_key(ident: str) -> tuple[Any, ...]:
    """Sort key for an indicator id: ``1.2`` before ``1.10``, numbers before letters."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ident.split("."))
