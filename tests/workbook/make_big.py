"""Write a large detail-table workbook quickly (raw XML, no openpyxl) for speed checks.

Usage: python tests/workbook/make_big.py OUT.xlsx [ROWS] [COLS]
Columns: 所属县 (one of 100 counties), 村名称, then numeric columns, every
fifth one formatted as a percentage and the last one a formula with a result.
"""

from __future__ import annotations

import random
import sys
import zipfile
from pathlib import Path

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="10" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def letter(i: int) -> str:
    out, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def write_big(out: Path, rows: int, cols: int, sheet: str = "村级明细") -> list[str]:
    """Write the workbook; returns the header texts."""
    rnd = random.Random(7)
    headers = ["所属县", "村名称"] + [f"指标{j}" + ("(%)" if j % 5 == 4 else "") for j in range(cols - 2)]
    letters = [letter(j) for j in range(cols)]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB.format(name=sheet))
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            head = "".join(
                f'<c r="{letters[j]}1" t="inlineStr"><is><t>{h}</t></is></c>' for j, h in enumerate(headers)
            )
            f.write(f'<row r="1">{head}</row>'.encode())
            buf: list[str] = []
            for i in range(2, rows + 2):
                cells = [
                    f'<c r="A{i}" t="inlineStr"><is><t>县{i % 100:02d}</t></is></c>',
                    f'<c r="B{i}" t="inlineStr"><is><t>村{i}</t></is></c>',
                ]
                for j in range(2, cols):
                    v = rnd.random()
                    if j % 5 == 1:
                        cells.append(f'<c r="{letters[j]}{i}" s="1"><v>{v:.4f}</v></c>')
                    elif j == cols - 1:
                        cells.append(f'<c r="{letters[j]}{i}"><f>C{i}*2</f><v>{v * 200:.2f}</v></c>')
                    else:
                        cells.append(f'<c r="{letters[j]}{i}"><v>{v * 1000:.2f}</v></c>')
                buf.append(f'<row r="{i}">{"".join(cells)}</row>')
                if len(buf) >= 5000:
                    f.write("".join(buf).encode())
                    buf.clear()
            f.write("".join(buf).encode())
            f.write(b"</sheetData></worksheet>")
    return headers


if __name__ == "__main__":
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    c = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    write_big(Path(sys.argv[1]), n, c)
