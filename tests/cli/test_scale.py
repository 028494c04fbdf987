"""Hundreds of county workbooks in one call (a correctness test, not a timing), and the
template round trip: what a county types into the template is what assess reads back."""

from __future__ import annotations

import json
import random
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from assess.cli import main
from assess.commands.common import load_plan


def _fill(template: Path, target: Path, values: dict[str, object], unit: str, group: str) -> None:
    wb = openpyxl.load_workbook(template)
    info = wb["基本信息"]
    info["B2"], info["B4"] = unit, group
    ws = wb["指标数据"]
    for row in ws.iter_rows(min_row=3):
        code = row[0].value
        if code in values:
            row[3].value = values[code]
    wb.save(target)


def _values(plan, rng: random.Random) -> dict[str, object]:  # type: ignore[no-untyped-def]
    out: dict[str, object] = {}
    for spec in plan.read.inputs:
        code = spec.code or spec.key
        if spec.kind == "bool":
            out[code] = rng.choice(["是", "否"]) if spec.key not in ("规模性返贫", "重大舆情") else "否"
        elif spec.kind == "count":
            out[code] = rng.randint(0, 5)
        elif spec.kind == "score":
            out[code] = round(rng.uniform(60, 100), 1)
        elif spec.kind == "percent":
            out[code] = round(rng.uniform(50, 100), 2)
        else:
            out[code] = round(rng.uniform(100, 900), 2)
    out["A01"], out["A02"] = 1000, rng.randint(300, 1000)
    out["A10"], out["A11"] = 100, rng.randint(80, 100)
    out["A03"], out["A04"], out["A05"] = (
        1000.0,
        round(rng.uniform(400, 900), 1),
        round(rng.uniform(400, 1000), 1),
    )
    return out


def test_template_round_trip_reads_back_what_was_typed(tmp_path: Path) -> None:
    from assess.workbook.county import read_county

    plan = load_plan("county-2024")
    template = tmp_path / "模板.xlsx"
    assert CliRunner().invoke(main, ["template", "-s", "county-2024", "-o", str(template)]).exit_code == 0
    values = _values(plan, random.Random(3))
    filled = tmp_path / "浏阳市.xlsx"
    _fill(template, filled, values, "浏阳市", "示范创建县")
    unit = read_county(filled, plan.own_read)  # the template asks only for what the county reports
    assert (unit.unit, unit.group, unit.year) == ("浏阳市", "示范创建县", 2024)
    for spec in plan.own_read.inputs:
        typed = values[spec.code or spec.key]
        expected = {"是": 1.0, "否": 0.0}.get(typed, typed) if isinstance(typed, str) else float(typed)  # type: ignore[arg-type]
        assert unit.values[spec.key].number == expected, spec.key


def test_template_keeps_formula_like_names_as_text(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(main, ["template", "-s", "county-2024", "-o", str(out), "--unit", "=1+1"])
    assert result.exit_code == 0
    cell = openpyxl.load_workbook(out)["基本信息"]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_three_hundred_workbooks_in_one_call(tmp_path: Path) -> None:
    plan = load_plan("county-2024")
    schema = tmp_path / "方案.yaml"  # the bundled scheme without its sample unit list and other sources
    text = (Path(plan.path)).read_text(encoding="utf-8")
    text = text[: text.index("units:")] + text[text.index("tables:") :]
    schema.write_text(text[: text.index("sources:")], encoding="utf-8")
    template = tmp_path / "模板.xlsx"
    CliRunner().invoke(main, ["template", "-s", str(schema), "-o", str(template)])
    folder = tmp_path / "县"
    folder.mkdir()
    rng = random.Random(300)
    groups = [g.name for g in plan.scheme.groups]
    for n in range(300):
        _fill(template, folder / f"县{n:03d}.xlsx", _values(plan, rng), f"县{n:03d}", groups[n % 3])
    out = tmp_path / "排名.json"
    result = CliRunner().invoke(
        main, ["rank", "-s", str(schema), str(folder), "--format", "json", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    units = json.loads(out.read_text(encoding="utf-8"))["units"]
    assert len(units) == 300
    for group in groups:
        members = sorted((u for u in units if u["group"] == group), key=lambda u: u["rank"])
        assert len(members) == 100
        assert members[0]["rank"] == 1
        totals = [u["total"] for u in members]
        assert totals == sorted(totals, reverse=True)
        good = sum(u["grade"] == "好" for u in members)
        assert good <= 30  # the 30 % quota of 好 per group
