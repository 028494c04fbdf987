"""Generate the sample cohort for the bundled scheme ``county-2024``.

Fourteen county workbooks across the scheme's three groups, messy the way
real returns are (merged title rows and renamed headers, percentages typed as
text, amounts in 亿元, 不适用 and blank cells, one .xls and one .ods made with
LibreOffice when it is installed), the same cohort as one summary table, and
a province-wide village detail table.  The counties report only what the
scheme's unit source asks for; the other sources (财政/, 统计/, 第三方/, 目标/,
督查/) are written beside ``counties/`` by ``make_sources.py`` from the same
draws, so the figures are those the county workbooks carried before the
scheme had ``sources:``.  Figures are plausible in magnitude for county
reports; a fixed seed makes every run identical.

    python examples/make_examples.py
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from make_sources import write_sources  # noqa: E402  (beside this script)

from assess.commands.common import load_plan  # noqa: E402
from assess.scheme.inputs import InputSpec  # noqa: E402

SEED = 2024
VILLAGE_WORDS = "东西南北新和平安乐兴福华丰盛光明星红石桥塘湾坪岭冲溪田山水竹林花园"


def _village_names(rng: random.Random, n: int) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.sample(VILLAGE_WORDS, 2)) + "村")
    return sorted(names)


def county_values(rng: random.Random, unit: str) -> dict[str, object]:
    """One county's return, keyed by the scheme's input keys."""
    monitored = rng.randint(2000, 9000)
    funds = round(rng.uniform(8000, 40000), 1)
    workers = rng.randint(30000, 90000)
    area_task = round(rng.uniform(40, 120), 2)
    problems = rng.randint(20, 80)
    v: dict[str, object] = {
        "监测对象人数": monitored,
        "消除风险人数": int(monitored * rng.uniform(0.45, 0.82)),
        "衔接资金总额": funds,
        "产业资金": round(funds * rng.uniform(0.52, 0.7), 1),
        "已支付资金": round(funds * rng.uniform(0.6, 0.95), 1),
        "务工规模": int(workers * rng.uniform(0.96, 1.05)),
        "上年务工规模": workers,
        "播种面积": round(area_task * rng.uniform(0.97, 1.04), 2),
        "播种任务": area_task,
        "问题总数": problems,
        "已整改问题数": int(problems * rng.uniform(0.85, 1.0)),
        "规模性返贫": "否",
        "重大舆情": "否",
        "第三方评估得分": round(rng.uniform(80, 98), 1),
        "1.2": round(rng.uniform(0.5, 4.2), 2),
        "1.3": rng.choice([100, 100, 99.9, 99.8, 99.5]),
        "1.4": round(rng.uniform(8, 28), 1),
        "1.7": round(rng.uniform(0.2, 1.6), 2),
        "1.9": rng.choice(["是", "是", "是", "否"]),
        "1.10": rng.choice([0, 0, 1, 2, 3, 5]),
        "2.1": round(rng.uniform(1.6, 2.8), 2),
        "2.2": round(rng.uniform(5.5, 8.5), 1),
        "2.3": round(rng.uniform(8, 15), 1),
        "2.5": round(rng.uniform(0, 15), 1),
        "3.1": round(rng.uniform(86, 99), 1),
        "3.2": round(rng.uniform(70, 95), 1),
        "3.3": rng.choice([100, 100, 99, 98, 96]),
        "3.4": round(rng.uniform(20, 60), 1),
        "3.5": rng.choice([100, 100, 90, 80]),
        "3.6": rng.choice([100, 100, 100, 98.5]),
        "4.1": rng.choice([100, 100, 100, 96]),
        "4.2": round(rng.uniform(40, 95), 1),
        "4.3": round(rng.uniform(88, 99), 1),
        "4.4": rng.choice([0, 0, 1, 2, 3]),
        "5.2": rng.choice(["是", "是", "是", "否"]),
        "5.3": round(rng.uniform(85, 110), 1),
        "6.2": rng.choice([100, 95, 90, 85]),
        "6.3": rng.choice([0, 1, 2, 3]),
        "B1": rng.choice([0, 0, 1, 2]),
        "B2": rng.choice(["否", "否", "是"]),
        "B3": rng.choice([0, 0, 0.5, 1]),
        "P1": 0,
        "P2": rng.choice([0, 0, 1, 2]),
    }
    return v


# What makes each return different from a clean template.
QUIRKS: dict[str, dict[str, object]] = {
    "宁乡市": {"percent_text": True},
    "泸溪县": {"messy_header": True, "blank": ["2.5"]},
    "保靖县": {"set": {"规模性返贫": "是"}},
    "古丈县": {"set": {"3.5": "不适用", "P1": 1}},
    "永顺县": {"set": {"衔接资金总额": "3.12亿元"}, "blank": ["1.4"]},  # 3.12亿元 in the 财政 table
    "安化县": {"set": {"3.5": "不适用"}},
    "新化县": {"convert": "xls"},
    "城步县": {"convert": "ods"},
}


def _display(spec: InputSpec, value: object, percent_text: bool) -> object:
    if percent_text and spec.kind == "percent" and isinstance(value, (int, float)):
        return f"{value}%"
    return value


def write_county(
    path: Path,
    unit: str,
    group: str,
    year: int,
    specs: tuple[InputSpec, ...],
    values: dict[str, object],
    villages: list[tuple[str, float, str, str]],
    quirk: dict[str, object],
) -> None:
    wb = Workbook()
    info = wb.active
    info.title = "基本信息"
    for r, (label, value) in enumerate([("单位名称", unit), ("年度", year), ("分组", group)], start=1):
        info.cell(row=r, column=1, value=label)
        info.cell(row=r, column=2, value=value)
    ws = wb.create_sheet("指标数据")
    row = 1
    if quirk.get("messy_header"):
        ws.cell(row=1, column=1, value=f"{unit}{year}年度乡村振兴实绩考核数据填报表")
        ws.merge_cells("A1:E1")
        ws.cell(row=2, column=1, value="填报单位(盖章):" + unit)
        ws.merge_cells("A2:C2")
        ws.cell(row=2, column=4, value="填报日期:2025年1月10日")
        row = 4
        headers = ["序号\n编码", "考核指标", "计量\n单位", "填报值", "备注"]
    else:
        ws.cell(row=1, column=1, value=f"{year}年度乡村振兴实绩考核数据填报表")
        ws.merge_cells("A1:E1")
        row = 2
        headers = ["指标编码", "指标名称", "单位", "数值", "说明或佐证"]
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    if quirk.get("messy_header"):
        headers[0] = "指标编码"
    for c, h in enumerate(headers, start=1):
        ws.cell(row=row, column=c, value=h).font = Font(bold=True)
    for spec in specs:
        row += 1
        value = values.get(spec.key)
        if spec.key in quirk.get("blank", []):  # type: ignore[operator]
            value = None
        note = "无年度任务" if value == "不适用" else ""
        ws.cell(row=row, column=1, value=spec.code or spec.key)
        ws.cell(row=row, column=2, value=spec.name)
        ws.cell(row=row, column=3, value=spec.unit or "")
        ws.cell(row=row, column=4, value=_display(spec, value, bool(quirk.get("percent_text"))))
        ws.cell(row=row, column=5, value=note or None)
    if quirk.get("messy_header"):
        ws.cell(row=row + 2, column=1, value="填表人:张某某    审核人:李某某    联系电话:0743-0000000")
    for letter, width in zip("ABCDE", (10, 40, 8, 14, 20), strict=True):
        ws.column_dimensions[letter].width = width
    vs = wb.create_sheet("村级明细")
    for c, h in enumerate(
        ["村名称", "村集体经济经营性收入(万元)", "是否脱贫村", "较大人口规模自然村通硬化路"], start=1
    ):
        vs.cell(row=1, column=c, value=h)
    for r, (name, income, poor, road) in enumerate(villages, start=2):
        vs.cell(row=r, column=1, value=name)
        vs.cell(row=r, column=2, value=income)
        vs.cell(row=r, column=3, value=poor)
        vs.cell(row=r, column=4, value=road)
    wb.active = 1
    wb.save(path)


def convert(path: Path, target: str) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print(f"未找到 LibreOffice,{path.name} 保留为 .xlsx", file=sys.stderr)
        return None
    filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[target]
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                filt,
                "--outdir",
                str(path.parent),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    out = path.with_suffix("." + target)
    path.unlink()
    return out


def main() -> None:
    rng = random.Random(SEED)
    plan = load_plan(str(HERE.parent / "indicators" / "county-2024.yaml"))
    specs = plan.own_read.inputs  # what the counties report; the other sources give the rest
    groups = plan.group_names
    counties = HERE / "counties"
    for folder in [counties, *(HERE / s.id for s in plan.sources if s.kind != "unit")]:
        if folder.exists():
            shutil.rmtree(folder)
    counties.mkdir()
    drawn: dict[str, dict[str, object]] = {}
    summary = Workbook()
    ws = summary.active
    ws.title = "汇总表"
    ws.append(["单位名称", "分组"] + [f"{s.name}({s.unit})" if s.unit else s.name for s in specs])
    details = Workbook()
    ds = details.active
    ds.title = "村级明细"
    ds.append(
        ["所属县市区", "村名称", "村集体经济经营性收入(万元)", "是否脱贫村", "较大人口规模自然村通硬化路"]
    )
    for entry in plan.scheme.units:
        unit = entry.name
        group = groups[plan.group_ids[entry.group or ""]]
        values = county_values(rng, unit)
        quirk = QUIRKS.get(unit, {})
        values.update(quirk.get("set", {}))  # type: ignore[arg-type]
        drawn[unit] = values
        villages = [
            (
                name,
                round(rng.lognormvariate(2.3, 0.6), 1),
                rng.choice(["是", "否", "否"]),
                rng.choice(["是", "是", "否"]),
            )
            for name in _village_names(rng, rng.randint(18, 40))
        ]
        path = counties / f"{unit}.xlsx"
        write_county(path, unit, group, plan.scheme.year, specs, values, villages, quirk)
        if quirk.get("convert"):
            convert(path, str(quirk["convert"]))
        row: list[object] = [unit, group]
        for spec in specs:
            value = values.get(spec.key)
            row.append(None if spec.key in quirk.get("blank", []) else value)  # type: ignore[operator]
        ws.append(row)
        for v in villages:
            ds.append([unit, *v])
    summary.save(HERE / "汇总表.xlsx")
    details.save(HERE / "村级明细(全省).xlsx")
    others = write_sources(HERE, plan, drawn, SEED)
    print(f"已生成 {len(plan.scheme.units)} 个县级填报表、汇总表和村级明细:{HERE}")
    print("其他数据来源:" + "、".join(str(p.relative_to(HERE)) for p in others))


if __name__ == "__main__":
    main()
