"""One access code per unit, in a sheet the office hands out (``访问码.xlsx``).

Each run of ``assess serve --unit-codes`` makes new codes for every unit of
the scheme; the earlier codes stop working.  Only salted hashes are kept for
the server (``访问码.json``); the sheet is the one place the codes are
written, and every text in it is written as text (never a formula).
"""

from __future__ import annotations

from pathlib import Path

from assess.serve import layout as L
from assess.serve.auth import new_code, unit_code_entries


def make_unit_codes(root: Path, units: list[str], address: str = "") -> tuple[Path, dict[str, str]]:
    """Write ``访问码.xlsx`` and ``访问码.json`` in ``root``; return the sheet and the codes."""
    from openpyxl import Workbook

    from assess.render.atomic import write_atomic
    from assess.render.xlsx_style import BOLD, CENTER, HEAD_FILL, put, title
    from assess.serve.store import write_json

    codes = {unit: new_code() for unit in units}
    wb = Workbook()
    ws = wb.active
    ws.title = "访问码"
    title(ws, "乡村振兴实绩考核数据报送访问码", 3)
    for col, (name, width) in enumerate((("单位名称", 24), ("访问码", 20), ("网址", 36)), start=1):
        put(ws, 2, col, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions["ABC"[col - 1]].width = width
    for row, (unit, text) in enumerate(codes.items(), start=3):
        put(ws, row, 1, unit)
        put(ws, row, 2, text)
        put(ws, row, 3, address)
    note = len(codes) + 4
    put(ws, note, 1, "每个单位的访问码只能提交本单位的数据、查看本单位的回执;请单独发给各单位,不要公开。")
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=3)
    import io

    buf = io.BytesIO()
    wb.save(buf)
    sheet = write_atomic(Path(root) / L.UNIT_CODES, buf.getvalue())
    write_json(Path(root) / L.CODE_HASHES, unit_code_entries(codes))
    return sheet, codes
