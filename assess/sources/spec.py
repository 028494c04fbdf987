"""A scheme's ``sources:`` compiled once into plain dataclasses the readers use.

Each source gets the :class:`ReadPlan` of its own keys only, so a unit's
workbook is asked for what the unit reports and a department's sheet for the
department's columns.  A scheme without ``sources:`` has one implicit unit
source holding every input, which is the behaviour of every earlier version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assess.scheme.inputs import InputSpec, ReadPlan
from assess.workbook.names import key_of

if TYPE_CHECKING:
    from assess.scheme import model as m

UNIT = "unit"
TABLE = "table"
FINDINGS = "findings"
RATINGS = "ratings"
LEDGER = "ledger"

KIND_WORDS = {UNIT: "单位填报", TABLE: "报表", FINDINGS: "问题清单", RATINGS: "评分表", LEDGER: "整改台账"}


@dataclass(frozen=True, slots=True)
class CountSpec:
    """Which rows of a findings list count towards one input key, and how much each weighs."""

    key: str
    origins: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    severities: tuple[tuple[str, float], ...] = ()

    def weight(self, origin: str, category: str, severity: str) -> float | None:
        """How many items one row counts for (``None``: the row does not count here)."""
        if self.origins and origin not in self.origins:
            return None
        if self.categories and category not in self.categories:
            return None
        if not self.severities:
            return 1.0
        return dict(self.severities).get(severity)


@dataclass(frozen=True, slots=True)
class RateSpec:
    """One percentage a ledger source computes for an input key (scheme ``rates:``)."""

    key: str
    measure: str = "completion"  # or "on_time"
    origins: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    empty: str = "full"  # a unit with nothing counted: "full", "missing" or "not_applicable"


@dataclass(frozen=True, slots=True)
class RaterSpec:
    name: str
    weight: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source as the readers need it: its keys, their specs, and its kind's settings."""

    id: str
    name: str
    kind: str
    read: ReadPlan  # the inputs of this source only
    department: str | None = None
    aliases: tuple[str, ...] = ()
    unit_column: str | None = None
    counts: tuple[CountSpec, ...] = ()
    combine: str | None = None
    raters: tuple[RaterSpec, ...] = ()
    rates: tuple[RateSpec, ...] = ()
    as_of: dt.date | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(spec.key for spec in self.read.inputs)

    @property
    def title(self) -> str:
        """How the source is named in a basis or a receipt: 市财政局《衔接资金支付进度表》."""
        return f"{self.department or ''}《{self.name}》"

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a folder or ``--data`` may use for this source."""
        return (self.id, self.name, *self.aliases)


def key_names(inputs: tuple[InputSpec, ...], name_aliases: dict[str, str]) -> dict[str, str]:
    """Everything a source's ``fields`` may say → the input key it means."""
    out: dict[str, str] = {}
    for spec in inputs:
        out.setdefault(spec.name, spec.key)
        for alias in spec.aliases:
            out.setdefault(alias, spec.key)
    for spec in inputs:
        out[spec.key] = spec.key  # ids win over names
    for name, fid in name_aliases.items():
        out.setdefault(name, fid)
    return out


def compile_sources(
    s: m.Scheme, read: ReadPlan, name_aliases: dict[str, str]
) -> tuple[tuple[SourceSpec, ...], ReadPlan]:
    """The sources and the ReadPlan of the unit's own workbook (every key no other source claims).

    The scheme has been validated: every key is known and claimed once.
    """
    if not s.sources:
        return (), read
    names = key_names(read.inputs, name_aliases)
    by_key = {spec.key: spec for spec in read.inputs}
    claimed: set[str] = set()
    out: list[SourceSpec] = []
    for src in s.sources:
        keys: list[str] = []
        wanted = list(src.fields) + [c.field for c in src.counts] + [r.field for r in src.rates]
        for name in wanted:
            key = names.get(name)
            if key is not None and key in by_key and key not in keys:
                keys.append(key)
        claimed.update(keys)
        out.append(_spec(src, read, [by_key[k] for k in keys], names))
    unit_inputs = tuple(spec for spec in read.inputs if spec.key not in claimed)
    foreign: dict[str, str] = {}
    for o in out:
        for given in o.read.inputs:
            for alias in (given.name, given.code or "", *given.aliases):
                if alias:
                    foreign[key_of(alias)] = o.id
    unit_read = replace(read, inputs=unit_inputs, foreign=foreign)
    out = [replace(o, read=unit_read) if o.kind == UNIT else o for o in out]
    return tuple(out), unit_read


def _spec(src: m.Source, read: ReadPlan, specs: list[InputSpec], names: dict[str, str]) -> SourceSpec:
    sub = replace(read, inputs=tuple(specs), tables=())
    return SourceSpec(
        id=src.id,
        name=src.name,
        kind=src.kind,
        read=sub,
        department=src.department,
        aliases=tuple(src.aliases),
        unit_column=src.unit_column,
        counts=tuple(
            CountSpec(
                names.get(c.field, c.field),
                frozenset(c.origins),
                frozenset(c.categories),
                tuple(c.severities.items()),
            )
            for c in src.counts
        ),
        combine=src.combine,
        raters=tuple(RaterSpec(r.name, r.weight, tuple(r.aliases)) for r in src.raters),
        rates=tuple(
            RateSpec(
                names.get(r.field, r.field), r.measure, frozenset(r.origins), frozenset(r.categories), r.empty
            )
            for r in src.rates
        ),
        as_of=src.as_of,
    )
