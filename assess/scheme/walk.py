"""Walking a scheme's indicator tree, at every level, in the order the file lists it."""

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
