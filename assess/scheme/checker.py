"""What the whole-scheme checks share: the scheme, its lookups, and the findings so far.

Every check appends a Finding instead of raising, so ``assess check`` lists
all problems of a scheme in one run.  ``check_ids`` fills ``indicator_ids``
and ``parent_ids``, which the later checks read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.errors import Finding

if TYPE_CHECKING:
    from assess.scheme.load import LoadedScheme
    from assess.scheme.yamltree import Path_

EPS = 1e-9


class Checker:
    def __init__(self, loaded: LoadedScheme) -> None:
        self.loaded = loaded
        self.s = loaded.scheme
        self.findings: list[Finding] = []
        self.fields = {f.id: f for f in self.s.fields}
        self.field_names = {f.name: f.id for f in self.s.fields}
        self.grade_names = [g.name for g in self.s.grades]
        # by_group and units[].group accept a group's id, name or alias (as plan.py does)
        self.group_names = {a for g in self.s.groups for a in (g.id, g.name, *g.aliases)}
        self.indicator_ids: set[str] = set()
        self.parent_ids: set[str] = set()

    def add(self, key: Path_, code: str, message: str, severity: str = "error") -> None:
        self.findings.append(Finding(code, message, self.loaded.location(key), severity))


def num(x: float) -> str:
    """A number in a message, as short as it can be written."""
    return f"{x:g}"
