"""Fill-in templates for a scheme's other data sources: a department's table, a findings list,
a rater's score sheet.

Each is laid out for the reader of its kind, so that what a department types
is what ``assess`` reads back: a table or a rater's sheet is a summary table
(one row per unit, the field names with their units in the header and, with
two fields or more, a row of codes under it: see ``summary.py``); a findings
list has the columns ``rectify/findings.py`` looks for, plus 严重程度.  Every
template carries the template mark, so a blank one in a data folder is passed
over and a filled one is read as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assess.render.xlsx_style import BOLD, CENTER, HEAD_FILL, put, to_bytes
from assess.sources.spec import FINDINGS, KIND_WORDS, RATINGS, TABLE, RaterSpec, SourceSpec
from assess.workbook.marker import TEMPLATE
from assess.workbook.template import (
    INPUT_FILL,
    UNLOCKED,
    _number_format,
    _validation,
    describe,
    field_list,
    write_notes,
)

if TYPE_CHECKING:
    from assess.scheme.plan import Plan

Units = Sequence[tuple[str, str | None]]  # (name, group as shown)

BLANK_ROWS = 200  # rows offered for unit names when the scheme has no unit list
FINDING_ROWS = 500  # rows with data validation in a findings list
NOTE_COLUMN = "备注"
CHOICES = "选项"  # the hidden sheet holding the dropdown lists
# The findings list's columns: (header, width, what to type).  The first four are the ones
# the findings readers require (assess/rectify/findings.py REQUIRED).
FINDING_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("单位名称", 16, "必填;从下拉列表选择被发现问题的单位"),
    ("问题来源", 12, "必填;如 督查、暗访、审计"),
    ("问题类别", 14, "必填;问题所属的类别"),
    ("问题描述", 50, "必填;问题的具体表现"),
    ("严重程度", 10, "如 一般、严重;方案按严重程度折算个数时必填"),
    ("关联指标", 12, "可不填;问题涉及的考核指标编码或名称"),
    ("责任单位", 16, "可不填;负责整改的单位"),
    ("整改时限", 12, "可不填;日期(如 2025-06-30)或“立行立改”“长期坚持”"),
)
COMBINE_WORDS = {
    "mean": "取各评分方的平均分",
    "trimmed_mean": "去掉一个最高分和一个最低分后取平均分",
    "median": "取各评分方的中位数",
    "weighted": "按各评分方的权重加权",
    "sum": "将各评分方的评分相加",
}


def source_template(plan: Plan, spec: SourceSpec, units: Units, rater: RaterSpec | None = None) -> bytes:
    """The template of one source (of kind table, findings or ratings), for one rater if given."""
    if spec.kind == FINDINGS:
        return findings_template(plan, spec, units)
    if spec.kind in (TABLE, RATINGS):
        return table_template(plan, spec, units, rater)
    raise AssertionError(spec.kind)  # the unit's own source has the unit template


def table_template(plan: Plan, spec: SourceSpec, units: Units, rater: RaterSpec | None = None) -> bytes:
    """One row per unit, one column per field of the source: a summary table the reader takes."""
    specs = spec.read.inputs
    wb = Workbook()
    ws = wb.active
    ws.title = "填报说明"
    s = plan.scheme
    head = write_notes(
        ws, f"{s.year} 年度乡村振兴实绩考核 {spec.title}填报说明", _table_notes(plan, spec, rater)
    )
    field_list(ws, plan, specs, head)
    if rater is not None:
        sheet = _sheet_name(rater.name)
    else:
        sheet = "评分表" if spec.kind == RATINGS else _sheet_name(spec.name)
    _rows_sheet(wb.create_sheet(sheet), plan, spec, units)
    wb.active = 1
    return to_bytes(wb, TEMPLATE)


def _table_notes(plan: Plan, spec: SourceSpec, rater: RaterSpec | None) -> list[str]:
    s = plan.scheme
    anyone = "由评分方填写" if spec.kind == RATINGS else "由提供这些数据的单位填写"
    who = f"由{spec.department}填写" if spec.department else anyone
    what = "评分表" if spec.kind == RATINGS else KIND_WORDS[spec.kind]
    notes = [
        f"本表依据《{s.title}》(方案编号 {s.id})生成,是数据来源“{spec.id}”{spec.title}的{what}模板,{who}。"
    ]
    if spec.kind == RATINGS:
        if rater is not None:
            notes.append(f"评分方:{rater.name}。请勿修改文件名中的评分方名称,各评分方各填一份。")
        else:
            notes.append(
                f"每个评分方各填一份,并在文件名中写明评分方,如“{spec.id}_{rater_example(spec)}.xlsx”。"
            )
        if spec.combine:
            notes.append(
                f"各评分方的评分{COMBINE_WORDS.get(spec.combine, spec.combine)},合成为各单位的得分。"
            )
    notes += [
        "每行一个单位,单位名称已按方案的单位名单填好,请勿修改单位名称和表头;只填写黄色单元格。"
        if s.units
        else "每行一个单位,在“单位名称”列填写单位全称;请勿修改表头。",
        "百分比填数值(82.3 表示 82.3%);金额等按表头括号中的计量单位填写;是/否从下拉列表选择。",
        "不适用的填“不适用”,原因写在“备注”列;无数据的留空。请勿使用公式,如需计算,请计算后粘贴为数值。",
        f"考核办读取时,把本表放在各单位填报表所在文件夹的“{spec.id}”子文件夹中,或用 --data {spec.id}=本文件 指定。",
    ]
    return [f"{i}. {text}" for i, text in enumerate(notes, start=1)]


def rater_example(spec: SourceSpec) -> str:
    return f"{spec.name}_张三" if spec.name != spec.id else "张三"


def _sheet_name(text: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in text).strip("'") or "评分表"
    return cleaned[:31]


def _rows_sheet(ws: Worksheet, plan: Plan, spec: SourceSpec, units: Units) -> None:
    specs = spec.read.inputs
    grouped = bool(plan.scheme.groups)
    lead = ["单位名称", "分组"] if grouped else ["单位名称"]
    first = len(lead) + 1  # the first field's column
    heads = [*lead, *(f"{f.name}({f.unit})" if f.unit else f.name for f in specs), NOTE_COLUMN]
    for c, name in enumerate(heads, start=1):
        cell = put(ws, 1, c, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        if first <= c < first + len(specs):
            f = specs[c - first]
            cell.comment = Comment(f"编码 {f.code or f.key}:{describe(f)}", "assess")
        ws.column_dimensions[cell.column_letter].width = 14 if c >= first else 16
    ws.row_dimensions[1].height = 48
    # The summary reader takes a row of codes under the names when two cells of it are codes:
    # with one field a lone code would be read as a unit's row, so its code is in the comment.
    top = 2
    if len(specs) >= 2:
        put(ws, 2, 1, "编码", font=BOLD, fill=HEAD_FILL, align=CENTER)
        for c in range(2, len(heads) + 1):
            code = specs[c - first].code or specs[c - first].key if first <= c < first + len(specs) else ""
            put(ws, 2, c, code, fill=HEAD_FILL, align=CENTER)
        top = 3
    listed = bool(units)
    count = len(units) if listed else BLANK_ROWS
    rows = range(top, top + count)
    for i, r in enumerate(rows):
        name, group = units[i] if listed else ("", None)
        cell = put(ws, r, 1, name or None, align=Alignment(horizontal="left", vertical="center"))
        if not listed:
            cell.protection = UNLOCKED
        if grouped:
            g = put(ws, r, 2, group or None)
            if not listed:
                g.protection = UNLOCKED
        for c, f in enumerate(specs, start=first):
            value = put(ws, r, c, None, fill=INPUT_FILL, number_format=_number_format(f))
            value.protection = UNLOCKED
        put(ws, r, len(heads), None).protection = UNLOCKED
    last = top + count - 1
    for c, f in enumerate(specs, start=first):
        letter = ws.cell(row=1, column=c).column_letter
        _validation(ws, f, f"{letter}{top}:{letter}{last}", note_column=False)
    ws.column_dimensions[ws.cell(row=1, column=len(heads)).column_letter].width = 30
    ws.freeze_panes = ws.cell(row=top, column=first)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_title_rows = f"1:{top - 1}"


def findings_template(plan: Plan, spec: SourceSpec, units: Units) -> bytes:
    """A findings list: one row per problem, the columns the readers look for, dropdowns of
    the scheme's units and of the origins, categories and severities its counts name."""
    wb = Workbook()
    ws = wb.active
    ws.title = "填报说明"
    s = plan.scheme
    notes = _findings_notes(plan, spec)
    head = write_notes(ws, f"{s.year} 年度乡村振兴实绩考核 {spec.title}填报说明", notes, 3)
    for c, (name, width) in enumerate(zip(["列名", "是否必填", "填写要求"], [12, 10, 70], strict=True), 1):
        put(ws, head, c, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[chr(64 + c)].width = width
    for r, (name, _width, need) in enumerate(FINDING_COLUMNS, start=head + 1):
        put(ws, r, 1, name)
        put(ws, r, 2, "必填" if need.startswith("必填") else "")
        put(ws, r, 3, need.removeprefix("必填;"))
    ws.freeze_panes = ws.cell(row=head + 1, column=1)

    data = wb.create_sheet("问题清单")
    for c, (name, width, need) in enumerate(FINDING_COLUMNS, start=1):
        cell = put(data, 1, c, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        cell.comment = Comment(need, "assess")
        data.column_dimensions[cell.column_letter].width = width
        for r in range(2, FINDING_ROWS + 2):
            data.cell(row=r, column=c).number_format = "@"
    last = FINDING_ROWS + 1
    lists = wb.create_sheet(CHOICES)
    lists.sheet_state = "hidden"
    choices = _choices(plan, spec, [name for name, _g in units])
    for col, (name, (values, strict)) in enumerate(choices.items(), start=1):
        if not values:
            continue
        lists.cell(row=1, column=col, value=name)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=col, value=value)
        letter = lists.cell(row=1, column=col).column_letter
        dv = DataValidation(
            type="list", formula1=f"'{CHOICES}'!${letter}$2:${letter}${len(values) + 1}", allow_blank=True
        )
        dv.promptTitle, dv.prompt = name, f"从下拉列表选择{name}"
        dv.showInputMessage = True
        if strict == "stop":
            dv.errorTitle, dv.error = "输入有误", f"{name}须从下拉列表中选择(方案中的{name})"
            dv.showErrorMessage = True
        elif strict == "warning":
            dv.errorStyle = "warning"
            dv.errorTitle = "不计入考核"
            dv.error = f"方案只统计下拉列表中的{name};其他{name}的问题不计入考核。仍要填写吗?"
            dv.showErrorMessage = True
        else:
            dv.showErrorMessage = False
        data.add_data_validation(dv)
        column = [n for n, _w, _t in FINDING_COLUMNS].index(name) + 1
        target = data.cell(row=1, column=column).column_letter
        dv.add(f"{target}2:{target}{last}")
    data.freeze_panes = "A2"
    data.auto_filter.ref = f"A1:{data.cell(row=1, column=len(FINDING_COLUMNS)).column_letter}1"
    wb.active = 1
    return to_bytes(wb, TEMPLATE)


def _counts(plan: Plan, spec: SourceSpec) -> list[tuple[str, list[str], list[str], list[tuple[str, float]]]]:
    """Each count of a findings source: (its input key, origins, categories, severities), in the
    scheme's order (the compiled spec keeps them as sets)."""
    source = next((s for s in plan.scheme.sources if s.id == spec.id), None)
    written = list(source.counts) if source is not None else []
    out = []
    for i, c in enumerate(spec.counts):
        if i < len(written):
            w = written[i]
            out.append((c.key, list(w.origins), list(w.categories), list(w.severities.items())))
        else:
            out.append((c.key, sorted(c.origins), sorted(c.categories), list(c.severities)))
    return out


def _choices(plan: Plan, spec: SourceSpec, units: list[str]) -> dict[str, tuple[list[str], str]]:
    """Each dropdown column → (its values, how strictly: "stop", "warning" or "")."""

    def named(parts: list[list[str]]) -> tuple[list[str], str]:
        values: list[str] = []
        for part in parts:
            values += [v for v in part if v not in values]
        return values, "warning" if parts and all(parts) else ""

    counts = _counts(plan, spec)
    return {
        "单位名称": (list(units), "stop"),
        "问题来源": named([origins for _k, origins, _c, _s in counts]),
        "问题类别": named([categories for _k, _o, categories, _s in counts]),
        "严重程度": named([[name for name, _w in severities] for _k, _o, _c, severities in counts]),
    }


def _findings_notes(plan: Plan, spec: SourceSpec) -> list[str]:
    s = plan.scheme
    who = f"由{spec.department}填写" if spec.department else "由发现问题的单位填写"
    notes = [
        f"本表依据《{s.title}》(方案编号 {s.id})生成,是数据来源“{spec.id}”{spec.title}的问题清单模板,{who}。",
        "在“问题清单”工作表中每行填写一个问题;单位名称、问题来源、问题类别、问题描述必填,"
        "单位名称从下拉列表选择。请勿修改表头。",
        "各单位的问题个数由本表统计;没有列出的单位按未发现问题计。计入考核的问题:",
    ]
    names = {f.key: f.name for f in spec.read.inputs}
    for key, origins, categories, severities in _counts(plan, spec):
        weights = "、".join(f"{name}每个计 {weight:g} 个" for name, weight in severities)
        notes.append(
            f"    “{names.get(key, key)}”:问题来源 {'、'.join(origins) or '不限'};"
            f"问题类别 {'、'.join(categories) or '不限'};严重程度 {weights or '不限,每个问题计 1 个'}。"
        )
    notes.append(
        f"考核办读取时,把本表放在各单位填报表所在文件夹的“{spec.id}”子文件夹中,或用 --data {spec.id}=本文件 指定;"
        "同一文件也可作为 assess rectify --findings 的问题清单。"
    )
    out: list[str] = []
    n = 0
    for text in notes:
        if text.startswith("    "):
            out.append(text)
        else:
            n += 1
            out.append(f"{n}. {text}")
    return out


__all__ = ["FINDING_COLUMNS", "findings_template", "rater_example", "source_template", "table_template"]
