"""Builders for the workbook reader tests: every fixture file is made here, none is checked in.

openpyxl writes real .xlsx (formulas without cached values, as programs do);
``patch_xlsx`` edits the XML afterwards for things openpyxl cannot write
(error cells with cached values, a DTD in sharedStrings).  Encrypted-looking
OLE files and .ods files are written by hand; .xls needs xlwt (optional).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from assess.scheme.inputs import (
    KIND_AMOUNT,
    KIND_BOOL,
    KIND_COUNT,
    KIND_NUMBER,
    KIND_PERCENT,
    KIND_TEXT,
    ColumnSpec,
    InputSpec,
    ReadPlan,
    TableSpec,
)

VILLAGES = TableSpec(
    key="villages",
    name="村级明细",
    columns=(
        ColumnSpec("village", "村名称", KIND_TEXT),
        ColumnSpec("income", "集体经济收入", KIND_AMOUNT, "万元", aliases=("村集体经济收入",)),
        ColumnSpec("rate", "规划覆盖率", KIND_PERCENT, "%"),
    ),
)

PLAN = ReadPlan(
    inputs=(
        InputSpec("income", "A1", "农村居民人均可支配收入", KIND_NUMBER, "元"),
        InputSpec("growth", "A2", "脱贫人口收入增速", KIND_PERCENT, "%"),
        InputSpec("funds", "A3", "衔接资金投入", KIND_AMOUNT, "万元", aliases=("财政衔接资金",)),
        InputSpec("monitored", "A4", "监测对象人数", KIND_COUNT, "人", minimum=0),
        InputSpec("cleared", "A5", "消除风险人数", KIND_COUNT, "人", minimum=0, part_of="monitored"),
        InputSpec("mechanism", "A6", "是否建立防返贫监测机制", KIND_BOOL),
        InputSpec("toilet", "A7", "农村卫生厕所普及率", KIND_PERCENT, "%", minimum=0, maximum=100),
        InputSpec("plan_cov", "A8", "村庄规划覆盖率", KIND_PERCENT, "%", minimum=0, maximum=100),
        InputSpec("water", "A9", "集中供水率", KIND_PERCENT, "%", required=False),
    ),
    tables=(VILLAGES,),
    year=2024,
    groups=("一类县", "二类县"),
    units=("甲县", "乙县", "丙县"),
)

GOOD_ROWS: list[tuple[Any, ...]] = [
    ("A1", "农村居民人均可支配收入", "元", 18500, "统计局数据"),
    ("A2", "脱贫人口收入增速", "%", "12.5%", ""),
    ("A3", "衔接资金投入", "万元", "1.2亿元", ""),
    ("A4", "监测对象人数", "人", 320, ""),
    ("A5", "消除风险人数", "人", 300, ""),
    ("A6", "是否建立防返贫监测机制", "", "是", ""),
    ("A7", "农村卫生厕所普及率", "%", 0.823, ""),  # formatted as 0.0% below
    ("A8", "村庄规划覆盖率", "%", "不适用", ""),
    ("A9", "集中供水率", "%", 95, ""),
]


def county_xlsx(
    path: Path,
    rows: list[tuple[Any, ...]] | None = None,
    *,
    unit: str | None = "甲县",
    year: Any = 2024,
    group: str | None = "一类县",
    info_sheet: bool = True,
    villages: list[tuple[Any, ...]] | None = None,
    percent_cells: tuple[str, ...] = ("A7",),
) -> Path:
    """A county workbook: 基本信息 label/value sheet, 指标数据 with a merged title, notes below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if info_sheet:
        ws.title = "基本信息"
        if unit is not None:
            ws.append(["单位名称", unit])
        ws.append(["年度", year])
        if group is not None:
            ws.append(["分组", group])
        data = wb.create_sheet("指标数据")
    else:
        ws.title = "指标数据"
        data = ws
    data["A1"] = f"{year}年度乡村振兴实绩考核数据填报表"
    data.merge_cells("A1:E1")
    if not info_sheet and unit is not None:
        data["A2"] = f"填报单位：{unit}"
    data.append([])
    data.append(["指标编码", "指标名称", "计量单位", "本年数值", "说明或佐证"])
    header_row = data.max_row
    for i, r in enumerate(rows if rows is not None else GOOD_ROWS):
        data.append(list(r))
        if r and r[0] in percent_cells:
            data.cell(row=header_row + 1 + i, column=4).number_format = "0.0%"
    data.append([])
    data.append(["注：数值请填写本年度数据。"])
    if villages is not None:
        vs = wb.create_sheet("村级明细")
        vs.append(["序号", "村名称", "集体经济收入(万元)", "规划覆盖率(%)"])
        for v in villages:
            vs.append(list(v))
    wb.save(path)
    return path


def patch_xlsx(path: Path, member: str, old: str, new: str, *, add: dict[str, str] | None = None) -> Path:
    """Replace text in one member of an xlsx (and add members), rewriting the zip."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    if old:
        text = members[member].decode()
        assert old in text, f"{old!r} not in {member}"
        members[member] = text.replace(old, new, 1).encode()
    for name, content in (add or {}).items():
        members[name] = content.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return path


def sheet_member(path: Path, title: str) -> str:
    """The zip member holding the sheet called ``title`` (openpyxl numbers them in order)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def encrypted_ole(path: Path) -> Path:
    """An OLE compound file holding EncryptionInfo and EncryptedPackage streams, as Excel writes
    for a password-protected .xlsx (contents empty: only the directory matters)."""
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sect, end, *([free] * 126))

    def entry(name: str, typ: int, left: int = free, right: int = free, child: int = free) -> bytes:
        raw = name.encode("utf-16-le")
        e = bytearray(128)
        e[0 : len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw) + 2, typ, 1)
        struct.pack_into("<III", e, 68, left, right, child)
        struct.pack_into("<IQ", e, 116, end, 0)
        return bytes(e)

    directory = (
        entry("Root Entry", 5, child=1)
        + entry("EncryptionInfo", 2, right=2)
        + entry("EncryptedPackage", 2)
        + bytes(128)
    )
    path.write_bytes(bytes(header) + fat + directory)
    return path


def ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A minimal OpenDocument spreadsheet (what WPS or LibreOffice save as .ods)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = []
    for name, rows in sheets.items():
        body.append(f'<table:table table:name="{name}">')
        for row in rows:
            cells = []
            for v in row:
                if v is None:
                    cells.append("<table:table-cell/>")
                elif isinstance(v, (int, float)):
                    cells.append(
                        f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
                    )
                else:
                    cells.append(
                        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                    )
            body.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        body.append("</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def summary_xlsx(path: Path, units: list[tuple[Any, ...]], headers: list[str] | None = None) -> Path:
    """A summary table: title row, header row (names with units), one row per unit, a total row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws["A1"] = "2024年乡村振兴实绩考核汇总表"
    ws.merge_cells("A1:F1")
    ws.append(
        headers
        or [
            "县(市、区)",
            "分组",
            "农村居民人均可支配收入(元)",
            "脱贫人口收入增速(%)",
            "衔接资金投入(元)",
            "监测对象人数",
            "消除风险人数",
        ]
    )
    for u in units:
        ws.append(list(u))
    ws.append(["合计", None, None, None, None, 1000, 900])
    wb.save(path)
    return path


def minimal_xlsx(sheet_xml: bytes, sheets: tuple[tuple[str, int], ...] = (("表", 1),)) -> bytes:
    """A minimal workbook around one hand-written sheet (``sheets``: names and their sheetN.xml
    part; parts other than sheet1.xml are written as a copy of ``sheet_xml`` with negated values)."""
    listed = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for i, (_, k) in enumerate(sheets, 1)
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
            'workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships"><sheets>{listed}</sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/relationships">{rels}</Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for k in sorted({k for _, k in sheets} - {1}):
            z.writestr(f"xl/worksheets/sheet{k}.xml", sheet_xml.replace(b"<v>", b"<v>-"))
    return buf.getvalue()
