"""Put every source's values onto the units, and say per source and per unit what was found.

The other sources are read before the units' own workbooks (they are a few
files), so each unit is complete the moment its workbook arrives and ``rank``
can score it while the pool reads the next files.  Nothing is dropped in
silence: a source not given, a unit a source lacks, a unit a source has but
nobody scores, are each a finding; the receipt (回执) lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assess.errors import Finding, Location
from assess.scheme.plan import Plan
from assess.sources.data import SourceData
from assess.sources.receipt import Receipt, SourceReceipt
from assess.sources.spec import FINDINGS, LEDGER, RATINGS, TABLE, UNIT, SourceSpec
from assess.workbook.data import MISSING, UnitData, Value
from assess.workbook.names import key_of, shown


def read_source(spec: SourceSpec, files: list[Path], plan: Plan) -> SourceData:
    """One source's files read by its kind's reader (never raises for a bad file)."""
    if not files:
        return SourceData(spec)
    if spec.kind == TABLE:
        from assess.sources.table import read_table

        return read_table(spec, files)
    if spec.kind == FINDINGS:
        from assess.sources.findings import read_findings

        return read_findings(spec, files, plan.read)
    if spec.kind == RATINGS:
        from assess.sources.ratings import read_ratings

        return read_ratings(spec, files)
    if spec.kind == LEDGER:
        from assess.sources.ledger import read_ledger

        return read_ledger(spec, files, plan.read)
    raise AssertionError(spec.kind)  # validated: the unit source is read as units


def absent(spec: SourceSpec) -> Finding:
    hint = f"用 --data {spec.id}=文件或文件夹 指定,或放在填报表所在文件夹的“{spec.id}”子文件夹中"
    return Finding(
        "source-absent",
        f"未提供来源“{spec.id}”{spec.title}的文件:{hint};它提供的 {len(spec.keys)} 项数据按缺失处理",
        Location(),
    )


class Merger:
    """Applies the sources to each unit as it is read, then reports what no unit took."""

    def __init__(self, plan: Plan, sources: list[SourceData]) -> None:
        self.plan = plan
        self.sources = sources
        self.findings: list[Finding] = []
        self.taken: list[set[str]] = [set() for _ in sources]  # per source: its names given to a unit
        self.covered: list[set[str]] = [set() for _ in sources]  # per source: units that got its values
        self.by_unit: dict[str, dict[str, str]] = {}  # unit → source id → where its data was read
        # per source: its names by key_of, made on the first unit not listed as spelled
        self.keyed: list[dict[str, str] | None] = [None] * len(sources)
        for sd in sources:
            if not sd.given():
                self.findings.append(absent(sd.spec))
            self.findings.extend(sd.findings)

    def apply(self, unit: UnitData) -> None:
        """Give one unit its values from every source (missing ones marked, with a finding)."""
        name = unit.unit
        mine = self.by_unit.setdefault(name, {})
        wanted: str | None = None  # key_of(name), made once, when a source does not list the name as spelled
        for i, sd in enumerate(self.sources):
            spec = sd.spec
            got = sd.values.get(name)
            listed: str | None = name
            if got is None and sd.values:
                if wanted is None:
                    wanted = key_of(name)
                keyed = self.keyed[i]
                if keyed is None:
                    keyed = self.keyed[i] = {key_of(u): u for u in sd.values}
                listed = keyed.get(wanted)
                got = sd.values[listed] if listed is not None else None
            if got is not None and listed is not None:
                self.taken[i].add(listed)
                self.covered[i].add(name)
                mine[spec.id] = sd.where.get(listed, "") or "已提供"
                unit.values.update(got)
                unit.findings.extend(sd.unit_findings.get(listed, ()))
            elif sd.defaults:
                mine[spec.id] = next(iter(sd.defaults.values())).note or "已提供"
                unit.values.update(sd.defaults)
            else:
                mine[spec.id] = "缺" if sd.given() else "未提供"
                note = f"来源“{spec.id}”中没有本单位的数据" if sd.given() else f"未提供来源“{spec.id}”"
                for key in spec.keys:
                    unit.values[key] = Value(None, MISSING, note=note, origin=spec.title)
                if sd.given():
                    files = "、".join(p.name for p in sd.files[:3])
                    unit.findings.append(
                        Finding(
                            "source-unit-missing",
                            f"来源“{spec.id}”{spec.title}({files})中没有“{shown(name)}”的数据;"
                            f"{'、'.join(spec.keys)} 按缺失处理",
                            Location(file=str(sd.files[0])),
                        )
                    )

    def wrap(self, on_units: Callable[[list[UnitData]], object] | None) -> Callable[[list[UnitData]], None]:
        """The reader's per-batch callback: merge first, then the caller's own work."""

        def merged(units: list[UnitData]) -> None:
            for unit in units:
                self.apply(unit)
            if on_units is not None:
                on_units(units)

        return merged

    def finish(self, units: list[UnitData], own: list[Path]) -> Receipt:
        """Units the sources list but no one scores; the receipt of every source."""
        receipt = Receipt()
        names = [u.unit for u in units]
        own_spec = next((s for s in self.plan.sources if s.kind == UNIT), None)
        if own_spec is not None:
            receipt.sources.append(
                SourceReceipt(
                    own_spec.id, own_spec.title, own_spec.kind, [p.name for p in own], len(units), [], []
                )
            )
        for i, sd in enumerate(self.sources):
            spec = sd.spec
            extra = [u for u in sd.values if u not in self.taken[i]]
            listed = bool(self.plan.scheme.units)
            for u in extra:
                said = sd.unit_findings.get(u)
                if said:  # a name not in the scheme: said by the reader, with its cell
                    self.findings.extend(said)
                    continue
                if listed:  # a unit of the scheme not scored this time: in the receipt, not a problem
                    continue
                self.findings.append(
                    Finding(
                        "source-extra-unit",
                        f"来源“{spec.id}”中有“{shown(u)}”的数据({sd.where.get(u, '')}),但本次没有读到它的填报表,未参与评分",
                        Location(file=str(sd.files[0]) if sd.files else None),
                        "warning",
                    )
                )
            covered = [n for n in names if n in self.covered[i]]
            missing = [] if sd.defaults or not sd.given() else [n for n in names if n not in self.covered[i]]
            receipt.sources.append(
                SourceReceipt(
                    spec.id,
                    spec.title,
                    spec.kind,
                    [p.name for p in sd.files],
                    len(covered) if not sd.defaults else len(units),
                    missing,
                    extra,
                    given=sd.given(),
                    detail=dict(sd.detail),
                )
            )
        receipt.findings = self.findings
        receipt.units = len(units)
        receipt.by_unit = {n: self.by_unit.get(n, {}) for n in names}
        return receipt


def units_from_sources(plan: Plan, sources: list[SourceData]) -> list[UnitData]:
    """A scheme whose every value comes from tables: the units are those the sources list.

    In the scheme's unit order when it has a list, else in the order first read.
    """
    seen: dict[str, UnitData] = {}
    for sd in sources:
        for name in sd.values:
            if name not in seen:
                seen[name] = UnitData(name, plan.group_of(None, name), plan.scheme.year, {}, {}, "", "")
    order = {u.name: i for i, u in enumerate(plan.scheme.units)}
    return sorted(seen.values(), key=lambda u: order.get(u.unit, len(order)))
