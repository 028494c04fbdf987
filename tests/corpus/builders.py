"""Bad inputs, made on the spot: each builder writes one file into a folder and returns its path.

Nothing here is committed as a binary: workbooks are written with openpyxl and
zipfile, schemes as text, so a reviewer can read what each case contains.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "indicators" / "county-2024.yaml"
GOOD = ROOT / "examples" / "counties" / "浏阳市.xlsx"

Builder = Callable[[Path], Path]


def _good_workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(GOOD)


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _set_value(wb: openpyxl.Workbook, code: str, value: object) -> None:
    ws = wb["指标数据"]
    for row in ws.iter_rows(min_row=1):
        if row[0].value == code:
            row[3].value = value
            return
    raise KeyError(code)


def _rewrite_member(src: Path, dst: Path, member: str, edit: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, edit(data) if item.filename == member else data)
    return dst


def _sheet_member(path: Path, title: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


# ---- workbooks -------------------------------------------------------------------


def empty(folder: Path) -> Path:
    path = folder / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "乱码.xlsx"
    path.write_bytes(random.Random(1).randbytes(4096))
    return path


def truncated(folder: Path) -> Path:
    path = folder / "截断.xlsx"
    data = GOOD.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_bomb(folder: Path) -> Path:
    path = folder / "压缩炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * (48 * 1024 * 1024) + b"</a>")
    return path


def _with_doctype(path: Path, doctype: bytes) -> Path:
    member = _sheet_member(GOOD, "指标数据")

    def edit(xml: bytes) -> bytes:
        head, sep, rest = xml.partition(b"?>")
        return head + sep + doctype + rest if sep else doctype + xml

    return _rewrite_member(GOOD, path, member, edit)


def xxe(folder: Path) -> Path:
    """An external entity in the data sheet: refused before parsing, nothing fetched."""
    return _with_doctype(
        folder / "外部实体.xlsx", b'<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>'
    )


def billion_laughs(folder: Path) -> Path:
    entities = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 10))
    return _with_doctype(folder / "实体展开.xlsx", f'<!DOCTYPE x [<!ENTITY l0 "lol">{entities}]>'.encode())


def encrypted(folder: Path) -> Path:
    """An OLE compound file with the streams Office writes for a password-protected workbook."""
    from tests.workbook.wbfixtures import encrypted_ole

    return encrypted_ole(folder / "加密.xlsx")


def xls_named_xlsx(folder: Path) -> Path:
    path = folder / "新化县.xlsx"
    path.write_bytes((ROOT / "examples" / "counties" / "新化县.xls").read_bytes())
    return path


def xlsx_named_xls(folder: Path) -> Path:
    path = folder / "浏阳市.xls"
    path.write_bytes(GOOD.read_bytes())
    return path


def word_named_xlsx(folder: Path) -> Path:
    path = folder / "其实是文档.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return path


def huge_dimension(folder: Path) -> Path:
    path = folder / "超大范围.xlsx"
    member = _sheet_member(GOOD, "指标数据")
    return _rewrite_member(
        GOOD,
        path,
        member,
        lambda b: b.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" old="', 1),
    )


def many_columns(folder: Path) -> Path:
    wb = _good_workbook()
    wb["指标数据"].cell(row=3, column=16384, value="最后一列")
    return _save(wb, folder / "16384列.xlsx")


def long_cell(folder: Path) -> Path:
    wb = _good_workbook()
    _set_value(wb, "1.2", "长" * 32767)
    return _save(wb, folder / "超长单元格.xlsx")


def hidden_sheets(folder: Path) -> Path:
    wb = _good_workbook()
    wb["指标数据"].sheet_state = "hidden"
    wb["基本信息"].sheet_state = "veryHidden"
    return _save(wb, folder / "隐藏工作表.xlsx")


def twin_sheets(folder: Path) -> Path:
    """Two data sheets whose names differ only by full-width brackets."""
    wb = _good_workbook()
    copy = wb.copy_worksheet(wb["指标数据"])
    wb["指标数据"].title = "指标数据(报送)"
    copy.title = "指标数据（报送）"
    return _save(wb, folder / "全角重名.xlsx")


def formula_no_cache(folder: Path) -> Path:
    wb = _good_workbook()
    _set_value(wb, "1.2", "=1+1")
    return _save(wb, folder / "公式无缓存.xlsx")


def error_value(folder: Path) -> Path:
    src = folder / "_err.xlsx"
    wb = _good_workbook()
    _set_value(wb, "1.2", "=1/0")
    wb.save(src)
    member = _sheet_member(src, "指标数据")
    path = folder / "除零错误.xlsx"

    def edit(xml: bytes) -> bytes:
        return (
            xml.replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#DIV/0!</v>")
            .replace(b"<f>1/0</f><v/>", b"<f>1/0</f><v>#DIV/0!</v>")
            .replace(b'<c r="D', b'<c r="D', 1)
        )

    _rewrite_member(src, path, member, edit)
    src.unlink()
    return path


def merged_value(folder: Path) -> Path:
    wb = _good_workbook()
    ws = wb["指标数据"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.3")
    ws.merge_cells(start_row=row, start_column=4, end_row=row + 1, end_column=4)
    return _save(wb, folder / "合并单元格.xlsx")


def date_value(folder: Path) -> Path:
    import datetime as dt

    wb = _good_workbook()
    _set_value(wb, "1.2", dt.datetime(2024, 3, 5))
    return _save(wb, folder / "日期.xlsx")


def text_value(folder: Path) -> Path:
    wb = _good_workbook()
    _set_value(wb, "1.2", "约百分之三")
    return _save(wb, folder / "文字.xlsx")


def repeated_row(folder: Path) -> Path:
    """The same indicator twice on one sheet: the message names the first row's cell."""
    wb = _good_workbook()
    ws = wb["指标数据"]
    row = next(r for r in ws.iter_rows(min_row=1) if r[0].value == "1.2")
    ws.append([c.value for c in row[:3]] + [9.9])
    return _save(wb, folder / "重复行.xlsx")


def no_data_sheet(folder: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["随便", "什么"])
    return _save(wb, folder / "没有数据表.xlsx")


def csv_nan(folder: Path) -> Path:
    return _summary_csv(folder / "非数.csv", "nan")


def csv_inf(folder: Path) -> Path:
    return _summary_csv(folder / "无穷.csv", "inf")


def csv_overflow(folder: Path) -> Path:
    return _summary_csv(folder / "溢出.csv", "1e309")


def _summary_csv(path: Path, bad: str, encoding: str = "utf-8") -> Path:
    """The sample summary table as CSV, with 返贫风险率 of the first unit replaced by ``bad``."""
    import csv
    import io

    ws = openpyxl.load_workbook(ROOT / "examples" / "汇总表.xlsx").active
    rows = [["" if c.value is None else c.value for c in row] for row in ws.iter_rows()]
    column = next(i for i, h in enumerate(rows[0]) if str(h).startswith("返贫风险率"))
    rows[1][column] = bad
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows[:3])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def csv_gbk_ok(folder: Path) -> Path:
    return _summary_csv(folder / "国标编码.csv", "2.5", "gb18030")


def csv_binary(folder: Path) -> Path:
    path = folder / "二进制.csv"
    path.write_bytes(b"\x00\x01\x02garbage\x00" * 100)
    return path


def wrong_year(folder: Path) -> Path:
    wb = _good_workbook()
    wb["基本信息"]["B2"] = 2023
    return _save(wb, folder / "年度不符.xlsx")


def unknown_unit(folder: Path) -> Path:
    wb = _good_workbook()
    wb["基本信息"]["B1"] = "浏阳县"
    return _save(wb, folder / "单位不在名单.xlsx")


def part_exceeds_whole(folder: Path) -> Path:
    wb = _good_workbook()
    _set_value(wb, "A02", 999999)
    return _save(wb, folder / "部分大于整体.xlsx")


def percent_over_100(folder: Path) -> Path:
    wb = _good_workbook()
    _set_value(wb, "3.1", 130)
    return _save(wb, folder / "超过百分之百.xlsx")


def negative_count(folder: Path) -> Path:
    wb = _good_workbook()
    _set_value(wb, "B1", -2)
    return _save(wb, folder / "负数.xlsx")


def mutated_bytes(seed: int) -> Builder:
    def build(folder: Path) -> Path:
        rng = random.Random(seed)
        data = bytearray(GOOD.read_bytes())
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = folder / f"变异{seed}.xlsx"
        path.write_bytes(bytes(data))
        return path

    return build


# ---- schemes ----------------------------------------------------------------------


def scheme_text(name: str, text: str, encoding: str = "utf-8") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return path

    return build


def scheme_edit(name: str, old: str, new: str) -> Builder:
    def build(folder: Path) -> Path:
        text = SCHEME.read_text(encoding="utf-8")
        assert old in text, old
        path = folder / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return build


def scheme_gbk(folder: Path) -> Path:
    path = folder / "国标编码方案.yaml"
    path.write_bytes(SCHEME.read_text(encoding="utf-8").encode("gb18030"))
    return path


def scheme_many(folder: Path) -> Path:
    lines = ["id: big", "title: 大方案", "year: 2024", "full_score: 10000", "categories:"]
    for c in range(100):
        lines += [f"  - id: 'C{c}'", f"    name: 类{c}", "    points: 100", "    indicators:"]
        for i in range(100):
            lines.append(
                f"      - {{id: 'C{c}.{i}', name: 指标{c}-{i}, points: 1, rule: {{type: threshold, target: 1}}}}"
            )
    path = folder / "一万个指标.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scheme_deep(folder: Path) -> Path:
    path = folder / "深层嵌套.yaml"
    path.write_text("id: x\ntitle: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    return path


def mutated_scheme(seed: int) -> Builder:
    def build(folder: Path) -> Path:
        rng = random.Random(seed)
        data = bytearray(SCHEME.read_bytes())
        for _ in range(rng.randint(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(32, 127)
        path = folder / f"变异方案{seed}.yaml"
        path.write_bytes(bytes(data))
        return path

    return build


SCHEME_CASES: dict[str, tuple[str, str]] = {
    # name: (text to find in the bundled scheme, its replacement)
    "unknown_key": ("    points: 30\n", "    points: 30\n    weigth: 0.3\n"),
    "wrong_type": ("full_score: 100", "full_score: 一百"),
    "duplicate_id": ('      - id: "1.2"', '      - id: "1.1"'),
    "unknown_formula_field": (
        "formula: 消除风险人数 / 监测对象人数 * 100",
        "formula: 消除风险人数 / 监测人数 * 100",
    ),
    "bands_overlap": ("- {min: 60, max: 70, score: 4}", "- {min: 60, max: 75, score: 4}"),
    "grades_not_monotonic": ("- {name: 较好, min: 80}", "- {name: 较好, min: 95}"),
    "points_sum": ("    name: 乡村产业发展\n    points: 20", "    name: 乡村产业发展\n    points: 25"),
    "floor_equals_target": (
        "rule: {type: linear, floor: 30, target: 15}",
        "rule: {type: linear, floor: 15, target: 15}",
    ),
    "negative_cap": ("rule: {type: deduct, per_item: 0.5}", "rule: {type: deduct, per_item: 0.5, cap: -1}"),
    "duplicate_key": ("year: 2024\n", "year: 2024\nyear: 2025\n"),
    "quota_over_one": ("- {name: 好, min: 90, quota: 0.3}", "- {name: 好, min: 90, quota: 30}"),
    "unknown_rule_type": ("rule: {type: ratio, target: 2.5}", "rule: {type: proportion, target: 2.5}"),
    "unknown_group": ("by_group: {重点帮扶县: {target: 55}}", "by_group: {贫困县: {target: 55}}"),
    "formula_import": ("formula: 产业资金 / 衔接资金总额 * 100", "formula: __import__('os').system('id')"),
    "formula_attribute": ("formula: 产业资金 / 衔接资金总额 * 100", "formula: 产业资金.real"),
    "formula_lambda": ("formula: 产业资金 / 衔接资金总额 * 100", "formula: '(lambda: 1)()'"),
    "formula_comprehension": ("formula: 产业资金 / 衔接资金总额 * 100", "formula: min(x for x in (1, 2))"),
    "formula_power_tower": ("formula: 产业资金 / 衔接资金总额 * 100", "formula: 9**9**9"),
    "formula_too_long": (
        "formula: 产业资金 / 衔接资金总额 * 100",
        "formula: " + " + ".join(["产业资金"] * 300),
    ),
    "formula_cycle": (
        "  - {id: 达标村数",
        "  - {id: 循环甲, name: 循环甲, formula: 循环乙 + 1}\n  - {id: 循环乙, name: 循环乙, formula: 循环甲 + 1}\n  - {id: 达标村数",
    ),
}
SCHEME_TEXTS: dict[str, str] = {
    "yaml_syntax": "id: x\ntitle: [未闭合\nyear: 2024\n",
    "tab_indent": "id: x\ntitle: t\n\tyear: 2024\n",
    "python_tag": "id: !!python/object/apply:os.system ['id']\ntitle: t\nyear: 2024\n",
    "alias_bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    ),
    "not_a_mapping": "- just\n- a list\n",
    "empty_scheme": "",
}
