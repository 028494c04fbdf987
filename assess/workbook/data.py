"""What readers hand to the scoring engine: one unit's values with their origin.

Plain slotted classes, not pydantic: a national run holds hundreds of
thousands of these and the engine touches each once.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field

from assess.errors import Finding

# Status of a value as read.
OK = "ok"
MISSING = "missing"  # blank, —, /, 无 where a value was expected
NOT_APPLICABLE = "na"  # 不适用: the indicator does not apply to this unit (缺项)
ERROR = "error"  # #DIV/0!, a formula with no cached value, text where a number belongs


@dataclass(slots=True)
class Value:
    """A parsed value and where it came from (``file`` and ``where`` like ``指标数据!D17``)."""

    number: float | None
    status: str = OK
    raw: object = None
    where: str = ""
    file: str = ""
    note: str = ""  # 说明或佐证 column, or how the value was converted
    origin: str = ""  # the data source it came from, as named in a basis: 市财政局《衔接资金支付进度表》

    @property
    def source(self) -> str:
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1]  # the file's name: paths stay private
        place = f"{name} {self.where}".strip()
        if not self.origin:
            return place
        return f"{self.origin}({place})" if place else self.origin

    def __reduce__(self) -> tuple[type[Value], tuple[object, ...]]:
        # A tuple, not the default dict of slot names: readers in worker
        # processes send tens of thousands of these, and this halves the cost.
        return Value, (self.number, self.status, self.raw, self.where, self.file, self.note, self.origin)


@dataclass(slots=True)
class TableData:
    """A detail table as columns: ``columns[key][i]`` is row i, read from sheet row ``rows[i]``."""

    key: str
    file: str
    sheet: str
    rows: list[int] = field(default_factory=list)
    columns: dict[str, list[object]] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)  # column key → column letter
    findings: list[Finding] = field(default_factory=list)  # bad cells, missing columns (added by the readers)

    def __len__(self) -> int:
        return len(self.rows)

    def __reduce__(self) -> tuple[type[TableData], tuple[object, ...]]:
        return TableData, (
            self.key,
            self.file,
            self.sheet,
            self.rows,
            self.columns,
            self.letters,
            self.findings,
        )

    def where(self, key: str, i: int) -> str:
        return f"{self.sheet}!{self.letters.get(key, '?')}{self.rows[i]}"


@dataclass(slots=True)
class UnitData:
    """One unit's (county's, township's or village's) reported data."""

    unit: str
    group: str | None = None
    year: int | None = None
    # field key → value; a plain dict, or a summary table's lazy view of its columns
    values: MutableMapping[str, Value] = field(default_factory=dict)
    tables: dict[str, TableData] = field(default_factory=dict)
    file: str = ""  # the file the unit came from
    where: str = ""  # where the unit's name was read (for duplicate reports)
    findings: list[Finding] = field(default_factory=list)

    def __reduce__(self) -> tuple[type[UnitData], tuple[object, ...]]:
        return UnitData, (
            self.unit,
            self.group,
            self.year,
            self.values,
            self.tables,
            self.file,
            self.where,
            self.findings,
        )
