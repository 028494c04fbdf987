"""The ledger in the layout a higher office asks for (向上级报送): a 报送格式 in YAML.

A provincial or city office sends its own table to fill: its own column names
and order, a column or two with the same text on every row (填报单位), its own
words for the statuses, sometimes only some of the problems (those of one
inspection).  Copying the ledger into that table by hand each month is where
numbers go wrong, so the table is described once in a small YAML file and
written from the ledger on demand::

    title: "{截至日期}乡村振兴考核反馈问题整改情况报送表"
    columns:
      - {name: 序号, serial: true}
      - {name: 县市区, from: 单位名称}
      - {name: 填报单位, value: 长沙市农业农村局}
    statuses: {已销号: 已整改}
    filter: {问题来源: [考核评估, 督查暗访]}

The file is read with the scheme's YAML machinery (``scheme.load.parse_yaml``:
positions, duplicate keys, unsafe tags refused) and validated with pydantic
worded in Chinese (``scheme.messages``); names of ledger columns and statuses
are checked against :mod:`assess.rectify.model`, every problem with its line
and column, all at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assess.errors import Finding, Location, SchemeError
from assess.rectify.model import (
    C_DEADLINE,
    C_MEASURE,
    C_STATUS,
    C_UNIT,
    COLUMNS,
    STATUS_ALIASES,
    STATUSES,
    Row,
    canonical,
)
from assess.render.xlsx_print import PAPERS, Table, column_kind, column_width

WHAT = "报送格式文件"
DATE_PLACEHOLDER = "{截至日期}"
_SHEET_BAD = set("[]:*?/\\")


class ExportFormatError(SchemeError):
    """A 报送格式 file that cannot be used: unreadable, bad YAML, or naming what the ledger has not."""

    code = "export-format"


def _listed(value: Any) -> Any:
    """``问题来源: 考核评估`` means the same as ``问题来源: [考核评估]``."""
    return [value] if isinstance(value, str) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ExportColumn(_Model):
    """One column of the table: where its cells come from."""

    name: str = Field(min_length=1, description="报送表中的列名")
    source: str | None = Field(None, alias="from", description="取台账中的哪一列,如 问题描述")
    value: str | int | float | None = Field(None, description="固定内容,每行相同,如填报单位")
    serial: bool = Field(False, description="true:序号 1、2、3……")
    width: float | None = Field(None, gt=0, le=255, description="列宽(字符数);不写时按列的内容定")

    @model_validator(mode="after")
    def _one_source(self) -> ExportColumn:
        given = (self.source is not None) + (self.value is not None) + self.serial
        if given != 1:
            raise ValueError(
                f"列“{self.name}”须写 from(取台账中的列)、value(固定内容)、serial: true(序号)三者之一"
                + (",不能同时写几项" if given > 1 else "")
            )
        return self


class ExportFormat(_Model):
    """A 报送格式: the table a higher office asks for, made from the ledger."""

    title: str = Field("整改台账", description="表格标题;{截至日期} 换为统计截止日期,如 2025年3月31日")
    note: str | None = Field(None, description="标题下的一行说明,如“填报单位(盖章):”;可用 {截至日期}")
    sheet: str = Field("整改台账", min_length=1, max_length=31, description="工作表名称")
    paper: Literal["A4", "A3"] | None = Field(None, description="纸张;不写时按列宽在 A4 横向和 A3 横向中选")
    date_format: str = Field("yyyy-mm-dd", min_length=1, description="日期的显示格式,如 yyyy年m月d日")
    columns: list[ExportColumn] = Field(min_length=1, description="报送表的列,按顺序")
    statuses: dict[str, str] = Field(default_factory=dict, description="台账的整改状态 → 报送表中的说法")
    filter: dict[str, Annotated[list[str], BeforeValidator(_listed)]] = Field(
        default_factory=dict, description="只报送这些行:台账的列 → 可取的值"
    )

    @field_validator("sheet")
    @classmethod
    def _sheet_name(cls, value: str) -> str:
        bad = sorted(set(value) & _SHEET_BAD)
        if bad:
            raise ValueError(f"工作表名称不能含有 {' '.join(bad)}")
        return value


# ---- reading -------------------------------------------------------------------


def _status_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


_STATUS_BY_KEY = {_status_key(s): s for s in STATUSES}


def ledger_status(text: str) -> str | None:
    """``text`` as one of the ledger's statuses (half- or full-width brackets alike), or None."""
    return _STATUS_BY_KEY.get(_status_key(text))


def _close(name: str, choices: tuple[str, ...]) -> str:
    found = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"是否应为“{found[0]}”?" if found else ""


def _check(data: dict[str, Any], path: Path, positions: dict[Any, tuple[int, int]]) -> list[Finding]:
    """What pydantic cannot know: the ledger's column names and statuses.  Read from the data
    as written, so that these are listed together with pydantic's findings, not after them."""
    from assess.scheme.yamltree import locate

    findings: list[Finding] = []
    columns = "、".join(COLUMNS)
    statuses = "、".join(STATUSES)

    def column(name: Any, key: tuple[str | int, ...]) -> None:
        if isinstance(name, str) and name not in COLUMNS:
            findings.append(
                Finding(
                    "export-column",
                    f"台账中没有“{name}”列;{_close(name, COLUMNS)}台账的列为:{columns}",
                    locate(path, positions, key),
                )
            )

    def status(name: Any, key: tuple[str | int, ...]) -> None:
        if isinstance(name, str) and ledger_status(name) is None:
            meant = STATUS_ALIASES.get(_status_key(name))  # 已整改 is what a ledger calls 已完成…
            hint = f"是否指“{meant}”?" if meant in STATUSES else ""
            findings.append(
                Finding(
                    "export-status",
                    f"“{name}”不是台账的整改状态;{hint}台账的整改状态为:{statuses}",
                    locate(path, positions, key),
                )
            )

    seen: dict[str, int] = {}
    listed = data.get("columns")
    for i, col in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(col, dict):
            continue
        column(col.get("from"), ("columns", i, "from"))
        name = col.get("name")
        if isinstance(name, str) and name in seen:
            findings.append(
                Finding(
                    "export-column",
                    f"列名“{name}”重复(另见 columns[{seen[name]}]);报送表中每列的名称应不同",
                    locate(path, positions, ("columns", i, "name")),
                )
            )
        if isinstance(name, str):
            seen.setdefault(name, i)
    words = data.get("statuses")
    for name in words if isinstance(words, dict) else {}:
        status(name, ("statuses", name))
    wanted = data.get("filter")
    for name, values in (wanted if isinstance(wanted, dict) else {}).items():
        column(name, ("filter", name))
        if name == C_STATUS:
            for j, value in enumerate(_listed(values) if isinstance(values, (list, str)) else []):
                status(value, ("filter", name, j) if isinstance(values, list) else ("filter", name))
    return findings


def load_format(path: Path) -> ExportFormat:
    """Read and check a 报送格式 file; raise ExportFormatError listing every problem."""
    from assess.scheme.load import parse_yaml
    from assess.scheme.messages import pydantic_findings, sort_findings

    try:
        data, positions, _raw, early = parse_yaml(path, WHAT)
    except SchemeError as exc:
        findings = exc.findings
        head = exc.message if not findings else f"{WHAT}“{path.name}”有 {len(findings)} 处错误:"
        raise ExportFormatError(head, exc.location, findings) from None
    if not isinstance(data, dict):
        raise ExportFormatError(
            f"{WHAT}的顶层应为映射(键: 值),如 title: …、columns: …",
            Location(file=str(path), line=1, column=1),
        )
    findings = [f for f in early if f.severity == "error"] + _check(data, path, positions)
    spec: ExportFormat | None = None
    try:
        spec = ExportFormat.model_validate(data)
    except ValidationError as exc:
        findings += pydantic_findings(exc, data, path, positions, ExportFormat)
    if findings or spec is None:
        findings = sort_findings(findings)
        raise ExportFormatError(f"{WHAT}“{path.name}”有 {len(findings)} 处错误:", findings=findings)
    return spec


# ---- the table -------------------------------------------------------------------


_LITERAL = re.compile(r"[^\x00-\x7f]+")


def number_format(text: str) -> str:
    """``yyyy年m月d日`` as Excel wants it, ``yyyy"年"m"月"d"日"``: characters a format code does
    not know are quoted (a format already quoted is taken as written)."""
    return text if '"' in text else _LITERAL.sub(lambda m: f'"{m.group(0)}"', text)


def _width(name: str, kind: str, date_format: str) -> float:
    """A column's width: the ledger's for its column; a date column as wide as its dates
    (``2025年12月31日`` needs more than ``2025-12-31``), so that dates never wrap."""
    from assess.rectify.sheets import WIDTHS

    width = column_width(name, WIDTHS)
    if kind == "date" and _LITERAL.search(date_format):
        width = max(width, 15)
    return width


def day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _wanted(spec: ExportFormat, row: Row) -> bool:
    for name, values in spec.filter.items():
        if name == C_STATUS:
            if row.status not in {ledger_status(v) for v in values}:
                return False
        elif canonical(_cell(row, name)) not in {v.strip() for v in values}:
            return False
    return True


def _reported(row: Row, name: str, life: Any) -> Any:
    """A cell as the report gives it: see ``export_table``."""
    if life is not None and name == C_STATUS:
        return life.of(row)
    value = _cell(row, name)
    if life is not None and name == C_MEASURE and not value:
        from assess.rectify.lifecycle import M_MEASURE

        texts = [str(m.values.get(M_MEASURE) or "").strip() for m, _s in life.measures.get(row.id, [])]
        texts = [t for t in texts if t]
        if texts:
            return "；".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))
    return value


def _cell(row: Row, name: str) -> Any:
    if name == C_STATUS:
        return row.status
    if name == C_DEADLINE:
        return row.deadline
    if name == C_UNIT:
        return row.unit
    value = row.get(name)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return value.strip() or None
    return value


@dataclass
class Exported:
    table: Table
    total: int  # rows in the ledger
    kept: int  # rows in the table


def export_table(
    spec: ExportFormat, rows: list[Row], as_of: dt.date, title: str | None = None, life: Any = None
) -> Exported:
    """The table ``spec`` describes, from the ledger's ``rows`` (in the ledger's order).

    ``life`` (``lifecycle.evaluate`` of the ledger): statuses are reported as progress counts
    them (已完成 without evidence is 整改中, as in the office's own figures), and a problem whose
    整改措施 cell is empty reports the measures of its 整改措施 sheet."""
    words = {ledger_status(k): v for k, v in spec.statuses.items()}
    kept = [r for r in rows if _wanted(spec, r)]
    out: list[list[Any]] = []
    for n, row in enumerate(kept, start=1):
        values: list[Any] = []
        for col in spec.columns:
            if col.serial:
                values.append(n)
            elif col.value is not None:
                values.append(col.value)
            else:
                value = _reported(row, str(col.source), life)
                values.append(words.get(value, value) if col.source == C_STATUS else value)
        out.append(values)
    day = day_text(as_of)
    date_format = number_format(spec.date_format)
    kinds = ["center" if c.serial else column_kind(c.source or c.name) for c in spec.columns]
    table = Table(
        title=(title or spec.title).replace(DATE_PLACEHOLDER, day),
        columns=[c.name for c in spec.columns],
        rows=out,
        widths=[
            c.width or _width(c.source or c.name, kind, date_format)
            for c, kind in zip(spec.columns, kinds, strict=True)
        ],
        kinds=kinds,
        note=spec.note.replace(DATE_PLACEHOLDER, day) if spec.note else None,
        sheet=spec.sheet,
        date_format=date_format,
        paper=PAPERS[spec.paper] if spec.paper else None,
    )
    return Exported(table, len(rows), len(kept))


__all__ = ["ExportFormat", "ExportFormatError", "Exported", "export_table", "ledger_status", "load_format"]
