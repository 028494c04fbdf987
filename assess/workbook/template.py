"""Fill-in templates (填报模板) generated from a scheme with openpyxl.

A template that makes mistakes hard: codes and names locked, only value cells
editable, data validation with input messages, number formats, frozen
headers, and an instructions sheet generated from the scheme, so what a
county types is what ``read_county`` reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assess.levels import group_words
from assess.render.xlsx_style import BOLD, CENTER, HEAD_FILL, WRAP, put, title, to_bytes
from assess.scheme.inputs import InputSpec
from assess.workbook.marker import TEMPLATE

if TYPE_CHECKING:
    from assess.scheme.plan import Plan

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
OFF_FILL = PatternFill("solid", fgColor="BFBFBF")  # a cell the unit's group does not fill (分类考核)
UNLOCKED = Protection(locked=False)
KIND_WORDS = {
    "number": "数值",
    "percent": "百分比",
    "count": "整数",
    "amount": "金额",
    "bool": "是/否",
    "score": "得分",
    "text": "文字",
    "rating": "评价等次",
}


def describe(spec: InputSpec) -> str:
    """What may be typed, in words (used in the instructions and input messages)."""
    if spec.kind == "bool":
        return "从下拉列表选择“是”或“否”"
    if spec.levels:
        return f"从下拉列表选择:{'、'.join(word for word, _p in spec.levels)}"
    if spec.kind == "percent":
        return "填百分数的数值,如 82.3 表示 82.3%(也可填 82.3%)"
    if spec.kind == "count":
        return "填不小于 0 的整数"
    if spec.kind == "amount":
        return f"填金额,单位{spec.unit or '元'}"
    if spec.kind == "score":
        hi = f"至 {spec.maximum:g}" if spec.maximum is not None else ""
        return f"填得分{(' 0 ' + hi) if hi else ''}"
    return f"填数值{(',单位' + spec.unit) if spec.unit else ''}"


def _validation(ws: Worksheet, spec: InputSpec, cell: str, *, note_column: bool = True) -> None:
    kind = spec.kind
    if kind == "bool":
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    elif spec.levels:  # a dropdown of the words; a prompt alone when they cannot be listed
        listed = _listable(spec.levels)
        words = ",".join(word for word, _p in spec.levels)
        dv = (
            DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
            if listed
            else DataValidation()
        )
    elif kind == "percent":
        dv = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
    elif kind == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    else:
        low = spec.minimum if spec.minimum is not None else -1e15
        high = spec.maximum if spec.maximum is not None else 1e15
        dv = DataValidation(
            type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}", allow_blank=True
        )
    dv.promptTitle = spec.name[:32]
    dv.prompt = describe(spec)[:255]
    dv.errorTitle = "输入有误"
    dv.error = describe(spec)[:255] + (
        ";不适用请在“说明或佐证”列注明,数值留空或填“不适用”" if note_column else ";不适用的填“不适用”"
    )
    dv.showInputMessage = True
    dv.showErrorMessage = kind == "bool" or (bool(spec.levels) and _listable(spec.levels))
    ws.add_data_validation(dv)
    dv.add(cell)


def _listable(levels: tuple[tuple[str, float], ...]) -> bool:
    """Words that fit an Excel list validation: no comma or quote, 255 characters in all."""
    words = [w for w, _p in levels]
    return all(not any(c in w for c in ',"，') for w in words) and len(",".join(words)) <= 255


def _number_format(spec: InputSpec) -> str:
    if spec.kind == "count":
        return "0"
    if spec.kind in ("bool", "rating"):
        return "@"
    return "0.00"


def _instructions(wb: Workbook, plan: Plan, specs: Sequence[InputSpec], layout: str) -> None:
    s = plan.scheme
    notes = [
        f"1. 本表依据《{s.title}》生成,方案编号 {s.id}。",
        "2. 只填写黄色单元格;指标编码和名称已锁定,请勿增删行或修改编码。",
        "3. 百分比填数值(82.3 表示 82.3%);金额按“单位”列的计量单位填写;是/否从下拉列表选择。",
        "4. 没有年度任务或不适用的指标,数值填“不适用”,并在“说明或佐证”列写明原因;无数据的留空。",
        "5. 请勿使用公式;如需计算,请计算后粘贴为数值。",
    ]
    if layout == "summary":
        # The summary sheet has no 单位 or 说明或佐证 column: each header carries its unit.
        notes[1] = "2. 每行一个单位;第一行为表头,请勿修改表头文字。"
        notes[2] = "3. 百分比填数值(82.3 表示 82.3%);金额等按表头括号中的计量单位填写;是/否从下拉列表选择。"
        notes[3] = "4. 没有年度任务或不适用的指标,填“不适用”,原因另行说明;无数据的留空。"
    ws = wb.active
    ws.title = "填报说明"
    head = write_notes(ws, f"{s.year} 年度乡村振兴实绩考核数据填报说明", notes)
    field_list(ws, plan, specs, head)


def write_notes(ws: Worksheet, heading: str, notes: Sequence[str], width: int = 7) -> int:
    """A title and numbered notes across ``width`` columns; the row below them (left blank)."""
    title(ws, heading, width)
    for i, text in enumerate(notes, start=2):
        ws.cell(row=i, column=1, value=text).alignment = WRAP
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    return 2 + len(notes) + 1


def field_list(ws: Worksheet, plan: Plan, specs: Sequence[InputSpec], head: int) -> None:
    """The table of what is asked for, from row ``head``: code, name, unit, what to type, source."""
    cols = ["编码", "名称", "计量单位", "填报要求", "数据来源", "责任单位", "类型"]
    for c, (name, width) in enumerate(zip(cols, [9, 36, 9, 40, 22, 18, 8], strict=True), start=1):
        put(ws, head, c, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[chr(64 + c)].width = width
    sources = _sources(plan)
    for r, spec in enumerate(specs, start=head + 1):
        source, dept = sources.get(spec.key, ("", ""))
        for c, value in enumerate(
            [
                spec.code or spec.key,
                spec.name,
                spec.unit or "",
                describe(spec),
                source,
                dept,
                KIND_WORDS.get(spec.kind, ""),
            ],
            start=1,
        ):
            put(ws, r, c, value)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)


def _sources(plan: Plan) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for f in plan.scheme.fields:
        out[f.id] = (f.source or "", f.department or "")
    for ind in plan.indicators:
        out.setdefault(ind.id, (ind.source_note or "", ind.department or ""))
    return out


def county_template(plan: Plan, unit: str | None = None, group: str | None = None) -> bytes:
    """A county's own workbook: only what the unit reports (other sources' inputs left out, and
    what its group is not assessed on)."""
    skip = plan.read.optional.get(group or "", frozenset())
    specs = [s for s in plan.own_read.inputs if s.key not in skip]
    wb = Workbook()
    _instructions(wb, plan, specs, "county")
    info = wb.create_sheet("基本信息")
    title(info, "基本信息", 2)
    group_names = [g.name for g in plan.scheme.groups]
    for r, (label, value) in enumerate(
        [("单位名称", unit or ""), ("年度", plan.scheme.year), ("分组", group or "")], start=2
    ):
        put(info, r, 1, label, font=BOLD, fill=HEAD_FILL)
        cell = put(info, r, 2, value, fill=INPUT_FILL, align=Alignment(horizontal="left", vertical="center"))
        cell.protection = UNLOCKED
    if group_names:
        dv = DataValidation(type="list", formula1='"' + ",".join(group_names) + '"', allow_blank=True)
        dv.prompt, dv.promptTitle = "选择本单位的考核分组", "分组"
        info.add_data_validation(dv)
        dv.add("B4")
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 30
    info.protection.sheet = True

    ws = wb.create_sheet("指标数据")
    cols = ["指标编码", "指标名称", "单位", "数值", "说明或佐证"]
    kind = group_words(plan, group).title  # 县市区, 乡镇, 市直部门: the unit's own kind
    title(ws, f"{plan.scheme.year} 年度{kind}乡村振兴实绩考核数据填报表", len(cols))
    for c, (name, width) in enumerate(zip(cols, [11, 44, 9, 16, 40], strict=True), start=1):
        put(ws, 2, c, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[chr(64 + c)].width = width
    for r, spec in enumerate(specs, start=3):
        put(ws, r, 1, spec.code or spec.key, align=CENTER)
        put(ws, r, 2, spec.name)
        put(ws, r, 3, spec.unit or "", align=CENTER)
        value = put(ws, r, 4, None, fill=INPUT_FILL, number_format=_number_format(spec))
        value.protection = UNLOCKED
        note = put(ws, r, 5, None)
        note.protection = UNLOCKED
        _validation(ws, spec, f"D{r}")
    ws.freeze_panes = "C3"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.print_title_rows = "2:2"
    for table in plan.own_read.tables:
        _detail_sheet(wb, table)
    wb.active = 2
    return to_bytes(wb, TEMPLATE)


def _detail_sheet(wb: Workbook, table: object) -> None:
    from assess.scheme.inputs import TableSpec

    assert isinstance(table, TableSpec)
    ws = wb.create_sheet(table.name[:31])
    for c, col in enumerate(table.columns, start=1):
        head = f"{col.name}({col.unit})" if col.unit else col.name
        put(ws, 1, c, head, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = max(12, len(head) * 2)
        if col.kind == "bool":
            dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(f"{ws.cell(row=2, column=c).column_letter}2:{ws.cell(row=2, column=c).column_letter}5000")
    ws.freeze_panes = "B2"


def summary_template(plan: Plan, units: Sequence[tuple[str, str | None]] = ()) -> bytes:
    specs = plan.own_read.inputs
    wb = Workbook()
    _instructions(wb, plan, specs, "summary")
    ws = wb.create_sheet("汇总表")
    heads = ["单位名称", "分组"] + [f"{s.name}({s.unit})" if s.unit else s.name for s in specs]
    for c, name in enumerate(heads, start=1):
        cell = put(ws, 1, c, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        if c > 2:
            spec = specs[c - 3]
            cell.comment = Comment(f"编码 {spec.code or spec.key}:{describe(spec)}", "assess")
        ws.column_dimensions[cell.column_letter].width = 14 if c > 2 else 16
    ws.row_dimensions[1].height = 60
    for r, (name, group) in enumerate(units, start=2):
        put(ws, r, 1, name)
        put(ws, r, 2, group or "")
        skip = plan.read.optional.get(group or "", frozenset())
        for c, spec in enumerate(specs, start=3):
            if spec.key in skip:  # 分类考核: the unit's group is not assessed on it
                cell = put(ws, r, c, None, fill=OFF_FILL)
                cell.comment = Comment(f"{group}组不考核此项,不填", "assess")
    last = max(2, len(units) + 1, 200)
    for c, spec in enumerate(specs, start=3):
        letter = ws.cell(row=1, column=c).column_letter
        _validation(ws, spec, f"{letter}2:{letter}{last}", note_column=False)
        for r in range(2, max(2, len(units) + 1) + 1):
            ws.cell(row=r, column=c).number_format = _number_format(spec)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(heads)).column_letter}1"
    wb.active = 1
    return to_bytes(wb, TEMPLATE)
