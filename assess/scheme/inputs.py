"""What a compiled scheme asks the workbook readers to read.

These plain dataclasses are the contract between the scheme (which knows the
fields, their kinds and units) and the readers (which know spreadsheets).
They carry no pydantic so that reading thousands of workbooks costs nothing
per value beyond the parse itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of value a field can hold; the value parser decides by kind and unit.
KIND_NUMBER = "number"  # any number, in `unit`
KIND_PERCENT = "percent"  # a percentage, stored as 0..100 (82.3 means 82.3 %)
KIND_COUNT = "count"  # a non-negative whole number (个, 人, 户, 次)
KIND_AMOUNT = "amount"  # money; `unit` is 元, 万元 or 亿元 and text amounts are converted
KIND_BOOL = "bool"  # 是/否, √/×, 有/无 → 1.0 / 0.0
KIND_SCORE = "score"  # a score entered directly (direct rule)
KIND_TEXT = "text"  # kept as text (for detail-table keys such as 村名称)
KIND_RATING = "rating"  # a word from the scheme's `levels` (好/较好/一般/较差) → its points
KINDS = (KIND_NUMBER, KIND_PERCENT, KIND_COUNT, KIND_AMOUNT, KIND_BOOL, KIND_SCORE, KIND_TEXT, KIND_RATING)


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One value a unit reports: a raw field or a directly entered indicator."""

    key: str  # the id formulas and results use
    code: str | None  # 指标编码 in the workbook (may equal key)
    name: str  # 指标名称
    kind: str = KIND_NUMBER
    unit: str | None = None  # declared unit: "%", "万元", "人", "个", ...
    aliases: tuple[str, ...] = ()
    minimum: float | None = None  # plausibility bounds, reported by `check`
    maximum: float | None = None
    part_of: str | None = None  # key of a field this one may not exceed
    required: bool = True
    # A percent field whose scoring lines are all this high (≥ FRACTION_SCALE): a value
    # between 0 and 1 is then most likely a fraction (0.85 meant as 85 %), reported as an error.
    scale: float | None = None
    levels: tuple[tuple[str, float], ...] = ()  # rating words and their points (kind rating)


# Smallest scoring line (target, floor, band edge…) from which a percent value below 1 is
# taken for a fraction typed instead of a percentage (docs/workbooks.md 5.1).
FRACTION_SCALE = 20.0


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column of a detail table (明细表)."""

    key: str
    name: str
    kind: str = KIND_NUMBER
    unit: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A detail table: one row per village, household or project."""

    key: str
    name: str  # also the sheet name looked for in a county workbook
    columns: tuple[ColumnSpec, ...]
    unit_column: str = "所属单位"  # names the unit in a province-wide file
    unit_aliases: tuple[str, ...] = ("县市区", "所属县", "县(市、区)", "单位名称", "所属县市区")
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """Everything a reader needs to read a unit's data, and nothing more."""

    inputs: tuple[InputSpec, ...]
    tables: tuple[TableSpec, ...] = ()
    year: int | None = None
    groups: tuple[str, ...] = ()  # group names a unit may declare (分组)
    units: tuple[str, ...] = ()  # the scheme's unit list, when it has one
    unit_groups: dict[str, str] = field(default_factory=dict)  # unit name → group name
    # Names (and codes) of values another data source supplies → that source's id: a unit's
    # workbook that still has such a row is told the value is not taken from it.
    foreign: dict[str, str] = field(default_factory=dict)
    # 分类考核: a group's name or alias → the keys only indicators that group does not have
    # read; a blank there is nothing to report for its units (``check_unit``)
    optional: dict[str, frozenset[str]] = field(default_factory=dict)
